// The same trades give the same candles and features whether they arrive live or
// by backfill: trades ingested over the Kraken websocket from `rtml exchange-sim`,
// and the same range backfilled from its REST endpoint into another broker, go
// through the same pipeline; both brokers end with identical candles and features.
#include <signal.h>

#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "rtml/ingest/trade.h"

namespace rtml::cli {
namespace {

using namespace std::chrono_literals;
using testing::CliRunner;

constexpr std::string_view kConfig = R"(name: market
stages:
  - {name: candles, kind: candles, windows: [1s, 5s, 60s]}
  - name: features
    kind: features
    candle_seconds: [1, 5]
    features: [sma_5, ema_10, rsi_14, macd_12_26_9, bbands_20_2, atr_14, stoch_14_3_3, obv]
)";

// Equal per key, value by value; a failure names the first difference only.
void ExpectSameRecords(const std::map<std::string, std::vector<std::string>>& got,
                       const std::map<std::string, std::vector<std::string>>& want,
                       const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what << ": keys";
  for (const auto& [key, values] : want) {
    const auto it = got.find(key);
    ASSERT_NE(it, got.end()) << what << ": no key " << key;
    for (size_t i = 0; i < std::min(values.size(), it->second.size()); ++i) {
      ASSERT_EQ(it->second[i], values[i]) << what << " " << key << " #" << i;
    }
    ASSERT_EQ(it->second.size(), values.size()) << what << " " << key << ": records";
  }
}

struct Range {
  int64_t first_ms = INT64_MAX;
  int64_t last_ms = INT64_MIN;
  std::set<int64_t> ids;
};

// Per pair: the trade ids and the time range of the trades topic.
std::map<std::string, Range> TradeRanges(const CliRunner& cli) {
  std::map<std::string, Range> ranges;
  for (const auto& [pair, values] : cli.RecordsByKey("trades")) {
    for (const std::string& value : values) {
      auto trade = ingest::ParseTradeJson(value);
      EXPECT_TRUE(trade.ok()) << value;
      if (!trade.ok()) continue;
      Range& range = ranges[pair];
      range.first_ms = std::min(range.first_ms, trade->ts_ms);
      range.last_ms = std::max(range.last_ms, trade->ts_ms);
      range.ids.insert(trade->trade_id);
    }
  }
  return ranges;
}

TEST(LiveBackfillCliTest, LiveAndBackfilledTradesGiveTheSameCandlesAndFeatures) {
  CliRunner live;
  const CliRunner::Background sim =
      live.Start("exchange-sim --seed 9 --rate 60 --history 1m --pairs BTC/USD,ETH/USD");
  const std::string out = testing::WaitForLines(sim.out_path, 3);
  std::smatch ws, rest;
  ASSERT_TRUE(std::regex_search(out, ws, std::regex(R"(ws://127\.0\.0\.1:\d+/v2)"))) << out;
  ASSERT_TRUE(
      std::regex_search(out, rest, std::regex(R"(http://127\.0\.0\.1:\d+/0/public/Trades)")));

  const CliRunner::Background ingest =
      live.Start("ingest kraken --pairs BTC/USD,ETH/USD --url " + ws[0].str());
  std::this_thread::sleep_for(8s);
  ASSERT_EQ(testing::StopAndWait(ingest.pid, SIGINT), 0)
      << testing::ReadFileOrEmpty(ingest.err_path);
  const std::map<std::string, Range> live_ranges = TradeRanges(live);
  ASSERT_EQ(live_ranges.size(), 2u);

  // The same range of each pair, by REST, into a broker of its own.
  CliRunner backfilled;
  for (const auto& [pair, range] : live_ranges) {
    ASSERT_GT(range.ids.size(), 100u) << pair;
    const testing::CliResult run = backfilled.Run("backfill kraken --pair " + pair + " --since " +
                                                  std::to_string(range.first_ms) + " --until " +
                                                  std::to_string(range.last_ms) +
                                                  " --request-interval 0s --url " + rest[0].str());
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  EXPECT_EQ(testing::StopAndWait(sim.pid, SIGTERM), 0);
  const std::map<std::string, Range> backfilled_ranges = TradeRanges(backfilled);
  for (const auto& [pair, range] : live_ranges) {
    // Precondition: the very same trades (the live feed missed none).
    ASSERT_EQ(backfilled_ranges.at(pair).ids, range.ids) << pair;
  }

  for (const CliRunner* cli : {&live, &backfilled}) {
    const std::string config = cli->WriteFile("market.yaml", std::string(kConfig));
    const testing::CliResult run = cli->Run("pipeline run " + config + " --until-end");
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  const auto live_candles = live.RecordsByKey("candles");
  ASSERT_EQ(live_candles.size(), 2u);
  EXPECT_GT(live_candles.at("BTC/USD").size(), 10u);
  EXPECT_EQ(live.RecordsByKey("candles.dlq").size(), 0u) << "no trade is late";
  EXPECT_EQ(backfilled.RecordsByKey("candles.dlq").size(), 0u) << "no trade is late";
  ExpectSameRecords(backfilled.RecordsByKey("candles"), live_candles, "candles");
  ExpectSameRecords(backfilled.RecordsByKey("features"), live.RecordsByKey("features"), "features");
}

}  // namespace
}  // namespace rtml::cli
