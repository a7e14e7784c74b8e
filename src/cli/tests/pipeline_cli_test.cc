// `rtml pipeline run` end to end on the embedded log: trades in, candles and
// features out; a rerun adds nothing; and a pipeline killed with SIGKILL at many
// random moments, then restarted, ends with exactly the candles and features of a
// run that was never killed.

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "rtml/ingest/trade.h"
#include "rtml/process/candle.h"
#include "synthetic_trades.h"

namespace rtml::cli {
namespace {

using namespace std::chrono_literals;
using testing::CliRunner;
using testing::SyntheticTrades;

constexpr std::string_view kConfig = R"(name: market
stages:
  - name: candles
    kind: candles
    windows: [1s, 60s, 300s]
  - name: features
    kind: features
    candle_seconds: [60]
    features: [sma_10, ema_21, wma_10, dema_10, tema_10, macd_12_26_9, bbands_20_2, stddev_20,
               roc_10, mom_10, obv, vwap_20, rsi_14, atr_14, natr_14, adx_14, plus_di_14,
               minus_di_14, stoch_14_3_3, stochrsi_14_5_3, cci_20, mfi_14, willr_14]
)";

class PipelineCliTest : public ::testing::Test {
 protected:
  // Loads `trades` trades into `cli`'s broker and writes the config.
  std::string Prepare(const CliRunner& cli, int trades) {
    const std::string file = cli.WriteFile("trades.jsonl", SyntheticTrades(trades));
    const testing::CliResult replay = cli.Run("replay " + file + " --speed max");
    EXPECT_EQ(replay.exit_code, 0) << replay.err;
    return cli.WriteFile("market.yaml", std::string(kConfig));
  }
};

TEST_F(PipelineCliTest, BoundedRunMakesCandlesAndFeaturesAndARerunAddsNothing) {
  CliRunner cli;
  const std::string config = Prepare(cli, 20'000);
  const testing::CliResult run = cli.Run("pipeline run " + config + " --until-end");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("market.candles: 20000 records in"), std::string::npos) << run.err;

  // The 60 s candles of BTCUSD against a recomputation from the trades.
  std::map<int64_t, process::Candle> expected;
  for (const auto& [key, values] : cli.RecordsByKey("trades")) {
    if (key != "BTCUSD") continue;
    for (const std::string& value : values) {
      ASSERT_OK_AND_ASSIGN(const ingest::Trade t, ingest::ParseTradeJson(value));
      process::Candle& c = expected[t.ts_ms / 60'000 * 60'000];
      if (c.trade_count == 0) c.open = c.high = c.low = t.price;
      c.high = std::max(c.high, t.price);
      c.low = std::min(c.low, t.price);
      c.close = t.price;  // trades are in time order
      c.volume += t.qty;
      ++c.trade_count;
    }
  }
  std::map<int64_t, process::Candle> got;
  const auto candles = cli.RecordsByKey("candles");
  for (const std::string& value : candles.at("BTCUSD")) {
    ASSERT_OK_AND_ASSIGN(const process::Candle c, process::ParseCandleJson(value));
    if (c.candle_seconds == 60) got[c.window_start_ms] = c;
  }
  ASSERT_EQ(got.size(), expected.size());
  for (const auto& [start, c] : expected) {
    const process::Candle& g = got.at(start);
    EXPECT_EQ(g.open, c.open) << start;
    EXPECT_EQ(g.high, c.high) << start;
    EXPECT_EQ(g.low, c.low) << start;
    EXPECT_EQ(g.close, c.close) << start;
    EXPECT_NEAR(g.volume, c.volume, 1e-9 * c.volume) << start;
    EXPECT_EQ(g.trade_count, c.trade_count) << start;
  }

  // One feature record per 60 s candle, indicators warm after their lookback.
  const auto features = cli.RecordsByKey("features");
  ASSERT_EQ(features.at("BTCUSD").size(), expected.size());
  const std::string& last = features.at("BTCUSD").back();
  for (const char* name : {"\"rsi_14\":", "\"macd_signal_12_26_9\":", "\"stoch_d_14_3_3\":",
                           "\"bbands_upper_20_2\":", "\"adx_14\":", "\"vwap_20\":"}) {
    const size_t at = last.find(name);
    ASSERT_NE(at, std::string::npos) << name << " in " << last;
    EXPECT_NE(last.compare(at + std::strlen(name), 4, "null"), 0) << name << " in " << last;
  }
  EXPECT_NE(features.at("BTCUSD").front().find("\"rsi_14\":null"), std::string::npos);

  const testing::CliResult again = cli.Run("pipeline run " + config + " --until-end");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("market.candles: 0 records in, 0 out"), std::string::npos) << again.err;
  EXPECT_EQ(cli.RecordsByKey("candles"), candles);
  EXPECT_EQ(cli.RecordsByKey("features"), features);
}

TEST_F(PipelineCliTest, SigkillAtRandomMomentsLeavesTheResultsOfAnUninterruptedRun) {
  constexpr int kTrades = 300'000;
  CliRunner reference;
  const std::string reference_config = Prepare(reference, kTrades);
  ASSERT_EQ(reference.Run("pipeline run " + reference_config + " --until-end").exit_code, 0);

  CliRunner cli;
  const std::string config = Prepare(cli, kTrades);
  const testing::KillReport killed = testing::KillAtRandomMoments(
      cli, "pipeline run " + config + " --until-end --checkpoint-interval 20ms", /*seed=*/11,
      /*attempts=*/100, 20, 150);
  ASSERT_EQ(killed.failure, "");
  const int kills = killed.kills;
  EXPECT_GE(kills, 10);
  std::printf("killed %d times\n", kills);
  const testing::CliResult last = cli.Run("pipeline run " + config + " --until-end");
  ASSERT_EQ(last.exit_code, 0) << last.err;
  for (const char* topic : {"candles", "features", "candles.dlq", "features.dlq"}) {
    EXPECT_EQ(cli.RecordsByKey(topic), reference.RecordsByKey(topic))
        << topic << " after " << kills << " kills";
  }
}

}  // namespace
}  // namespace rtml::cli
