// Live error per model version: MAE next to the baseline's on the same predictions,
// the direction called, the pairs seen; judged predictions read back from their JSON.
#include "rtml/serve/live_error.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing.h"

namespace rtml::serve {
namespace {

Judged At(std::string pair, int64_t version, double prediction, double reference, double actual) {
  return {.pair = std::move(pair),
          .model = "m",
          .model_version = version,
          .ts_ms = 1000,
          .target_ts_ms = 2000,
          .prediction = prediction,
          .reference = reference,
          .actual = actual};
}

TEST(LiveErrorTest, EachVersionNextToTheBaselineOnTheSamePredictions) {
  LiveErrorTable table;
  table.Add(At("BTC", 1, 102, 100, 103));  // error 1, baseline 3, up: right
  table.Add(At("ETH", 1, 99, 100, 97));    // error 2, baseline 3, down: right
  table.Add(At("BTC", 1, 101, 100, 99));   // error 2, baseline 1, down: wrong
  table.Add(At("BTC", 1, 100, 100, 100));  // no move: error 0, baseline 0, left out
  table.Add(At("BTC", 0, 100, 100, 104));  // the baseline: calls no direction
  const std::vector<LiveErrorRow> rows = table.Rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].model_version, 0);
  EXPECT_EQ(rows[0].mae, rows[0].baseline_mae);
  EXPECT_EQ(rows[0].directional_accuracy, 0);
  EXPECT_EQ(rows[1].model_version, 1);
  EXPECT_EQ(rows[1].predictions, 4);
  EXPECT_EQ(rows[1].pairs, 2);
  EXPECT_DOUBLE_EQ(rows[1].mae, 5 / 4.0);
  EXPECT_DOUBLE_EQ(rows[1].baseline_mae, 7 / 4.0);
  EXPECT_DOUBLE_EQ(rows[1].directional_accuracy, 2 / 3.0);
}

TEST(LiveErrorTest, JudgedPredictionsReadBackFromTheirJson) {
  const Judged judged = At("BTC", 3, 101.5, 100.25, 99.75);
  std::string json;
  judged.AppendJson(json);
  ASSERT_OK_AND_ASSIGN(const Judged back, ParseJudgedJson(json));
  EXPECT_EQ(back.pair, "BTC");
  EXPECT_EQ(back.model_version, 3);
  EXPECT_EQ(back.target_ts_ms, 2000);
  EXPECT_EQ(back.prediction, 101.5);
  EXPECT_EQ(back.reference, 100.25);
  EXPECT_EQ(back.actual, 99.75);
  EXPECT_THAT(ParseJudgedJson("[]").status().message(), ::testing::HasSubstr("not a JSON object"));
  EXPECT_THAT(ParseJudgedJson(R"({"pair":"BTC","model":"m"})").status().message(),
              ::testing::HasSubstr("model_version"));
}

}  // namespace
}  // namespace rtml::serve
