// Classifier labels checked and counted (class_labels.h).
#include "class_labels.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace rtml::ml {

Result<std::vector<int64_t>> CountClasses(const Dataset& data, int classes,
                                          std::string_view model) {
  if (data.rows() == 0) return Status::InvalidArgument(std::string(model) + ": no training rows");
  const int limit = classes > 0 ? classes : kMaxClasses;
  int largest = 0;
  for (size_t row = 0; row < data.rows(); ++row) {
    const double label = data.y[row];
    // The negated test also refuses NaN.
    if (!(label >= 0 && label < limit && label == std::floor(label))) {
      char text[32];
      std::snprintf(text, sizeof text, "%.17g", label);
      return Status::InvalidArgument(
          std::string(model) + ": row " + std::to_string(row) + " has label " + text +
          "; a class label is an integer in [0, " + std::to_string(limit) + ")" +
          (classes > 0 ? " (classes: " + std::to_string(classes) + ")" : ""));
    }
    largest = std::max(largest, static_cast<int>(label));
  }
  std::vector<int64_t> counts(
      static_cast<size_t>(classes > 0 ? classes : std::max(2, largest + 1)));
  for (const double label : data.y) ++counts[static_cast<size_t>(label)];
  return counts;
}

}  // namespace rtml::ml
