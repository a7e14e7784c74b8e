// `rtml backfill kraken` against `rtml exchange-sim`'s REST endpoint, both as real
// processes: forced rate-limit replies, and the backfill killed with SIGKILL mid-way
// and run again. After the restart the topic holds every trade of the range exactly
// once, as the exchange made it.
#include <signal.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "rtml/core/clock.h"
#include "rtml/ingest/trade.h"
#include "rtml/stream/topic_reader.h"
#include "sim_truth.h"

namespace rtml::cli {
namespace {

using namespace std::chrono_literals;
using testing::CliRunner;

// Records in `topic` now; 0 while it does not exist.
int64_t RecordCount(stream::Broker& broker, const std::string& topic) {
  const auto description = broker.DescribeTopic(topic);
  if (!description.ok()) return 0;
  int64_t count = 0;
  for (const auto& p : description->partitions) count += p.end_offset - p.start_offset;
  return count;
}

std::vector<ingest::Trade> StoredTrades(stream::Broker& broker) {
  std::vector<ingest::Trade> trades;
  EXPECT_OK(stream::ReadTopicToEnd(broker, "trades", stream::SeekTarget::Beginning(),
                                   [&](const stream::ConsumedRecord& record) {
                                     auto trade = ingest::ParseTradeJson(record.value);
                                     EXPECT_TRUE(trade.ok()) << record.value;
                                     if (trade.ok()) trades.push_back(*std::move(trade));
                                     return Status::Ok();
                                   }));
  return trades;
}

class BackfillCliTest : public ::testing::Test {
 protected:
  // Starts the simulator with `history` of BTC/USD and ETH/USD trades; returns the
  // REST URL it prints.
  std::string StartSim(const std::string& faults) {
    truth_path_ = cli_.dir().str() + "/truth.jsonl";
    start_ms_ = WallClockMs();
    sim_ = cli_.Start(
        "exchange-sim --seed 5 --rate 60 --history 10m --pairs BTC/USD,ETH/USD "
        "--truth " +
        truth_path_ + " --faults " + faults);
    const std::string out = testing::WaitForLines(sim_.out_path, 3);
    std::smatch url;
    EXPECT_TRUE(
        std::regex_search(out, url, std::regex(R"((http://127\.0\.0\.1:\d+/0/public/Trades))")))
        << out << testing::ReadFileOrEmpty(sim_.err_path);
    return url[1];
  }

  // The range: minutes 1 to 9 of the simulator's 10 minutes of history.
  std::string RangeFlags() const {
    return " --since " + std::to_string(start_ms_ - 9 * 60'000) + " --until " +
           std::to_string(start_ms_ - 60'000);
  }

  CliRunner cli_;
  CliRunner::Background sim_;
  std::string truth_path_;
  int64_t start_ms_ = 0;
};

TEST_F(BackfillCliTest, KilledMidwayAndRestartedHoldsEveryTradeOfTheRangeOnce) {
  const std::string url = StartSim("rate-limit=0.3");
  const std::string backfill =
      "backfill kraken --pair BTC/USD --url " + url + RangeFlags() + " --request-interval 50ms";
  const CliRunner::Background first = cli_.Start(backfill);
  auto broker = cli_.OpenBroker();
  // Kill it once a few pages are checkpointed, well before the end (about 14 pages).
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (RecordCount(*broker, "trades.backfill") < 4 &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_EQ(testing::StopAndWait(first.pid, SIGKILL), 128 + SIGKILL)
      << testing::ReadFileOrEmpty(first.err_path);
  ASSERT_GE(RecordCount(*broker, "trades.backfill"), 4) << testing::ReadFileOrEmpty(first.err_path);
  const int64_t before_restart = RecordCount(*broker, "trades");

  const testing::CliResult second = cli_.Run(backfill);
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("resumed from a checkpoint"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("complete up to"), std::string::npos) << second.err;
  std::smatch limited;
  ASSERT_TRUE(std::regex_search(second.err, limited, std::regex(R"((\d+) rate limited)")));
  const testing::CliResult again = cli_.Run(backfill);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("backfilled 0 trades"), std::string::npos) << again.err;
  EXPECT_EQ(testing::StopAndWait(sim_.pid, SIGTERM), 0);

  const int64_t since_ms = start_ms_ - 9 * 60'000;
  const int64_t until_ms = start_ms_ - 60'000;
  std::set<testing::TradeKey> expected;
  const auto truth = testing::ReadSimTruth(truth_path_);
  for (const auto& [key, trade] : truth) {
    if (key.pair == "BTC/USD" && trade.ts_ms >= since_ms && trade.ts_ms <= until_ms) {
      expected.insert(key);
    }
  }
  ASSERT_GT(expected.size(), 10'000u);
  EXPECT_GT(before_restart, 0);
  EXPECT_LT(before_restart, static_cast<int64_t>(expected.size())) << "killed after the end";
  std::set<testing::TradeKey> stored;
  for (const ingest::Trade& trade : StoredTrades(*broker)) {
    const testing::TradeKey key{trade.pair, trade.trade_id};
    EXPECT_TRUE(stored.insert(key).second) << "stored twice: " << trade.trade_id;
    const auto sent = truth.find(key);
    ASSERT_NE(sent, truth.end()) << "never made by the exchange: " << trade.trade_id;
    EXPECT_EQ(trade.exchange, "kraken");
    EXPECT_EQ(trade.price, sent->second.price);
    EXPECT_EQ(trade.qty, sent->second.qty);
    EXPECT_EQ(trade.side, sent->second.side);
    EXPECT_EQ(trade.ts_ms, sent->second.ts_ms);
  }
  EXPECT_EQ(stored, expected);
  EXPECT_EQ(RecordCount(*broker, "trades.dlq"), 0);
}

TEST_F(BackfillCliTest, UsageErrors) {
  const testing::CliResult no_pair = cli_.Run("backfill kraken --since 1h");
  EXPECT_EQ(no_pair.exit_code, 2);
  EXPECT_NE(no_pair.err.find("--pair is required"), std::string::npos) << no_pair.err;
  const testing::CliResult no_since = cli_.Run("backfill kraken --pair BTC/USD");
  EXPECT_EQ(no_since.exit_code, 2);
  EXPECT_NE(no_since.err.find("--since is required"), std::string::npos) << no_since.err;
  const testing::CliResult binance = cli_.Run("backfill binance --pair BTCUSDT --since 1h");
  EXPECT_EQ(binance.exit_code, 2);
  EXPECT_NE(binance.err.find("'kraken' only"), std::string::npos) << binance.err;
  const testing::CliResult order = cli_.Run("backfill kraken --pair BTC/USD --since 1h --until 2h");
  EXPECT_EQ(order.exit_code, 2);
  EXPECT_NE(order.err.find("--until is before --since"), std::string::npos) << order.err;
  const testing::CliResult url =
      cli_.Run("backfill kraken --pair BTC/USD --since 1h --url ws://127.0.0.1:1/x");
  EXPECT_EQ(url.exit_code, 2);
  EXPECT_NE(url.err.find("not an http:// or https:// URL"), std::string::npos) << url.err;
}

TEST_F(BackfillCliTest, UnreachableServerFailsAfterItsRetries) {
  // A port nobody listens on: refused at once, retried, then a clear failure.
  const testing::CliResult refused = cli_.Run(
      "backfill kraken --pair BTC/USD --since 1h --max-retries 2 --request-interval 0s "
      "--url http://127.0.0.1:1/0/public/Trades");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("gave up after 2 retries"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("127.0.0.1:1"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace rtml::cli
