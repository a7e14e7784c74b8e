// CandleAggregator against the plain reference (candle_reference.h) on random
// streams with out-of-order and late trades, under each late policy and emit mode,
// plus small examples of every documented rule.
#include "rtml/process/candle_aggregator.h"

#include <algorithm>
#include <limits>
#include <random>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "candle_reference.h"
#include "rtml/process/watermark.h"
#include "testing.h"

namespace rtml::process {
namespace {

using ingest::Trade;
using testing::Event;
using testing::Model;
using testing::Outputs;
using testing::RunModel;
using testing::TradeWindow;

Outputs RunAggregator(const CandleAggregatorOptions& options, const std::vector<Event>& events) {
  auto aggregator = CandleAggregator::Create(options);
  EXPECT_TRUE(aggregator.ok()) << aggregator.status().ToString();
  Outputs outputs;
  testing::Feed(*aggregator, events, 0, events.size(), /*flush=*/true, &outputs);
  return outputs;
}

// How often each key was emitted, by kind.
struct Emissions {
  int64_t open_updates = 0;  // final false
  int64_t closings = 0;      // final, not a correction
  int64_t corrections = 0;
};

std::map<std::string, Emissions> CountEmissions(const std::vector<CandleUpdate>& updates) {
  std::map<std::string, Emissions> counts;
  for (const CandleUpdate& update : updates) {
    Emissions& count = counts[CandleKey(update.candle)];
    if (update.correction) {
      EXPECT_TRUE(update.final) << CandleKey(update.candle);
      ++count.corrections;
    } else {
      ++(update.final ? count.closings : count.open_updates);
    }
  }
  return counts;
}

struct Config {
  std::string name;
  std::vector<WindowSpec> windows;
  LatePolicy late = LatePolicy::kDeadLetter;
  bool fill_gaps = false;
};

void PrintTo(const Config& config, std::ostream* os) { *os << config.name; }

class CandleAggregatorRandomTest : public ::testing::TestWithParam<Config> {};

// Both emit modes on the same streams: every window's last emission is the reference
// candle over the trades it took, rejections are exactly the model's, and each
// emission kind comes as often as the rules say.
TEST_P(CandleAggregatorRandomTest, MatchesTheReference) {
  const Config& config = GetParam();
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::vector<Event> events = testing::RandomEvents(seed, 4000);
    CandleAggregatorOptions options{.windows = config.windows,
                                    .grace_ms = 2000,
                                    .late = config.late,
                                    .fill_gaps = config.fill_gaps,
                                    .allowed_lateness_ms = 30'000};
    const Model model = RunModel(events, options);
    ASSERT_FALSE(model.rejected.empty());
    if (config.late == LatePolicy::kUpdate) {
      ASSERT_FALSE(model.late_taken.empty());
    }

    options.emit = EmitMode::kFinal;
    const Outputs final_run = RunAggregator(options, events);
    options.emit = EmitMode::kCurrent;
    const Outputs current_run = RunAggregator(options, events);

    for (const Outputs* run : {&final_run, &current_run}) {
      testing::ExpectRejectionsMatch(*run, model, options);
      testing::ExpectCandlesEqual(testing::LastPerKey(run->updates), model.candles);
    }
    ASSERT_FALSE(HasFatalFailure());
    // `current`'s last emission of each window is exactly what `final` emits last.
    EXPECT_EQ(testing::LastPerKey(current_run.updates), testing::LastPerKey(final_run.updates));
    EXPECT_EQ(current_run.late, final_run.late);

    const auto final_counts = CountEmissions(final_run.updates);
    const auto current_counts = CountEmissions(current_run.updates);
    for (const auto& [key, candle] : model.candles) {
      SCOPED_TRACE(key);
      const auto late_it = model.late_taken.find(key);
      const int64_t late_taken = late_it == model.late_taken.end() ? 0 : late_it->second;
      const Emissions& in_final = final_counts.at(key);
      const Emissions& in_current = current_counts.at(key);
      EXPECT_EQ(in_final.open_updates, 0);
      EXPECT_EQ(in_current.open_updates, candle.trade_count - late_taken);
      if (config.fill_gaps) {
        // A gap candle may be re-stated, or replaced by a window a late trade filled.
        EXPECT_GE(in_final.corrections, late_taken);
        continue;
      }
      // A window is emitted once at closing unless every trade it has came late (it
      // was made closed), and once per late trade.
      EXPECT_EQ(in_final.closings, candle.trade_count > late_taken ? 1 : 0);
      EXPECT_EQ(in_current.closings, 0);
      EXPECT_EQ(in_final.corrections, late_taken);
      EXPECT_EQ(in_current.corrections, late_taken);
    }
  }
}

const std::vector<WindowSpec> kTumbling = {WindowSpec::Tumbling(1000), WindowSpec::Tumbling(10'000),
                                           WindowSpec::Tumbling(60'000)};
const std::vector<WindowSpec> kHopping = {WindowSpec::Hopping(60'000, 15'000),
                                          WindowSpec::Hopping(10'000, 4'000),
                                          WindowSpec::Tumbling(1000)};

INSTANTIATE_TEST_SUITE_P(
    Policies, CandleAggregatorRandomTest,
    ::testing::Values(Config{"tumbling_dlq", kTumbling, LatePolicy::kDeadLetter, false},
                      Config{"tumbling_update", kTumbling, LatePolicy::kUpdate, false},
                      Config{"tumbling_dlq_gaps", kTumbling, LatePolicy::kDeadLetter, true},
                      Config{"tumbling_update_gaps", kTumbling, LatePolicy::kUpdate, true},
                      Config{"hopping_dlq", kHopping, LatePolicy::kDeadLetter, false},
                      Config{"hopping_update", kHopping, LatePolicy::kUpdate, false},
                      Config{"hopping_dlq_gaps", kHopping, LatePolicy::kDeadLetter, true},
                      Config{"hopping_update_gaps", kHopping, LatePolicy::kUpdate, true}),
    [](const ::testing::TestParamInfo<Config>& param_info) { return param_info.param.name; });

// In-order and shuffled arrival (within the grace) give the same candles bit for bit.
TEST(CandleAggregatorTest, OutOfOrderArrivalGivesTheInOrderCandlesExactly) {
  std::vector<Trade> trades = testing::TradesOf(testing::RandomEvents(11, 5000));
  std::sort(trades.begin(), trades.end(),
            [](const Trade& a, const Trade& b) { return a.ts_ms < b.ts_ms; });
  const auto candles_of = [](const std::vector<Trade>& input) {
    auto aggregator = CandleAggregator::Create(
        {.windows = {WindowSpec::Tumbling(1000), WindowSpec::Tumbling(60'000)},
         .grace_ms = 600'000});
    EXPECT_TRUE(aggregator.ok());
    std::vector<CandleUpdate> out;
    std::vector<LateRecord> late;
    for (const Trade& trade : input) EXPECT_OK(aggregator->Add(trade, &out, &late));
    aggregator->Flush(&out);
    EXPECT_TRUE(late.empty());
    return testing::LastPerKey(out);
  };
  const auto in_order = candles_of(trades);
  std::mt19937_64 random(3);
  for (int round = 0; round < 3; ++round) {
    // Shuffle within blocks of 200 trades (about 40 s).
    for (size_t begin = 0; begin < trades.size(); begin += 200) {
      std::shuffle(trades.begin() + begin, trades.begin() + std::min(trades.size(), begin + 200),
                   random);
    }
    EXPECT_EQ(candles_of(trades), in_order);
  }
  testing::ExpectCandlesEqual(
      in_order, testing::ReferenceCandles(
                    trades, {WindowSpec::Tumbling(1000), WindowSpec::Tumbling(60'000)}));
}

Trade MakeTrade(std::string pair, int64_t id, int64_t ts_ms, double price, double qty = 1) {
  return Trade{.exchange = "test",
               .pair = std::move(pair),
               .trade_id = id,
               .price = price,
               .qty = qty,
               .ts_ms = ts_ms,
               .received_ns = ts_ms * 1'000'000};
}

CandleAggregator MustCreate(CandleAggregatorOptions options) {
  auto aggregator = CandleAggregator::Create(std::move(options));
  EXPECT_TRUE(aggregator.ok()) << aggregator.status().ToString();
  return std::move(aggregator).value();
}

// An aggregator and what it emitted, for the small examples.
struct Harness {
  explicit Harness(CandleAggregatorOptions options) : aggregator(MustCreate(std::move(options))) {}
  void Add(std::string pair, int64_t id, int64_t ts_ms, double price, double qty = 1) {
    ASSERT_OK(aggregator.Add(MakeTrade(std::move(pair), id, ts_ms, price, qty), &out, &late));
  }

  CandleAggregator aggregator;
  std::vector<CandleUpdate> out;
  std::vector<LateRecord> late;
};

TEST(CandleAggregatorTest, FinalEmitsOnceWhenTheWatermarkPassesEndPlusGrace) {
  Harness h({.windows = {WindowSpec::Tumbling(1000)}, .grace_ms = 500});
  h.Add("X", 1, 1100, 10, 1);
  h.Add("X", 2, 1900, 12, 3);
  h.Add("X", 3, 2499, 11);  // 1 ms before closing
  h.Add("X", 4, 1000, 9);   // within the grace
  EXPECT_TRUE(h.out.empty());
  EXPECT_EQ(h.aggregator.open_windows(), 2);
  h.Add("X", 5, 2500, 13);
  ASSERT_EQ(h.out.size(), 1u);
  EXPECT_EQ(h.out[0], (CandleUpdate{{"X", 1, 1000, 2000, 9, 12, 9, 12, 5, 11, 3}, true, false}));
  EXPECT_TRUE(h.late.empty());
  EXPECT_EQ(h.aggregator.watermark_ms(), 2500);
  EXPECT_EQ(h.aggregator.watermark_ms("X"), 2500);
}

TEST(CandleAggregatorTest, OpenAndCloseTiesGoByTradeId) {
  Harness h({.windows = {WindowSpec::Tumbling(1000)}});
  h.Add("X", 7, 1500, 3);
  h.Add("X", 5, 1500, 1);
  h.Add("X", 9, 1500, 4);
  h.Add("X", 8, 1500, 2);
  h.aggregator.Flush(&h.out);
  ASSERT_EQ(h.out.size(), 1u);
  EXPECT_EQ(h.out[0].candle.open, 1);   // id 5
  EXPECT_EQ(h.out[0].candle.close, 4);  // id 9
}

TEST(CandleAggregatorTest, CurrentEmitsEveryUpdateAndNothingAtClosing) {
  Harness h({.windows = {WindowSpec::Tumbling(1000)}, .emit = EmitMode::kCurrent});
  h.Add("X", 1, 1100, 10);
  h.Add("X", 2, 1200, 12);
  h.Add("X", 3, 2000, 11);
  ASSERT_EQ(h.out.size(), 3u);
  EXPECT_EQ(h.out[0], (CandleUpdate{{"X", 1, 1000, 2000, 10, 10, 10, 10, 1, 10, 1}, false, false}));
  EXPECT_EQ(h.out[1], (CandleUpdate{{"X", 1, 1000, 2000, 10, 12, 10, 12, 2, 11, 2}, false, false}));
  EXPECT_EQ(h.out[2], (CandleUpdate{{"X", 1, 2000, 3000, 11, 11, 11, 11, 1, 11, 1}, false, false}));
  h.aggregator.Flush(&h.out);
  EXPECT_EQ(h.out.size(), 3u);
}

TEST(CandleAggregatorTest, DeadLetterNamesTheWindowAndHowLate) {
  Harness h(
      {.windows = {WindowSpec::Tumbling(1000), WindowSpec::Tumbling(60'000)}, .grace_ms = 100});
  h.Add("BTCUSDT", 1, 1500, 10);
  h.Add("ETHUSDT", 2, 3500, 20);
  h.Add("BTCUSDT", 3, 1600, 11);  // ETHUSDT's time does not close BTCUSDT's windows
  EXPECT_TRUE(h.late.empty());
  h.Add("BTCUSDT", 4, 3500, 12);
  h.Add("BTCUSDT", 5, 1700, 13);
  ASSERT_EQ(h.late.size(), 1u);
  EXPECT_EQ(h.late[0].trade, MakeTrade("BTCUSDT", 5, 1700, 13));
  EXPECT_EQ(h.late[0].watermark_ms, 3500);
  EXPECT_EQ(h.late[0].windows, (std::vector<LateWindow>{{1, 1000, 2000, false}}));
  EXPECT_EQ(h.late[0].reason,
            "late: trade 5 at 1700 is 1800 ms behind the BTCUSDT watermark 3500; BTCUSDT 1s "
            "candle [1000, 2000) closed at 2100 (end + grace 100 ms)");
  // The 60 s candle took it; the 1 s one kept its result.
  h.aggregator.Flush(&h.out);
  const auto candles = testing::LastPerKey(h.out);
  EXPECT_EQ(candles.at("BTCUSDT|1|1000").trade_count, 2);
  EXPECT_EQ(candles.at("BTCUSDT|60|0").trade_count, 4);
}

TEST(CandleAggregatorTest, UpdateReEmitsCorrectionsUntilTheAllowedLateness) {
  Harness h({.windows = {WindowSpec::Tumbling(1000)},
             .late = LatePolicy::kUpdate,
             .allowed_lateness_ms = 5000});
  h.Add("X", 1, 1500, 10);
  h.Add("X", 2, 2500, 20);
  ASSERT_EQ(h.out.size(), 1u);
  EXPECT_EQ(h.aggregator.retained_windows(), 1);
  h.Add("X", 3, 1700, 12);
  ASSERT_EQ(h.out.size(), 2u);
  EXPECT_EQ(h.out[1], (CandleUpdate{{"X", 1, 1000, 2000, 10, 12, 10, 12, 2, 11, 2}, true, true}));
  h.Add("X", 4, 7000, 30);                        // [1 s, 2 s) expires
  EXPECT_EQ(h.aggregator.retained_windows(), 1);  // [2 s, 3 s)
  h.Add("X", 5, 1800, 14);
  ASSERT_EQ(h.late.size(), 1u);
  EXPECT_EQ(h.late[0].windows, (std::vector<LateWindow>{{1, 1000, 2000, true}}));
  EXPECT_EQ(h.late[0].reason,
            "too late: trade 5 at 1800 is 5200 ms behind the X watermark 7000; X 1s candle "
            "[1000, 2000) closed at 2000 (end + grace 0 ms) and took late trades until 7000 "
            "(allowed lateness 5000 ms)");
  // A closed window without trades takes a late one too.
  h.Add("X", 6, 4100, 15);
  EXPECT_EQ(h.out.back(),
            (CandleUpdate{{"X", 1, 4000, 5000, 15, 15, 15, 15, 1, 15, 1}, true, true}));
  h.aggregator.Flush(&h.out);
  EXPECT_EQ(h.aggregator.retained_windows(), 0);
  EXPECT_EQ(h.aggregator.open_windows(), 0);
  h.Add("X", 7, 9000, 15);
  ASSERT_EQ(h.late.size(), 2u);  // after Flush, everything is too late
  EXPECT_EQ(h.late[1].reason.substr(0, 64),
            "too late: trade 7 at 9000 arrived after the end of the input (Fl");
}

// Trades at 0.5 s and 3.5 s, 1 s candles: the empty windows 1 s and 2 s, the leading
// ones before 0 s and the trailing ones after 4 s.
TEST(CandleAggregatorTest, EmptyWindowsEmitNothingByDefault) {
  Harness h({.windows = {WindowSpec::Tumbling(1000)}});
  h.Add("X", 1, 500, 10);
  h.Add("X", 2, 3500, 12);
  h.aggregator.AdvanceWatermark(9000, &h.out);
  ASSERT_EQ(h.out.size(), 2u);
  EXPECT_EQ(h.out[0].candle.window_start_ms, 0);
  EXPECT_EQ(h.out[1].candle.window_start_ms, 3000);
}

TEST(CandleAggregatorTest, FillGapsEmitsFlatCandlesBetweenWindowsWithTrades) {
  Harness h({.windows = {WindowSpec::Tumbling(1000), WindowSpec::Hopping(2000, 1000)},
             .fill_gaps = true});
  h.Add("X", 1, 500, 10, 2);
  h.Add("X", 2, 700, 11, 2);
  h.Add("X", 3, 4500, 12);
  h.aggregator.AdvanceWatermark(9000, &h.out);
  std::vector<Candle> one_second;
  std::vector<Candle> two_second;
  for (const CandleUpdate& update : h.out) {
    EXPECT_TRUE(update.final);
    EXPECT_FALSE(update.correction);
    (update.candle.candle_seconds == 1 ? one_second : two_second).push_back(update.candle);
  }
  EXPECT_EQ(one_second, (std::vector<Candle>{{"X", 1, 0, 1000, 10, 11, 10, 11, 4, 10.5, 2},
                                             {"X", 1, 1000, 2000, 11, 11, 11, 11, 0, 11, 0},
                                             {"X", 1, 2000, 3000, 11, 11, 11, 11, 0, 11, 0},
                                             {"X", 1, 3000, 4000, 11, 11, 11, 11, 0, 11, 0},
                                             {"X", 1, 4000, 5000, 12, 12, 12, 12, 1, 12, 1}}));
  // 2 s windows every 1 s: [-1, 1) and [0, 2) hold the first trades, [3, 5) and
  // [4, 6) the last; [1, 3) and [2, 4) are the gap.
  EXPECT_EQ(two_second, (std::vector<Candle>{{"X", 2, -1000, 1000, 10, 11, 10, 11, 4, 10.5, 2},
                                             {"X", 2, 0, 2000, 10, 11, 10, 11, 4, 10.5, 2},
                                             {"X", 2, 1000, 3000, 11, 11, 11, 11, 0, 11, 0},
                                             {"X", 2, 2000, 4000, 11, 11, 11, 11, 0, 11, 0},
                                             {"X", 2, 3000, 5000, 12, 12, 12, 12, 1, 12, 1},
                                             {"X", 2, 4000, 6000, 12, 12, 12, 12, 1, 12, 1}}));
}

TEST(CandleAggregatorTest, FillGapsUnderUpdateReEmitsGapsAfterACorrectedClose) {
  Harness h({.windows = {WindowSpec::Tumbling(1000)},
             .late = LatePolicy::kUpdate,
             .fill_gaps = true,
             .allowed_lateness_ms = 60'000});
  h.Add("X", 1, 500, 10);
  h.Add("X", 2, 3500, 12);
  h.aggregator.AdvanceWatermark(4000, &h.out);  // 0 s, gaps 1 s and 2 s at 10, 3 s
  ASSERT_EQ(h.out.size(), 4u);
  h.out.clear();
  h.Add("X", 3, 1200, 20);  // fills the 1 s gap
  EXPECT_EQ(h.out, (std::vector<CandleUpdate>{
                       {{"X", 1, 1000, 2000, 20, 20, 20, 20, 1, 20, 1}, true, true},
                       {{"X", 1, 2000, 3000, 20, 20, 20, 20, 0, 20, 0}, true, true}}));
  h.out.clear();
  h.Add("X", 4, 900, 30);  // new close of 0 s only
  EXPECT_EQ(h.out,
            (std::vector<CandleUpdate>{{{"X", 1, 0, 1000, 10, 30, 10, 30, 2, 20, 2}, true, true}}));
  h.out.clear();
  h.Add("X", 5, 5500, 40);
  EXPECT_TRUE(h.out.empty());  // [5 s, 6 s) is open
  h.Add("X", 6, 6000, 41);
  EXPECT_EQ(h.out, (std::vector<CandleUpdate>{
                       {{"X", 1, 4000, 5000, 12, 12, 12, 12, 0, 12, 0}, true, false},
                       {{"X", 1, 5000, 6000, 40, 40, 40, 40, 1, 40, 1}, true, false}}));
  EXPECT_TRUE(h.late.empty());
}

TEST(CandleAggregatorTest, RejectsInvalidTradesAndChangesNothing) {
  CandleAggregator aggregator = MustCreate({});
  std::vector<CandleUpdate> out;
  std::vector<LateRecord> late;
  ASSERT_OK(aggregator.Add(MakeTrade("X", 1, 500, 10), &out, &late));
  const std::string before = aggregator.SaveState();
  const Trade bad[] = {MakeTrade("", 2, 600, 10), MakeTrade("X", 3, 9000, 0),
                       MakeTrade("X", 4, 9000, std::numeric_limits<double>::infinity()),
                       MakeTrade("X", 5, 9000, 1, -1), MakeTrade("X", 6, int64_t{1} << 60, 1)};
  for (const Trade& trade : bad) {
    const Status status = aggregator.Add(trade, &out, &late);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(status.message().find("candles: trade " + std::to_string(trade.trade_id)),
              std::string::npos)
        << status.message();
  }
  EXPECT_EQ(aggregator.SaveState(), before);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(late.empty());
}

TEST(CandleAggregatorTest, RejectsBadOptionsWithClearMessages) {
  struct Case {
    CandleAggregatorOptions options;
    std::string message;
  };
  const Case cases[] = {
      {{.windows = {}}, "candles: no windows given"},
      {{.windows = {WindowSpec::Tumbling(0)}},
       "candles: window #0: window size must be positive, got 0 ms"},
      {{.windows = {WindowSpec::Tumbling(1000), WindowSpec::Hopping(60'000, 120'000)}},
       "candles: window #1: window hop 120s is larger than the window size 60s"},
      {{.grace_ms = -1}, "candles: grace_ms must be >= 0, got -1"},
      {{.allowed_lateness_ms = -5}, "candles: allowed_lateness_ms must be >= 0, got -5"},
      {{.windows = {WindowSpec::Tumbling(1500)}},
       "candles: window 1500ms is not a whole number of seconds"},
      {{.windows = {WindowSpec::Tumbling(60'000), WindowSpec::Hopping(60'000, 15'000)}},
       "candles: windows #0 and #1 both make 60s candles, whose keys would collide"},
  };
  for (const Case& c : cases) {
    const auto aggregator = CandleAggregator::Create(c.options);
    ASSERT_FALSE(aggregator.ok()) << c.message;
    EXPECT_EQ(aggregator.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(aggregator.status().message().substr(0, c.message.size()), c.message);
  }
}

// Per pair and spec, only the windows that can still take trades are held.
TEST(CandleAggregatorTest, MemoryStaysBounded) {
  for (const LatePolicy policy : {LatePolicy::kDeadLetter, LatePolicy::kUpdate}) {
    const CandleAggregatorOptions options{
        .windows = kHopping, .grace_ms = 2000, .late = policy, .allowed_lateness_ms = 30'000};
    CandleAggregator aggregator = MustCreate(options);
    int64_t open_bound = 0;
    int64_t kept_bound = 0;
    for (const WindowSpec& spec : options.windows) {
      open_bound += 3 * ((spec.size_ms + options.grace_ms) / spec.hop() + 2);
      kept_bound += 3 * ((options.allowed_lateness_ms + spec.size_ms) / spec.hop() + 2);
    }
    const std::vector<Event> events = testing::RandomEvents(5, 20'000);
    Outputs outputs;
    for (size_t i = 0; i < events.size(); ++i) {
      testing::Feed(aggregator, events, i, i + 1, false, &outputs);
      ASSERT_LE(aggregator.open_windows(), open_bound);
      ASSERT_LE(aggregator.retained_windows(), policy == LatePolicy::kUpdate ? kept_bound : 0);
    }
  }
}

// Per pair: the updates of each CandleKey, in the order they were emitted.
std::map<std::string, std::vector<CandleUpdate>> UpdatesPerKey(
    const std::vector<CandleUpdate>& updates) {
  std::map<std::string, std::vector<CandleUpdate>> per_key;
  for (const CandleUpdate& update : updates) per_key[CandleKey(update.candle)].push_back(update);
  return per_key;
}

// The invariant behind per-pair watermarks: the same trades of several pairs, fed
// interleaved by time (as live ingestion mixes them) or grouped pair by pair (as a
// backfill writes them), each pair in time order, give the same candles with no
// late trade, under every policy and mode.
TEST(CandleAggregatorTest, InterleavedAndGroupedPairsGiveTheSameCandles) {
  std::vector<Trade> interleaved = testing::TradesOf(testing::RandomEvents(21, 8000, 4));
  std::sort(interleaved.begin(), interleaved.end(), [](const Trade& a, const Trade& b) {
    return a.ts_ms != b.ts_ms ? a.ts_ms < b.ts_ms : a.trade_id < b.trade_id;
  });
  // Pair by pair, the last pair first: each pair's trades in the same order.
  std::vector<Trade> grouped = interleaved;
  std::stable_sort(grouped.begin(), grouped.end(),
                   [](const Trade& a, const Trade& b) { return a.pair > b.pair; });
  ASSERT_NE(grouped, interleaved);
  // A single watermark would have made most of the grouped trades late: their 1 s
  // window ended (plus the largest grace below) before the newest trade of the
  // pairs before them.
  int64_t newest = std::numeric_limits<int64_t>::min();
  size_t behind = 0;
  for (const Trade& trade : grouped) {
    behind += trade.ts_ms - trade.ts_ms % 1000 + 1000 + 1500 <= newest;
    newest = std::max(newest, trade.ts_ms);
  }
  ASSERT_GT(behind, grouped.size() / 2);

  const auto feed = [](const CandleAggregatorOptions& options, const std::vector<Trade>& trades) {
    Outputs outputs;
    auto aggregator = CandleAggregator::Create(options);
    EXPECT_TRUE(aggregator.ok()) << aggregator.status().ToString();
    for (const Trade& trade : trades) {
      EXPECT_OK(aggregator->Add(trade, &outputs.updates, &outputs.late));
    }
    aggregator->Flush(&outputs.updates);
    return outputs;
  };
  for (const LatePolicy late : {LatePolicy::kDeadLetter, LatePolicy::kUpdate}) {
    for (const EmitMode emit : {EmitMode::kFinal, EmitMode::kCurrent}) {
      for (const bool fill_gaps : {false, true}) {
        for (const int64_t grace_ms : {int64_t{0}, int64_t{1500}}) {
          const CandleAggregatorOptions options{
              .windows = {WindowSpec::Tumbling(1000), WindowSpec::Hopping(10'000, 4'000),
                          WindowSpec::Tumbling(60'000)},
              .grace_ms = grace_ms,
              .late = late,
              .emit = emit,
              .fill_gaps = fill_gaps,
              .allowed_lateness_ms = 30'000};
          SCOPED_TRACE(std::string(LatePolicyName(late)) + "/" + std::string(EmitModeName(emit)) +
                       (fill_gaps ? "/gaps" : "") + "/grace " + std::to_string(grace_ms));
          const Outputs by_time = feed(options, interleaved);
          const Outputs by_pair = feed(options, grouped);
          EXPECT_TRUE(by_time.late.empty()) << by_time.late.front().reason;
          EXPECT_TRUE(by_pair.late.empty()) << by_pair.late.front().reason;
          // Per key the same updates (so the same multiset), in the same order.
          EXPECT_EQ(UpdatesPerKey(by_pair.updates), UpdatesPerKey(by_time.updates));
          std::vector<CandleUpdate> sorted_time = by_time.updates;
          std::vector<CandleUpdate> sorted_pair = by_pair.updates;
          const auto by_key = [](const CandleUpdate& a, const CandleUpdate& b) {
            return CandleKey(a.candle) < CandleKey(b.candle);
          };
          std::stable_sort(sorted_time.begin(), sorted_time.end(), by_key);
          std::stable_sort(sorted_pair.begin(), sorted_pair.end(), by_key);
          EXPECT_EQ(sorted_pair, sorted_time);
          const auto final_candles = testing::LastPerKey(by_time.updates);
          EXPECT_EQ(testing::LastPerKey(by_pair.updates), final_candles);
          auto expected = testing::ReferenceCandles(interleaved, options.windows);
          if (fill_gaps) testing::AddGapCandles(options.windows, &expected);
          testing::ExpectCandlesEqual(final_candles, expected);
        }
      }
    }
  }
}

// A pair an hour behind another is not late: its windows close on its own trades.
TEST(CandleAggregatorTest, APairFarBehindAnotherIsNotLate) {
  Harness h({.windows = {WindowSpec::Tumbling(1000)}});
  h.Add("X", 1, 3'600'000, 50);
  h.Add("X", 2, 3'600'500, 51);
  h.Add("Y", 3, 1000, 10);
  h.Add("Y", 4, 1500, 11);
  EXPECT_TRUE(h.late.empty());
  EXPECT_TRUE(h.out.empty());  // neither pair's time has passed a window of its own
  EXPECT_EQ(h.aggregator.open_windows(), 2);
  h.Add("Y", 5, 2100, 12);  // closes Y's [1 s, 2 s), not X's window
  ASSERT_EQ(h.out.size(), 1u);
  EXPECT_EQ(h.out[0],
            (CandleUpdate{{"Y", 1, 1000, 2000, 10, 11, 10, 11, 2, 10.5, 2}, true, false}));
  EXPECT_EQ(h.aggregator.watermark_ms("X"), 3'600'500);
  EXPECT_EQ(h.aggregator.watermark_ms("Y"), 2100);
  EXPECT_EQ(h.aggregator.watermark_ms("Z"), Watermark::kNone);
  EXPECT_EQ(h.aggregator.watermark_ms(), 2100);  // the lowest
  // Late against Y's own watermark.
  h.Add("Y", 6, 1200, 13);
  ASSERT_EQ(h.late.size(), 1u);
  EXPECT_EQ(h.late[0].watermark_ms, 2100);
  EXPECT_EQ(h.late[0].reason,
            "late: trade 6 at 1200 is 900 ms behind the Y watermark 2100; Y 1s candle "
            "[1000, 2000) closed at 2000 (end + grace 0 ms)");
  h.aggregator.Flush(&h.out);
  const auto candles = testing::LastPerKey(h.out);
  EXPECT_EQ(candles.size(), 3u);
  EXPECT_EQ(candles.at("X|1|3600000").trade_count, 2);
  EXPECT_EQ(candles.at("Y|1|2000").trade_count, 1);
}

// AdvanceWatermark moves every pair's watermark, closing their windows in order of
// (close time, pair, spec, start); a pair first seen afterwards starts afresh.
TEST(CandleAggregatorTest, AdvanceWatermarkClosesEveryPairsWindows) {
  Harness h(
      {.windows = {WindowSpec::Tumbling(1000), WindowSpec::Tumbling(10'000)}, .grace_ms = 500});
  h.Add("B", 1, 1700, 20);
  h.Add("C", 2, 3100, 30);
  h.Add("A", 3, 1200, 10);
  EXPECT_TRUE(h.out.empty());
  EXPECT_EQ(h.aggregator.open_windows(), 6);
  h.aggregator.AdvanceWatermark(2400, &h.out);  // 1 ms before [1 s, 2 s) closes
  EXPECT_TRUE(h.out.empty());
  EXPECT_EQ(h.aggregator.watermark_ms("A"), 2400);
  EXPECT_EQ(h.aggregator.watermark_ms("C"), 3100);  // never goes back
  h.aggregator.AdvanceWatermark(11'000, &h.out);
  std::vector<std::tuple<std::string, int64_t, int64_t>> closed;
  for (const CandleUpdate& update : h.out) {
    EXPECT_TRUE(update.final);
    closed.emplace_back(update.candle.pair, update.candle.candle_seconds,
                        update.candle.window_start_ms);
  }
  EXPECT_EQ(closed, (std::vector<std::tuple<std::string, int64_t, int64_t>>{
                        {"A", 1, 1000},   // closes at 2500
                        {"B", 1, 1000},   // 2500
                        {"C", 1, 3000},   // 4500
                        {"A", 10, 0},     // 10500
                        {"B", 10, 0},     // 10500
                        {"C", 10, 0}}));  // 10500
  EXPECT_EQ(h.aggregator.open_windows(), 0);
  for (const char* pair : {"A", "B", "C"}) EXPECT_EQ(h.aggregator.watermark_ms(pair), 11'000);
  h.out.clear();

  h.Add("A", 4, 9000, 11);  // behind A's advanced watermark
  ASSERT_EQ(h.late.size(), 1u);
  EXPECT_EQ(h.late[0].watermark_ms, 11'000);
  EXPECT_EQ(h.late[0].windows,
            (std::vector<LateWindow>{{1, 9000, 10'000, false}, {10, 0, 10'000, false}}));
  h.Add("D", 5, 500, 40);  // a new pair: no watermark yet, so not late
  EXPECT_EQ(h.late.size(), 1u);
  EXPECT_EQ(h.aggregator.watermark_ms("D"), 500);
  EXPECT_EQ(h.aggregator.watermark_ms(), 500);

  h.aggregator.Flush(&h.out);
  ASSERT_EQ(h.out.size(), 2u);  // D's two windows
  EXPECT_EQ(h.out[0].candle.pair, "D");
  EXPECT_EQ(h.out[1].candle.pair, "D");
  EXPECT_EQ(h.aggregator.watermark_ms(), Watermark::kEnd);
  h.Add("D", 6, 600, 41);  // after the end: too late for the pairs it closed
  ASSERT_EQ(h.late.size(), 2u);
  EXPECT_EQ(h.late[1].watermark_ms, Watermark::kEnd);
  h.Add("E", 7, 600, 50);  // ... but a pair first seen after it starts afresh
  EXPECT_EQ(h.late.size(), 2u);
  EXPECT_EQ(h.aggregator.open_windows(), 2);
}

}  // namespace
}  // namespace rtml::process
