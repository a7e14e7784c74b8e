// `rtml demo` end to end through the real binary: a seeded synthetic market is
// backfilled and streamed live, and within a bounded run predictions appear for
// every pair on the predictions topic and over REST, each saying which model version
// made it, live evaluation reports each version's error next to the baseline's, and
// models are trained on schedule. A second run on the same data directory resumes:
// the market goes on from the stored trades (no trade twice) and no prediction is
// written twice.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "cli_runner.h"
#include "rtml/ingest/net/http_client.h"
#include "rtml/ingest/trade.h"
#include "rtml/serve/live_error.h"
#include "rtml/stream/topic_reader.h"

namespace rtml::cli {
namespace {

using testing::CliResult;
using testing::CliRunner;

const std::vector<std::string> kPairs = {"BTC/USD", "ETH/USD", "SOL/USD"};

// "BTC/USD" -> "btc-usd-close-10s", the model the demo trains for a pair.
std::string ModelOf(const std::string& pair) {
  std::string model;
  for (const char c : pair) model += c == '/' ? '-' : static_cast<char>(std::tolower(c));
  return model + "-close-10s";
}

struct Prediction {
  std::string pair;
  std::string model;
  int64_t version = -1;
  int64_t ts_ms = 0;
};

class DemoCliTest : public ::testing::Test {
 protected:
  std::string Data() const { return cli_.dir().str() + "/demo"; }

  std::unique_ptr<stream::Broker> OpenLog() const {
    auto broker = stream::OpenBroker("file://" + Data() + "/log");
    EXPECT_TRUE(broker.ok()) << broker.status().ToString();
    return std::move(broker).value();
  }

  std::vector<Prediction> Predictions() const {
    std::vector<Prediction> predictions;
    simdjson::dom::parser parser;
    EXPECT_OK(stream::ReadTopicToEnd(
        *OpenLog(), "predictions", stream::SeekTarget::Beginning(),
        [&](const stream::ConsumedRecord& record) {
          simdjson::dom::element root;
          if (parser.parse(record.value.data(), record.value.size()).get(root)) {
            return Status::InvalidArgument("not JSON: " + std::string(record.value));
          }
          Prediction p;
          std::string_view pair, model;
          if (root["pair"].get_string().get(pair) || root["model"].get_string().get(model) ||
              root["model_version"].get_int64().get(p.version) ||
              root["ts_ms"].get_int64().get(p.ts_ms)) {
            return Status::InvalidArgument("not a prediction: " + std::string(record.value));
          }
          p.pair = pair;
          p.model = model;
          predictions.push_back(std::move(p));
          return Status::Ok();
        }));
    return predictions;
  }

  // Each pair's trade ids in the order stored.
  std::map<std::string, std::vector<int64_t>> TradeIds() const {
    std::map<std::string, std::vector<int64_t>> ids;
    EXPECT_OK(stream::ReadTopicToEnd(*OpenLog(), "trades", stream::SeekTarget::Beginning(),
                                     [&](const stream::ConsumedRecord& record) {
                                       RTML_ASSIGN_OR_RETURN(const ingest::Trade trade,
                                                             ingest::ParseTradeJson(record.value));
                                       ids[trade.pair].push_back(trade.trade_id);
                                       return Status::Ok();
                                     }));
    return ids;
  }

  static void ExpectNoPredictionTwice(const std::vector<Prediction>& predictions) {
    std::set<std::pair<std::string, int64_t>> seen;
    for (const Prediction& p : predictions) {
      EXPECT_TRUE(seen.insert({p.pair, p.ts_ms}).second) << p.pair << " at " << p.ts_ms;
    }
  }

  // Ids in order and each once; `contiguous`: none missing either (the simulator's
  // ids count up by one).
  static void ExpectEachTradeOnce(const std::map<std::string, std::vector<int64_t>>& ids,
                                  bool contiguous = true) {
    for (const auto& [pair, list] : ids) {
      for (size_t i = 1; i < list.size(); ++i) {
        if (contiguous) {
          ASSERT_EQ(list[i], list[i - 1] + 1) << pair << " trade " << i << " of " << list.size();
        } else {
          ASSERT_GT(list[i], list[i - 1]) << pair << " trade " << i << " of " << list.size();
        }
      }
    }
  }

  // Waits for the run to end by itself; its exit code.
  static int WaitForExit(pid_t pid, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid)
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -2;
  }

  CliRunner cli_;
};

TEST_F(DemoCliTest, PredictsEveryPairServesThemAndResumes) {
  const std::string flags = " --data " + Data() + " --port 0 --seed 7 --retrain-every 5s";
  const CliRunner::Background run = cli_.Start("demo --duration 30" + flags);
  // The REST server is up once the banner names it.
  std::string banner;
  for (int i = 0; i < 300 && banner.find("REST http://") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    banner = testing::ReadFileOrEmpty(run.err_path);
  }
  const size_t at = banner.find("REST http://");
  ASSERT_NE(at, std::string::npos) << banner;
  const std::string url = banner.substr(at + 5, banner.find("/predictions", at) - at - 5);
  for (const std::string& pair : kPairs) {
    Result<ingest::net::HttpResponse> latest{Status::Unavailable("not asked yet")};
    for (int i = 0; i < 200; ++i) {  // until the pair's features have warmed up
      latest = ingest::net::HttpGet(url + "/predictions?pair=" + pair, std::chrono::seconds(5));
      if (latest.ok() && latest->status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(latest.ok()) << latest.status().ToString();
    EXPECT_EQ(latest->status, 200) << pair << ": " << latest->body;
    EXPECT_THAT(latest->body, ::testing::ContainsRegex("\"model_version\":[0-9]+"));
  }
  Result<ingest::net::HttpResponse> metrics =
      ingest::net::HttpGet(url + "/metrics", std::chrono::seconds(5));
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  EXPECT_THAT(metrics->body,
              ::testing::HasSubstr("rtml_stage_records_in_total{stage=\"demo.candles\"}"));
  EXPECT_THAT(metrics->body,
              ::testing::HasSubstr("rtml_predictions_total{model=\"btc-usd-close-10s\""));
  ASSERT_EQ(WaitForExit(run.pid, std::chrono::seconds(90)), 0)
      << testing::ReadFileOrEmpty(run.err_path);

  const std::string err = testing::ReadFileOrEmpty(run.err_path);
  const std::string out = testing::ReadFileOrEmpty(run.out_path);
  EXPECT_THAT(err, ::testing::HasSubstr("backfilled BTC/USD: "));
  // Models were trained on schedule: each run registered a version or said why not.
  EXPECT_THAT(err,
              ::testing::ContainsRegex("trained .*btc-usd-close-10s.yaml in [0-9.]+s: registered"));
  // The summary: each version's live error next to the baseline's.
  EXPECT_THAT(out,
              ::testing::ContainsRegex(
                  "live error btc-usd-close-10s [a-z0-9]+: MAE [0-9.e+-]+ vs baseline [0-9.e+-]+"));

  const std::vector<Prediction> first = Predictions();
  std::map<std::string, int> per_pair;
  for (const Prediction& p : first) {
    ++per_pair[p.pair];
    EXPECT_GE(p.version, 0);
    EXPECT_EQ(p.model, ModelOf(p.pair));
  }
  for (const std::string& pair : kPairs) EXPECT_GT(per_pair[pair], 100) << pair;
  ExpectNoPredictionTwice(first);
  int judged = 0;
  EXPECT_OK(stream::ReadTopicToEnd(*OpenLog(), "predictions.eval", stream::SeekTarget::Beginning(),
                                   [&](const stream::ConsumedRecord& record) {
                                     RTML_RETURN_IF_ERROR(
                                         serve::ParseJudgedJson(record.value).status());
                                     ++judged;
                                     return Status::Ok();
                                   }));
  EXPECT_GT(judged, 300);
  const CliResult stats = cli_.Run("predictions stats --broker file://" + Data() + "/log");
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out,
              ::testing::ContainsRegex(
                  "btc-usd-close-10s +baseline +1 +[0-9]+ +[0-9.e+-]+ +[0-9.e+-]+ +1.000x"));
  ExpectEachTradeOnce(TradeIds());

  // A second run resumes: the same configs, the market going on, nothing twice.
  const CliResult again = cli_.Run("demo --duration 10" + flags);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, ::testing::HasSubstr("kept " + Data() + "/pipeline.yaml"));
  EXPECT_THAT(again.err, ::testing::HasSubstr("resuming from the stored trades"));
  const std::vector<Prediction> both = Predictions();
  EXPECT_GT(both.size(), first.size());
  ExpectNoPredictionTwice(both);
  ExpectEachTradeOnce(TradeIds());
}

TEST_F(DemoCliTest, ReplaysARealCaptureThroughTheWholeLoop) {
  const std::filesystem::path capture =
      rtml::testing::RealDataDir() / "binance" / "spot_btcusdt_20240808.gz";
  ASSERT_REAL_DATA(capture.parent_path());
  const CliResult run = cli_.Run("demo --replay " + capture.string() +
                                 " --fast --duration 12 --data " + Data() + " --port 0");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, ::testing::ContainsRegex("BTCUSDT: [0-9]+ predictions, latest by "
                                                "btcusdt-close-10s \\(baseline\\)"));
  std::set<int64_t> minutes;
  int predictions = 0;
  for (const Prediction& p : Predictions()) {
    EXPECT_EQ(p.pair, "BTCUSDT");
    EXPECT_EQ(p.model, "btcusdt-close-10s");
    minutes.insert(p.ts_ms / 60'000);
    ++predictions;
  }
  // The capture's minutes of trading, a prediction per second with trades.
  EXPECT_GT(predictions, 300);
  EXPECT_GE(minutes.size(), 5u);
  ExpectEachTradeOnce(TradeIds(), /*contiguous=*/false);
}

TEST_F(DemoCliTest, CtrlCStopsCleanlyWithASummary) {
  const CliRunner::Background run = cli_.Start("demo --data " + Data() + " --port 0");
  std::string err;
  for (int i = 0; i < 300 && err.find("REST http://") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    err = testing::ReadFileOrEmpty(run.err_path);
  }
  ASSERT_NE(err.find("REST http://"), std::string::npos) << err;
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(testing::StopAndWait(run.pid, SIGINT), 0) << testing::ReadFileOrEmpty(run.err_path);
  const std::string out = testing::ReadFileOrEmpty(run.out_path);
  EXPECT_THAT(out, ::testing::HasSubstr("data kept in " + Data() + ": run again to resume"));
  EXPECT_THAT(out, ::testing::ContainsRegex("BTC/USD: [0-9]+ predictions"));
}

TEST_F(DemoCliTest, BadFlagsAreUsageErrors) {
  const CliResult fast = cli_.Run("demo --fast --data " + Data());
  EXPECT_EQ(fast.exit_code, 2);
  EXPECT_THAT(fast.err, ::testing::HasSubstr("--fast applies to --replay"));
  const CliResult history = cli_.Run("demo --history 10s --data " + Data());
  EXPECT_EQ(history.exit_code, 2);
  EXPECT_THAT(history.err, ::testing::HasSubstr("--history: at least 1m"));
}

}  // namespace
}  // namespace rtml::cli
