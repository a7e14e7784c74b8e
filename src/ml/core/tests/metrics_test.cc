#include "rtml/ml/metrics.h"

#include <cmath>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace rtml::ml {
namespace {

TEST(MetricsTest, RegressionAgainstHandComputedValues) {
  const std::vector<double> actual = {10, 12, 9, 0};
  const std::vector<double> predicted = {11, 12, 7, 1};
  const std::vector<double> reference = {10.5, 11, 10, 0};
  const RegressionMetrics m = EvaluateRegression(actual, predicted, reference);
  EXPECT_EQ(m.n, 4);
  EXPECT_DOUBLE_EQ(m.mae, (1 + 0 + 2 + 1) / 4.0);
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt((1 + 0 + 4 + 1) / 4.0));
  // The row whose actual is 0 is left out of MAPE.
  EXPECT_DOUBLE_EQ(m.mape, 100 * (1 / 10.0 + 0 + 2 / 9.0) / 3);
  const double mean = 31 / 4.0;
  const double sst =
      (10 - mean) * (10 - mean) + (12 - mean) * (12 - mean) + (9 - mean) * (9 - mean) + mean * mean;
  EXPECT_DOUBLE_EQ(m.r2, 1 - 6 / sst);
  // Moves: down (pred up: wrong), up (up: right), down (down: right); 0 -> 0 left out.
  EXPECT_DOUBLE_EQ(m.directional_accuracy, 2 / 3.0);
  EXPECT_TRUE(std::isnan(EvaluateRegression(actual, predicted).directional_accuracy));
  EXPECT_THAT(FormatRegression(m), ::testing::HasSubstr("direction 66.7%"));
  // Predicting no move ("the price stays") calls no direction, up or down.
  EXPECT_DOUBLE_EQ(EvaluateRegression(actual, reference, reference).directional_accuracy, 0);
}

TEST(MetricsTest, PerfectAndConstantPredictions) {
  const std::vector<double> actual = {1, 2, 3};
  EXPECT_DOUBLE_EQ(EvaluateRegression(actual, actual).r2, 1);
  EXPECT_DOUBLE_EQ(EvaluateRegression(actual, std::vector<double>{2, 2, 2}).r2, 0);
  EXPECT_EQ(EvaluateRegression({}, {}).n, 0);
}

TEST(MetricsTest, ClassificationConfusionAccuracyAndF1) {
  const std::vector<int> actual = {1, 1, 0, 0, 1, 0};
  const std::vector<int> predicted = {1, 0, 0, 1, 1, 0};
  const ClassificationMetrics m = EvaluateClassification(actual, predicted, 2);
  EXPECT_DOUBLE_EQ(m.accuracy, 4 / 6.0);
  EXPECT_EQ(m.confusion, (std::vector<std::vector<int64_t>>{{2, 1}, {1, 2}}));
  EXPECT_DOUBLE_EQ(m.f1, 2.0 * 2 / (2 * 2 + 1 + 1));  // of class 1
  // Three classes: macro F1.
  const ClassificationMetrics three =
      EvaluateClassification(std::vector<int>{0, 1, 2}, std::vector<int>{0, 1, 1}, 3);
  EXPECT_DOUBLE_EQ(three.f1, (1 + 2.0 / 3 + 0) / 3);
}

}  // namespace
}  // namespace rtml::ml
