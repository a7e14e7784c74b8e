#include "rtml/ml/dataset.h"

#include <cmath>

namespace rtml::ml {

void Dataset::Add(std::span<const double> row, double target, int64_t time) {
  x.insert(x.end(), row.begin(), row.end());
  y.push_back(target);
  time_ms.push_back(time);
}

Dataset Dataset::Slice(size_t begin, size_t end) const {
  Dataset out;
  out.feature_names = feature_names;
  const size_t width = features();
  out.x.assign(x.begin() + static_cast<std::ptrdiff_t>(begin * width),
               x.begin() + static_cast<std::ptrdiff_t>(end * width));
  out.y.assign(y.begin() + static_cast<std::ptrdiff_t>(begin),
               y.begin() + static_cast<std::ptrdiff_t>(end));
  out.time_ms.assign(time_ms.begin() + static_cast<std::ptrdiff_t>(begin),
                     time_ms.begin() + static_cast<std::ptrdiff_t>(end));
  return out;
}

int Dataset::FeatureIndex(std::string_view name) const {
  for (size_t i = 0; i < feature_names.size(); ++i) {
    if (feature_names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Result<Dataset> Dataset::Select(const std::vector<std::string>& names) const {
  if (names == feature_names) return *this;
  std::vector<size_t> columns;
  for (const std::string& name : names) {
    const int column = FeatureIndex(name);
    if (column < 0) {
      std::string known;
      for (const std::string& have : feature_names) known += (known.empty() ? "" : ", ") + have;
      return Status::InvalidArgument("no feature '" + name + "' in the data (it has " + known +
                                     ")");
    }
    columns.push_back(static_cast<size_t>(column));
  }
  Dataset out{.feature_names = names, .y = y, .time_ms = time_ms};
  out.x.reserve(rows() * names.size());
  for (size_t r = 0; r < rows(); ++r) {
    const std::span<const double> row = Row(r);
    for (size_t column : columns) out.x.push_back(row[column]);
  }
  return out;
}

Status Dataset::Validate() const {
  if (x.size() != rows() * features() || time_ms.size() != rows()) {
    return Status::InvalidArgument("dataset: " + std::to_string(rows()) + " targets, " +
                                   std::to_string(time_ms.size()) + " times and " +
                                   std::to_string(x.size()) + " feature values for " +
                                   std::to_string(features()) + " features");
  }
  for (size_t r = 0; r < rows(); ++r) {
    if (!std::isfinite(y[r])) {
      return Status::InvalidArgument("dataset row " + std::to_string(r) +
                                     ": the target is not a finite number");
    }
    for (size_t f = 0; f < features(); ++f) {
      if (!std::isfinite(x[r * features() + f])) {
        return Status::InvalidArgument("dataset row " + std::to_string(r) + ": feature '" +
                                       feature_names[f] + "' is not a finite number");
      }
    }
    if (r > 0 && time_ms[r] < time_ms[r - 1]) {
      return Status::InvalidArgument("dataset row " + std::to_string(r) +
                                     ": its time is before the row's before it");
    }
  }
  return Status::Ok();
}

}  // namespace rtml::ml
