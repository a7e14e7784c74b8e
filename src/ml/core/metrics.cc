#include "rtml/ml/metrics.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace rtml::ml {

RegressionMetrics EvaluateRegression(std::span<const double> actual,
                                     std::span<const double> predicted,
                                     std::span<const double> reference) {
  RegressionMetrics m;
  m.n = static_cast<int64_t>(actual.size());
  if (actual.empty()) return m;
  double abs_sum = 0, sq_sum = 0, pct_sum = 0, mean = 0;
  int64_t pct_n = 0, moved = 0, right = 0;
  for (double a : actual) mean += a;
  mean /= static_cast<double>(actual.size());
  double total = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    const double error = predicted[i] - actual[i];
    abs_sum += std::abs(error);
    sq_sum += error * error;
    total += (actual[i] - mean) * (actual[i] - mean);
    if (actual[i] != 0) {
      pct_sum += std::abs(error / actual[i]);
      ++pct_n;
    }
    if (!reference.empty() && actual[i] != reference[i]) {
      ++moved;
      // A prediction of no move calls no direction: it is never right.
      right += predicted[i] != reference[i] &&
               (actual[i] > reference[i]) == (predicted[i] > reference[i]);
    }
  }
  const double n = static_cast<double>(actual.size());
  m.mae = abs_sum / n;
  m.rmse = std::sqrt(sq_sum / n);
  m.mape = pct_n > 0 ? 100 * pct_sum / static_cast<double>(pct_n) : 0;
  m.r2 = total > 0 ? 1 - sq_sum / total : 0;
  m.directional_accuracy = reference.empty() || moved == 0
                               ? std::numeric_limits<double>::quiet_NaN()
                               : static_cast<double>(right) / static_cast<double>(moved);
  return m;
}

ClassificationMetrics EvaluateClassification(std::span<const int> actual,
                                             std::span<const int> predicted, int classes) {
  ClassificationMetrics m;
  m.n = static_cast<int64_t>(actual.size());
  m.confusion.assign(static_cast<size_t>(classes),
                     std::vector<int64_t>(static_cast<size_t>(classes)));
  int64_t right = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    right += actual[i] == predicted[i];
    if (actual[i] >= 0 && actual[i] < classes && predicted[i] >= 0 && predicted[i] < classes) {
      ++m.confusion[static_cast<size_t>(actual[i])][static_cast<size_t>(predicted[i])];
    }
  }
  m.accuracy = actual.empty() ? 0 : static_cast<double>(right) / static_cast<double>(actual.size());
  const auto f1_of = [&](int c) {
    int64_t tp = m.confusion[static_cast<size_t>(c)][static_cast<size_t>(c)], fp = 0, fn = 0;
    for (int o = 0; o < classes; ++o) {
      if (o == c) continue;
      fp += m.confusion[static_cast<size_t>(o)][static_cast<size_t>(c)];
      fn += m.confusion[static_cast<size_t>(c)][static_cast<size_t>(o)];
    }
    if (tp + fp + fn == 0) return 1.0;
    return 2.0 * static_cast<double>(tp) / static_cast<double>(2 * tp + fp + fn);
  };
  if (classes == 2) {
    m.f1 = f1_of(1);
  } else if (classes > 0) {
    double sum = 0;
    for (int c = 0; c < classes; ++c) sum += f1_of(c);
    m.f1 = sum / classes;
  }
  return m;
}

std::string FormatRegression(const RegressionMetrics& m) {
  char direction[16] = "-";
  if (!std::isnan(m.directional_accuracy)) {
    std::snprintf(direction, sizeof direction, "%.1f%%", 100 * m.directional_accuracy);
  }
  char text[200];
  std::snprintf(text, sizeof text, "MAE %.6g RMSE %.6g MAPE %.4g%% R² %.4f direction %s", m.mae,
                m.rmse, m.mape, m.r2, direction);
  return text;
}

std::string FormatClassification(const ClassificationMetrics& m) {
  char text[120];
  std::snprintf(text, sizeof text, "accuracy %.2f%% F1 %.4f (%lld rows)", 100 * m.accuracy, m.f1,
                static_cast<long long>(m.n));
  return text;
}

}  // namespace rtml::ml
