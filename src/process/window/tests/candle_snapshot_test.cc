// Checkpoints: a stream cut anywhere, saved, restored into a new aggregator and
// continued gives exactly the outputs of a run that never stopped.
#include <algorithm>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "candle_reference.h"
#include "rtml/process/candle_aggregator.h"
#include "testing.h"

namespace rtml::process {
namespace {

using testing::Event;
using testing::Outputs;

CandleAggregator MustCreate(const CandleAggregatorOptions& options) {
  auto aggregator = CandleAggregator::Create(options);
  EXPECT_TRUE(aggregator.ok()) << aggregator.status().ToString();
  return std::move(aggregator).value();
}

std::vector<CandleAggregatorOptions> AllOptions() {
  std::vector<CandleAggregatorOptions> all;
  for (const LatePolicy late : {LatePolicy::kDeadLetter, LatePolicy::kUpdate}) {
    for (const EmitMode emit : {EmitMode::kFinal, EmitMode::kCurrent}) {
      for (const bool fill_gaps : {false, true}) {
        all.push_back({.windows = {WindowSpec::Tumbling(1000), WindowSpec::Hopping(60'000, 15'000),
                                   WindowSpec::Tumbling(10'000)},
                       .grace_ms = 2000,
                       .late = late,
                       .emit = emit,
                       .fill_gaps = fill_gaps,
                       .allowed_lateness_ms = 30'000});
      }
    }
  }
  return all;
}

std::string Describe(const CandleAggregatorOptions& options) {
  return std::string(LatePolicyName(options.late)) + "/" + std::string(EmitModeName(options.emit)) +
         (options.fill_gaps ? "/gaps" : "");
}

// Runs `events`, stopping at each of `cuts` (ascending) to move the state into a
// new aggregator through SaveState/RestoreState.
Outputs RunWithRestarts(const CandleAggregatorOptions& options, const std::vector<Event>& events,
                        const std::vector<size_t>& cuts) {
  Outputs outputs;
  CandleAggregator aggregator = MustCreate(options);
  size_t done = 0;
  for (const size_t cut : cuts) {
    testing::Feed(aggregator, events, done, cut, false, &outputs);
    done = cut;
    const std::string state = aggregator.SaveState();
    CandleAggregator restored = MustCreate(options);
    EXPECT_OK(restored.RestoreState(state));
    EXPECT_EQ(restored.SaveState(), state);
    EXPECT_EQ(restored.watermark_ms(), aggregator.watermark_ms());
    for (const Event& event : events) {
      if (event.is_advance) continue;
      EXPECT_EQ(restored.watermark_ms(event.trade.pair), aggregator.watermark_ms(event.trade.pair))
          << event.trade.pair;
    }
    EXPECT_EQ(restored.open_windows(), aggregator.open_windows());
    EXPECT_EQ(restored.retained_windows(), aggregator.retained_windows());
    aggregator = std::move(restored);
  }
  testing::Feed(aggregator, events, done, events.size(), true, &outputs);
  return outputs;
}

// One cut at each of `count` random points, then one run cut at all of them: each
// gives `uninterrupted`.
void ExpectRestoringAnywhereGives(const Outputs& uninterrupted,
                                  const CandleAggregatorOptions& options,
                                  const std::vector<Event>& events, int count,
                                  std::mt19937_64& random) {
  std::vector<size_t> cuts;
  for (int i = 0; i < count; ++i) {
    cuts.push_back(std::uniform_int_distribution<size_t>(0, events.size())(random));
    ASSERT_EQ(RunWithRestarts(options, events, {cuts.back()}), uninterrupted)
        << "cut at " << cuts.back();
  }
  std::sort(cuts.begin(), cuts.end());
  ASSERT_EQ(RunWithRestarts(options, events, cuts), uninterrupted);
}

TEST(CandleSnapshotTest, RestoringAnywhereGivesTheUninterruptedOutputs) {
  std::mt19937_64 random(42);
  for (const CandleAggregatorOptions& options : AllOptions()) {
    SCOPED_TRACE(Describe(options));
    const std::vector<Event> events = testing::RandomEvents(random(), 3000);
    const Outputs uninterrupted = RunWithRestarts(options, events, {});
    ASSERT_FALSE(uninterrupted.updates.empty());
    ASSERT_FALSE(uninterrupted.late.empty());
    ASSERT_NO_FATAL_FAILURE(
        ExpectRestoringAnywhereGives(uninterrupted, options, events, 30, random));
  }
}

TEST(CandleSnapshotTest, StateOfAnEmptyAndAFlushedAggregatorRoundTrips) {
  const CandleAggregatorOptions options = AllOptions().back();
  CandleAggregator aggregator = MustCreate(options);
  CandleAggregator other = MustCreate(options);
  ASSERT_OK(other.RestoreState(aggregator.SaveState()));
  EXPECT_EQ(other.SaveState(), aggregator.SaveState());
  Outputs outputs;
  const std::vector<Event> events = testing::RandomEvents(1, 500);
  testing::Feed(aggregator, events, 0, events.size(), true, &outputs);
  ASSERT_OK(other.RestoreState(aggregator.SaveState()));
  EXPECT_EQ(other.SaveState(), aggregator.SaveState());
  EXPECT_EQ(other.open_windows(), 0);
}

TEST(CandleSnapshotTest, RefusesStatesOfOtherOptionsAndBrokenBytes) {
  const std::vector<CandleAggregatorOptions> all = AllOptions();
  CandleAggregator aggregator = MustCreate(all[2]);
  Outputs outputs;
  const std::vector<Event> events = testing::RandomEvents(9, 400);
  testing::Feed(aggregator, events, 0, events.size(), false, &outputs);
  const std::string state = aggregator.SaveState();

  CandleAggregator other = MustCreate(all[3]);
  const std::string other_before = other.SaveState();
  const Status mismatch = other.RestoreState(state);
  EXPECT_EQ(mismatch.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(mismatch.message().find("saved with other options"), std::string::npos)
      << mismatch.message();
  EXPECT_EQ(other.SaveState(), other_before);

  CandleAggregator same = MustCreate(all[2]);
  const std::string same_before = same.SaveState();
  EXPECT_EQ(same.RestoreState("not a state").code(), StatusCode::kCorruption);
  for (size_t size = 0; size < state.size(); size += 1 + size / 50) {
    const Status status = same.RestoreState(state.substr(0, size));
    EXPECT_EQ(status.code(), StatusCode::kCorruption) << "prefix of " << size << " bytes";
  }
  EXPECT_EQ(same.RestoreState(state + "x").code(), StatusCode::kCorruption);
  // The states of older builds (one watermark per aggregator, tag v1) are refused.
  std::string old_version = state;
  const size_t tag = old_version.find("rtml.candle_aggregator.v2");
  ASSERT_NE(tag, std::string::npos);
  old_version[tag + std::string_view("rtml.candle_aggregator.v").size()] = '1';
  const Status old = same.RestoreState(old_version);
  EXPECT_EQ(old.code(), StatusCode::kCorruption);
  EXPECT_NE(old.message().find("not a candle aggregator state"), std::string::npos)
      << old.message();
  EXPECT_EQ(same.SaveState(), same_before);
  ASSERT_OK(same.RestoreState(state));
  EXPECT_EQ(same.SaveState(), state);
}

// A backfill-like stream: pair after pair, each far behind the one before in event
// time, with its own out-of-order and late trades, and an idle advance after each
// pair. Cut anywhere, restored and continued, it gives the uninterrupted outputs,
// which match the per-pair model: the pairs' watermarks travel with the state.
TEST(CandleSnapshotTest, PerPairWatermarksSurviveRestoringMidStream) {
  std::mt19937_64 random(7);
  const std::vector<Event> mixed = testing::RandomEvents(5, 4000, 4);
  std::vector<Event> events;
  for (const std::string pair : {"P3", "P1", "P0", "P2"}) {
    int64_t newest = 0;
    for (const Event& event : mixed) {
      if (event.is_advance || event.trade.pair != pair) continue;
      events.push_back(event);
      newest = std::max(newest, event.trade.ts_ms);
    }
    events.push_back({.is_advance = true, .advance_ms = newest + 500});
  }
  for (const CandleAggregatorOptions& options : AllOptions()) {
    SCOPED_TRACE(Describe(options));
    const testing::Model model = testing::RunModel(events, options);
    const Outputs uninterrupted = RunWithRestarts(options, events, {});
    ASSERT_FALSE(uninterrupted.late.empty());
    testing::ExpectRejectionsMatch(uninterrupted, model, options);
    testing::ExpectCandlesEqual(testing::LastPerKey(uninterrupted.updates), model.candles);
    ASSERT_NO_FATAL_FAILURE(
        ExpectRestoringAnywhereGives(uninterrupted, options, events, 20, random));
  }
}

}  // namespace
}  // namespace rtml::process
