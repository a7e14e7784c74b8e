// Dataset: rows of numeric features with a target, in time order - what models are
// fitted on and evaluated with. Rows are stored row-major in one buffer, so a row
// is a contiguous span (what Predict takes) and a slice of rows is cheap.
// Value type; thread-safe to read.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::ml {

struct Dataset {
  std::vector<std::string> feature_names;
  std::vector<double> x;         // rows() x features(), row-major
  std::vector<double> y;         // the target of each row
  std::vector<int64_t> time_ms;  // each row's time, non-decreasing

  size_t rows() const { return y.size(); }
  size_t features() const { return feature_names.size(); }
  std::span<const double> Row(size_t i) const {
    return std::span(x).subspan(i * features(), features());
  }
  // Appends a row. REQUIRES: features.size() == features().
  void Add(std::span<const double> features, double target, int64_t time_ms);
  // Rows [begin, end).
  Dataset Slice(size_t begin, size_t end) const;
  // The column of feature `name`, or -1.
  int FeatureIndex(std::string_view name) const;
  // The same rows with only the features `names`, in that order. InvalidArgument
  // naming a feature the rows do not have.
  Result<Dataset> Select(const std::vector<std::string>& names) const;

  // Ok, or InvalidArgument naming the first problem: buffers of different lengths,
  // a NaN or infinite feature or target (with its row and feature), times that go
  // backwards.
  Status Validate() const;
};

}  // namespace rtml::ml
