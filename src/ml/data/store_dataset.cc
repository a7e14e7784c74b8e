// ReadStoreDataset (datasources.h): a feature group's rows with a target ahead, by two
// point-in-time joins of the group with its own rows - as of each row's time (its
// features) and as of that time plus the horizon (its target).
#include <algorithm>
#include <numeric>

#include "rtml/features/training_set.h"
#include "rtml/ml/datasources.h"

namespace rtml::ml {
namespace {

std::optional<double> AsNumber(const features::Value& value) {
  if (const auto* d = std::get_if<double>(&value)) return *d;
  if (const auto* i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
  return std::nullopt;
}

// The labels whose key matches `where`.
Result<features::Table> Filter(features::Table labels, const StoreDataOptions& options) {
  std::vector<std::pair<int, std::string>> wanted;
  for (const auto& [column, text] : options.where) {
    const int index = labels.ColumnIndex(column);
    bool is_key = false;
    for (const features::Column& key : options.group.key) is_key = is_key || key.name == column;
    if (index < 0 || !is_key) {
      return Status::InvalidArgument("where: '" + column + "' is not a key column of " +
                                     options.group.Label());
    }
    wanted.emplace_back(index, text);
  }
  std::erase_if(labels.rows, [&](const std::vector<features::Value>& row) {
    for (const auto& [index, text] : wanted) {
      if (features::KeyText(std::span(&row[index], 1)) != text) return true;
    }
    return false;
  });
  return labels;
}

}  // namespace

Result<Dataset> ReadStoreDataset(features::OfflineStore& store, const StoreDataOptions& options,
                                 ReadCounts* counts) {
  *counts = {};
  const features::FeatureGroup& group = options.group;
  if (options.ahead_ms <= 0) return Status::InvalidArgument("the horizon must be above 0");
  std::vector<std::string> names = options.features;
  if (names.empty()) {
    for (const features::Column& column : group.features) {
      if (column.type != features::ValueType::kString) names.push_back(column.name);
    }
  }
  bool has_target = false;
  for (const features::Column& column : group.features) {
    has_target = has_target ||
                 (column.name == options.target && column.type != features::ValueType::kString);
  }
  if (!has_target) {
    return Status::InvalidArgument("the target '" + options.target +
                                   "' is not a numeric feature of " + group.Label());
  }

  RTML_ASSIGN_OR_RETURN(features::Table labels,
                        features::LabelsFromGroup(store, group, options.range));
  RTML_ASSIGN_OR_RETURN(labels, Filter(std::move(labels), options));
  const int time_column = labels.ColumnIndex("ts_ms");
  features::TrainingSetOptions join{.groups = {group}};
  RTML_ASSIGN_OR_RETURN(features::TrainingSet now, BuildTrainingSet(store, labels, join));
  for (std::vector<features::Value>& row : labels.rows) {
    row[time_column] = std::get<int64_t>(row[time_column]) + options.ahead_ms;
  }
  RTML_ASSIGN_OR_RETURN(features::TrainingSet ahead, BuildTrainingSet(store, labels, join));

  std::vector<int> feature_columns;
  for (const std::string& name : names) {
    const int column = now.table.ColumnIndex(name);
    if (column < 0) {
      return Status::InvalidArgument("'" + name + "' is not a feature of " + group.Label());
    }
    feature_columns.push_back(column);
  }
  const int target_column = ahead.table.ColumnIndex(options.target);
  const int now_target_column = now.table.ColumnIndex(options.target);
  const int ahead_time_column = ahead.table.ColumnIndex(group.name + "__" + group.event_time);

  // Rows in time order (the join returns them by key, then time).
  const size_t n = now.table.rows.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  auto time_of = [&](size_t i) { return std::get<int64_t>(now.table.rows[i][time_column]); };
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return time_of(a) < time_of(b); });

  Dataset data{.feature_names = names};
  std::vector<double> row(names.size());
  for (size_t i : order) {
    ++counts->read;
    const std::vector<features::Value>& current = now.table.rows[i];
    const std::vector<features::Value>& later = ahead.table.rows[i];
    const int64_t time = time_of(i);
    // The target must come from a row after this one: the newest at or before
    // time + ahead, not this row itself.
    const std::optional<double> target_time = AsNumber(later[ahead_time_column]);
    const std::optional<double> target = AsNumber(later[target_column]);
    if (!target_time || *target_time <= static_cast<double>(time) || !target) {
      ++counts->rejected;
      ++counts->reasons["no row of its key after it to take the target from"];
      continue;
    }
    bool complete = true;
    for (size_t f = 0; f < names.size() && complete; ++f) {
      const std::optional<double> value = AsNumber(current[feature_columns[f]]);
      complete = value.has_value();
      if (complete) row[f] = *value;
    }
    if (!complete) {
      ++counts->rejected;
      ++counts->reasons["a feature is null (e.g. an indicator warming up)"];
      continue;
    }
    double y = *target;
    if (options.direction) {
      const std::optional<double> from = AsNumber(current[now_target_column]);
      if (!from) {
        ++counts->rejected;
        ++counts->reasons["the target is null now"];
        continue;
      }
      y = *target > *from ? 1 : 0;
    }
    data.Add(row, y, time);
  }
  counts->used = static_cast<int64_t>(data.rows());
  if (data.rows() == 0) {
    return Status::InvalidArgument(group.Label() + " has no usable row in the range (" +
                                   std::to_string(counts->read) + " read, " +
                                   std::to_string(counts->rejected) + " rejected)");
  }
  return data;
}

}  // namespace rtml::ml
