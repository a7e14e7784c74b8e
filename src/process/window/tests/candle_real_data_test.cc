// Candles from the real Binance captures (../shared/data/binance, or the folder named
// by $RTML_REAL_DATA): BTCUSDT and ETHUSDT spot trades of 2024-08-08/09, merged by
// receive time as a replay sends them, into 1 s, 60 s and 300 s candles that must
// equal the plain recomputation of candle_reference.h.
#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "candle_reference.h"
#include "rtml/ingest/capture_reader.h"
#include "rtml/process/candle_aggregator.h"
#include "testing.h"

namespace rtml::process {
namespace {

namespace fs = std::filesystem;
using testing::Event;
using testing::Outputs;

const std::vector<WindowSpec> kCandleWindows = {
    WindowSpec::Tumbling(1000), WindowSpec::Tumbling(60'000), WindowSpec::Tumbling(300'000)};

class CandleRealDataTest : public ::testing::Test {
 protected:
  // Reads the four spot captures once, as events in order of receive time.
  static void SetUpTestSuite() {
    const fs::path dir = rtml::testing::RealDataDir() / "binance";
    if (!fs::is_directory(dir)) return;
    const std::pair<std::string, int64_t> files[] = {
        {"spot_btcusdt_20240808.gz", 9757},
        {"spot_btcusdt_20240809.gz", 10147},
        {"spot_ethusdt_20240808.gz", 6106},
        {"spot_ethusdt_20240809.gz", 8409},
    };
    std::vector<ingest::Trade> trades;
    for (const auto& [name, expected] : files) {
      auto reader = ingest::CaptureReader::Open((dir / name).string());
      ASSERT_TRUE(reader.ok()) << reader.status().ToString();
      ingest::CaptureRecord record;
      int64_t count = 0;
      while (true) {
        const Result<bool> more = (*reader)->Next(&record);
        ASSERT_TRUE(more.ok()) << more.status().ToString();
        if (!*more) break;
        if (record.kind != ingest::CaptureRecord::Kind::kTrade) continue;
        trades.push_back(record.trade);
        ++count;
      }
      ASSERT_EQ(count, expected) << name;
    }
    std::stable_sort(trades.begin(), trades.end(),
                     [](const auto& a, const auto& b) { return a.received_ns < b.received_ns; });
    events_ = new std::vector<Event>();
    for (ingest::Trade& trade : trades) events_->push_back({.trade = std::move(trade)});
  }
  static void TearDownTestSuite() {
    delete events_;
    events_ = nullptr;
  }

  void SetUp() override {
    ASSERT_REAL_DATA(rtml::testing::RealDataDir() / "binance");
    ASSERT_NE(events_, nullptr);
  }

  static Outputs Run(const CandleAggregatorOptions& options) {
    auto aggregator = CandleAggregator::Create(options);
    EXPECT_TRUE(aggregator.ok()) << aggregator.status().ToString();
    Outputs outputs;
    testing::Feed(*aggregator, *events_, 0, events_->size(), /*flush=*/true, &outputs);
    return outputs;
  }

  static std::vector<Event>* events_;
};

std::vector<Event>* CandleRealDataTest::events_ = nullptr;

TEST_F(CandleRealDataTest, CandlesEqualTheRecomputation) {
  const CandleAggregatorOptions options{.windows = kCandleWindows, .grace_ms = 2000};
  const Outputs outputs = Run(options);
  // Within a pair Binance sends trades in order, and each pair has its own
  // watermark, so nothing is late and every trade counts.
  EXPECT_TRUE(outputs.late.empty()) << outputs.late.front().reason;
  const auto expected = testing::ReferenceCandles(testing::TradesOf(*events_), kCandleWindows);
  std::map<std::string, Candle> emitted;
  std::map<int64_t, int64_t> per_size;
  int64_t trades_in_1s = 0;
  for (const CandleUpdate& update : outputs.updates) {
    EXPECT_TRUE(update.final);
    EXPECT_FALSE(update.correction);
    EXPECT_TRUE(emitted.emplace(CandleKey(update.candle), update.candle).second)
        << "emitted twice: " << CandleKey(update.candle);
    ++per_size[update.candle.candle_seconds];
    if (update.candle.candle_seconds == 1) trades_in_1s += update.candle.trade_count;
  }
  testing::ExpectCandlesEqual(emitted, expected);
  EXPECT_EQ(trades_in_1s, 9757 + 10147 + 6106 + 8409);
  // 2024-08-08 23:54 to 2024-08-09 00:05: about 11 minutes of two pairs.
  EXPECT_GE(per_size[60], 2 * 11);
  EXPECT_LE(per_size[60], 2 * 13);
  EXPECT_GE(per_size[300], 2 * 3);
  EXPECT_LE(per_size[300], 2 * 4);
  EXPECT_GT(per_size[1], 1000);

  // Every candle survives its JSON form.
  for (const auto& [key, candle] : emitted) {
    std::string json;
    AppendCandleJson(candle, json);
    ASSERT_OK_AND_ASSIGN(const Candle parsed, ParseCandleJson(json));
    ASSERT_EQ(parsed, candle) << json;
  }
}

// The same trades as a backfill writes them: all of BTCUSDT, then all of ETHUSDT
// (ten minutes back in event time). Each pair's candles close on its own time, so
// the candles are exactly those of the live, receive-time merge, update for update.
TEST_F(CandleRealDataTest, PairByPairGivesTheCandlesOfTheLiveMerge) {
  std::vector<Event> grouped = *events_;
  std::stable_partition(grouped.begin(), grouped.end(),
                        [](const Event& event) { return event.trade.pair == "BTCUSDT"; });
  for (const EmitMode emit : {EmitMode::kFinal, EmitMode::kCurrent}) {
    SCOPED_TRACE(std::string(EmitModeName(emit)));
    const CandleAggregatorOptions options{
        .windows = kCandleWindows, .grace_ms = 0, .emit = emit, .fill_gaps = true};
    const Outputs live = Run(options);
    auto aggregator = CandleAggregator::Create(options);
    ASSERT_TRUE(aggregator.ok());
    Outputs backfill;
    testing::Feed(*aggregator, grouped, 0, grouped.size(), /*flush=*/true, &backfill);
    EXPECT_TRUE(live.late.empty()) << live.late.front().reason;
    EXPECT_TRUE(backfill.late.empty()) << backfill.late.front().reason;
    std::map<std::string, std::vector<CandleUpdate>> live_per_key;
    std::map<std::string, std::vector<CandleUpdate>> backfill_per_key;
    for (const CandleUpdate& update : live.updates) {
      live_per_key[CandleKey(update.candle)].push_back(update);
    }
    for (const CandleUpdate& update : backfill.updates) {
      backfill_per_key[CandleKey(update.candle)].push_back(update);
    }
    EXPECT_EQ(backfill_per_key, live_per_key);
    EXPECT_EQ(backfill.updates.size(), live.updates.size());
  }
}

// The same trades with a random 5% of each pair's trades delayed by 1 to 3 s (a
// grace of 1 s): many arrive after their window closed on their own pair's
// watermark. Under each policy and mode the outputs match the model of the closing
// rules, and fill_gaps fills the seconds without trades.
TEST_F(CandleRealDataTest, LateTradesAndGapsMatchTheModel) {
  std::vector<Event> delayed = *events_;
  std::mt19937_64 random(17);
  std::map<std::string, int64_t> delayed_per_pair;
  for (Event& event : delayed) {
    if (std::uniform_int_distribution<int>(0, 99)(random) >= 5) continue;
    event.trade.received_ns +=
        std::uniform_int_distribution<int64_t>(1'000, 3'000)(random) * 1'000'000;
    ++delayed_per_pair[event.trade.pair];
  }
  ASSERT_GT(delayed_per_pair["BTCUSDT"], 500);
  ASSERT_GT(delayed_per_pair["ETHUSDT"], 500);
  std::stable_sort(delayed.begin(), delayed.end(), [](const Event& a, const Event& b) {
    return a.trade.received_ns < b.trade.received_ns;
  });
  for (const LatePolicy late : {LatePolicy::kDeadLetter, LatePolicy::kUpdate}) {
    for (const EmitMode emit : {EmitMode::kFinal, EmitMode::kCurrent}) {
      SCOPED_TRACE(std::string(LatePolicyName(late)) + "/" + std::string(EmitModeName(emit)));
      const CandleAggregatorOptions options{.windows = kCandleWindows,
                                            .grace_ms = 1000,
                                            .late = late,
                                            .emit = emit,
                                            .fill_gaps = true,
                                            .allowed_lateness_ms = 300};
      const testing::Model model = testing::RunModel(delayed, options);
      std::map<std::string, int64_t> rejected_per_pair;
      for (const auto& [pair, id, seconds, start] : model.rejected) ++rejected_per_pair[pair];
      EXPECT_GT(model.rejected.size(), 800u);
      EXPECT_GT(rejected_per_pair["BTCUSDT"], 200);
      EXPECT_GT(rejected_per_pair["ETHUSDT"], 200);
      if (late == LatePolicy::kUpdate) {
        EXPECT_GT(model.late_taken.size(), 100u);
      }
      auto aggregator = CandleAggregator::Create(options);
      ASSERT_TRUE(aggregator.ok());
      Outputs outputs;
      testing::Feed(*aggregator, delayed, 0, delayed.size(), /*flush=*/true, &outputs);
      testing::ExpectRejectionsMatch(outputs, model, options);
      testing::ExpectCandlesEqual(testing::LastPerKey(outputs.updates), model.candles);
      int64_t flats = 0;
      for (const auto& [key, candle] : model.candles) flats += candle.trade_count == 0;
      EXPECT_GT(flats, 0);
    }
  }
}

// Checkpoints on real data: cut at 20 points, restored, same outputs.
TEST_F(CandleRealDataTest, RestoringMidStreamGivesTheSameOutputs) {
  const CandleAggregatorOptions options{.windows = kCandleWindows,
                                        .grace_ms = 500,
                                        .late = LatePolicy::kUpdate,
                                        .emit = EmitMode::kCurrent,
                                        .fill_gaps = true,
                                        .allowed_lateness_ms = 5000};
  const Outputs uninterrupted = Run(options);
  auto aggregator = CandleAggregator::Create(options);
  ASSERT_TRUE(aggregator.ok());
  Outputs outputs;
  const size_t step = events_->size() / 20 + 1;
  for (size_t done = 0; done < events_->size(); done += step) {
    testing::Feed(*aggregator, *events_, done, std::min(events_->size(), done + step), false,
                  &outputs);
    auto restored = CandleAggregator::Create(options);
    ASSERT_TRUE(restored.ok());
    ASSERT_OK(restored->RestoreState(aggregator->SaveState()));
    aggregator = std::move(restored);
  }
  aggregator->Flush(&outputs.updates);
  EXPECT_EQ(outputs, uninterrupted);
}

}  // namespace
}  // namespace rtml::process
