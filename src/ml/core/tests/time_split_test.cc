#include "rtml/ml/time_split.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing.h"

namespace rtml::ml {
namespace {

TEST(TimeSplitTest, TrainThenValidationThenTestWithNoOverlap) {
  ASSERT_OK_AND_ASSIGN(TrainValidationTest split, SplitByTime(100, 0.15, 0.2));
  EXPECT_EQ(split.train.begin, 0u);
  EXPECT_EQ(split.train.end, 65u);
  EXPECT_EQ(split.validation.begin, 65u);
  EXPECT_EQ(split.validation.end, 80u);
  EXPECT_EQ(split.test.begin, 80u);
  EXPECT_EQ(split.test.end, 100u);
  ASSERT_OK_AND_ASSIGN(split, SplitByTime(10, 0, 0));
  EXPECT_EQ(split.train.size(), 10u);
  EXPECT_EQ(split.test.size(), 0u);
}

TEST(TimeSplitTest, RefusesSplitsThatLeaveAPartEmpty) {
  EXPECT_THAT(SplitByTime(3, 0.1, 0.1).status().message(), ::testing::HasSubstr("too few"));
  EXPECT_FALSE(SplitByTime(10, 0.5, 0.5).ok());
  EXPECT_FALSE(SplitByTime(10, -0.1, 0.2).ok());
}

TEST(TimeSplitTest, WalkForwardTrainsOnThePastOnly) {
  ASSERT_OK_AND_ASSIGN(auto folds, WalkForwardFolds(100, 4, 20));
  ASSERT_EQ(folds.size(), 4u);
  for (size_t k = 0; k < folds.size(); ++k) {
    const auto& [train, validation] = folds[k];
    EXPECT_EQ(train.begin, 0u);
    EXPECT_EQ(train.end, validation.begin);  // right up to, never into, the block
    EXPECT_EQ(validation.begin, 20 + 20 * k);
  }
  EXPECT_EQ(folds.back().second.end, 100u);
  EXPECT_FALSE(WalkForwardFolds(10, 20, 5).ok());
}

}  // namespace
}  // namespace rtml::ml
