// Live evaluation: a prediction is judged when its series reaches the target time -
// by the value at that time, or, with no record then, by the newest one before it -
// in the order predictions were made; series do not mix; the waiting predictions
// survive a checkpoint, and bytes that are not one are refused.
#include "rtml/serve/live_evaluation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing.h"

namespace rtml::serve {
namespace {

Judged Made(const std::string& pair, int64_t ts, int64_t target, double prediction,
            double reference) {
  return {.pair = pair,
          .model = "m",
          .model_version = 2,
          .ts_ms = ts,
          .target_ts_ms = target,
          .prediction = prediction,
          .reference = reference};
}

TEST(LiveEvaluationTest, JudgesEachPredictionWhenItsSeriesReachesTheTargetTime) {
  LiveEvaluation live;
  std::vector<Judged> out;
  live.Reach("BTC", 0, 100, &out);
  live.Add(Made("BTC", 0, 120, 103, 100));
  live.Add(Made("ETH", 0, 60, 10, 9));
  live.Reach("BTC", 60, 101, &out);  // not yet
  EXPECT_TRUE(out.empty());
  live.Reach("BTC", 120, 104, &out);  // exactly at the target
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].actual, 104);
  EXPECT_EQ(out[0].pair, "BTC");
  std::string json;
  out[0].AppendJson(json);
  EXPECT_EQ(
      json,
      R"({"pair":"BTC","model":"m","model_version":2,"ts_ms":0,"target_ts_ms":120,)"
      R"("prediction":103,"baseline":100,"actual":104,"abs_error":1,"baseline_abs_error":4})");
  EXPECT_EQ(live.waiting(), 1u);  // ETH's, untouched by BTC

  // No ETH record at 60: the next one, at 180, judges it by the newest before 60.
  out.clear();
  live.Reach("ETH", 30, 9.5, &out);
  live.Reach("ETH", 180, 12, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].actual, 9.5);
  EXPECT_EQ(live.waiting(), 0u);
}

TEST(LiveEvaluationTest, AnUpdateOfTheSameMomentReplacesItsPrediction) {
  // `emit: current` candles: each trade updates the open candle, and its prediction.
  LiveEvaluation live;
  std::vector<Judged> out;
  live.Reach("BTC", 0, 100, &out);
  live.Add(Made("BTC", 60, 120, 101, 100));
  live.Add(Made("BTC", 60, 120, 102, 100.5));
  live.Add(Made("BTC", 60, 120, 103, 101));
  EXPECT_EQ(live.waiting(), 1u);
  live.Reach("BTC", 120, 104, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].prediction, 103);
  EXPECT_EQ(out[0].reference, 101);
}

TEST(LiveEvaluationTest, WaitingIsBoundedDroppingTheOldest) {
  LiveEvaluation live;
  std::vector<Judged> out;
  live.Reach("BTC", 0, 100, &out);
  const int64_t made = LiveEvaluation::kMaxWaitingPerSeries + 10;
  int dropped = 0;
  for (int64_t ts = 1; ts <= made; ++ts) {
    dropped += live.Add(Made("BTC", ts, ts + 1'000'000, 101, 100));
  }
  EXPECT_EQ(live.waiting(), LiveEvaluation::kMaxWaitingPerSeries);
  EXPECT_EQ(dropped, 10);
  live.Reach("BTC", 2'000'000, 105, &out);
  ASSERT_EQ(out.size(), LiveEvaluation::kMaxWaitingPerSeries);
  EXPECT_EQ(out.front().ts_ms, 11);  // the 10 oldest went unjudged
}

TEST(LiveEvaluationTest, WaitingPredictionsSurviveACheckpoint) {
  LiveEvaluation live;
  std::vector<Judged> out;
  live.Reach("BTC", 0, 100, &out);
  live.Add(Made("BTC", 0, 60, 101, 100));
  live.Add(Made("BTC", 30, 90, 102, 100.5));
  LiveEvaluation restored;
  ASSERT_OK(restored.Restore(live.Save()));
  EXPECT_EQ(restored.Save(), live.Save());
  restored.Reach("BTC", 90, 99, &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].ts_ms, 0);
  EXPECT_EQ(out[1].ts_ms, 30);
  EXPECT_EQ(out[1].model, "m");
  EXPECT_EQ(out[1].reference, 100.5);

  std::string damaged = live.Save();
  damaged.pop_back();
  EXPECT_EQ(restored.Restore(damaged).code(), StatusCode::kCorruption);
  EXPECT_EQ(restored.Restore("other").code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace rtml::serve
