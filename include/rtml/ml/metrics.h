// How good predictions are. Regression: MAE, RMSE, MAPE, R² and directional accuracy;
// classification: accuracy, F1 and the confusion matrix. Every training run reports
// them for its models and for the baseline, on the same rows. Pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rtml::ml {

struct RegressionMetrics {
  int64_t n = 0;
  double mae = 0;
  double rmse = 0;
  double mape = 0;  // mean |error| / |actual| over rows whose actual is not 0, in percent
  double r2 = 0;    // 1 - SSE / SST; 0 when every actual is the same
  // Share of rows where the prediction moves from `reference` the way the actual did
  // (e.g. reference = the current close, for a price N seconds ahead); rows where the
  // actual did not move are left out, and a prediction of no move is never right (so
  // "the price stays" scores 0). NaN without a reference.
  double directional_accuracy = 0;
};

// REQUIRES: the spans have the same length (reference: that length or empty).
RegressionMetrics EvaluateRegression(std::span<const double> actual,
                                     std::span<const double> predicted,
                                     std::span<const double> reference = {});

struct ClassificationMetrics {
  int64_t n = 0;
  double accuracy = 0;
  // Binary (classes 0 and 1): F1 of class 1. More classes: the mean F1 over classes
  // (macro), a class with no rows and no predictions counting as 1.
  double f1 = 0;
  std::vector<std::vector<int64_t>> confusion;  // [actual][predicted]
};

// Classes are 0 .. classes-1; labels outside are counted as wrong and left out of
// the confusion matrix.
ClassificationMetrics EvaluateClassification(std::span<const int> actual,
                                             std::span<const int> predicted, int classes);

// "MAE 12.3 RMSE 20.1 MAPE 0.04% R² 0.91 direction 54.2%".
std::string FormatRegression(const RegressionMetrics& m);
std::string FormatClassification(const ClassificationMetrics& m);

}  // namespace rtml::ml
