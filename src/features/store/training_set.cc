// BuildTrainingSet and LabelsFromGroup (training_set.h).
#include "rtml/features/training_set.h"

#include <algorithm>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace rtml::features {
namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

// One group's join: for each label of each key, the row as of the label's time.
class AsOfJoin {
 public:
  AsOfJoin(const FeatureGroup& group, const Table& labels, int time_index,
           std::vector<int> key_indices, size_t first_output, TrainingSet& out)
      : group_(group),
        labels_(labels),
        time_index_(time_index),
        first_output_(first_output),
        out_(out),
        counts_(out.counts.emplace_back()) {
    std::vector<Value> key(key_indices.size());
    for (size_t i = 0; i < labels.rows.size(); ++i) {
      for (size_t k = 0; k < key.size(); ++k) key[k] = labels.rows[i][key_indices[k]];
      by_key_[KeyText(key)].push_back(i);
    }
    for (auto& [key_text, indices] : by_key_) {
      std::stable_sort(indices.begin(), indices.end(),
                       [&](size_t a, size_t b) { return TimeOf(a) < TimeOf(b); });
      for (size_t index : indices) {
        min_time_ = std::min(min_time_, TimeOf(index));
        max_time_ = std::max(max_time_, TimeOf(index));
      }
    }
  }

  // The event times that can matter: up to the newest label, from the oldest label
  // minus the TTL (everything before it when rows never expire).
  TimeRange NeededRange() const {
    if (by_key_.empty()) return {0, 0};
    TimeRange range;
    if (group_.ttl_ms > 0 && min_time_ > kMinTime + group_.ttl_ms) {
      range.from_ms = min_time_ - group_.ttl_ms;
    }
    range.to_ms = max_time_ == kMaxTime ? kMaxTime : max_time_ + 1;
    return range;
  }

  // Rows arrive in (key, event time) order.
  Status Visit(FeatureRow&& row) {
    if (!current_ || row.key != current_key_) {
      FinishKey();
      current_key_ = row.key;
      const auto found = by_key_.find(KeyText(row.key));
      current_ = found == by_key_.end() ? nullptr : &found->second;
      next_ = 0;
      previous_.reset();
      // The scan gives each key's rows together; a key seen again would be joined twice.
      if (current_ != nullptr && !seen_.insert(current_).second) {
        return Status::Internal("the offline store returned the rows of key " + KeyText(row.key) +
                                " of " + group_.Label() + " out of order");
      }
    }
    if (current_ == nullptr) return Status::Ok();
    // Labels before this row's time get the row before it.
    while (next_ < current_->size() && TimeOf((*current_)[next_]) < row.event_time_ms) {
      Assign((*current_)[next_++]);
    }
    previous_ = std::move(row);
    return Status::Ok();
  }

  // After the scan: the rest of the last key, and the labels of keys with no rows.
  void Finish() {
    FinishKey();
    for (const auto& [key_text, indices] : by_key_) {
      if (seen_.contains(&indices)) continue;
      counts_.missing += static_cast<int64_t>(indices.size());
    }
  }

 private:
  int64_t TimeOf(size_t label) const { return std::get<int64_t>(labels_.rows[label][time_index_]); }

  void FinishKey() {
    if (current_ == nullptr) return;
    while (next_ < current_->size()) Assign((*current_)[next_++]);
    current_ = nullptr;
  }

  void Assign(size_t label) {
    if (!previous_) {
      ++counts_.missing;
      return;
    }
    if (group_.ttl_ms > 0 && TimeOf(label) - previous_->event_time_ms > group_.ttl_ms) {
      ++counts_.expired;
      return;
    }
    ++counts_.matched;
    std::vector<Value>& row = out_.table.rows[label];
    row[first_output_] = previous_->event_time_ms;
    std::copy(previous_->values.begin(), previous_->values.end(),
              row.begin() + static_cast<std::ptrdiff_t>(first_output_ + 1));
  }

  const FeatureGroup& group_;
  const Table& labels_;
  const int time_index_;
  const size_t first_output_;
  TrainingSet& out_;
  JoinCounts& counts_;
  std::unordered_map<std::string, std::vector<size_t>> by_key_;  // label indices by time
  int64_t min_time_ = kMaxTime;
  int64_t max_time_ = kMinTime;
  std::vector<Value> current_key_;
  const std::vector<size_t>* current_ = nullptr;
  size_t next_ = 0;
  std::optional<FeatureRow> previous_;
  std::unordered_set<const std::vector<size_t>*> seen_;  // keys the scan has reached
};

Result<int> RequireColumn(const Table& labels, const Column& wanted, std::string_view why) {
  const int index = labels.ColumnIndex(wanted.name);
  if (index < 0) {
    return Status::InvalidArgument("the labels have no column '" + wanted.name + "' (" +
                                   std::string(why) + ")");
  }
  if (labels.columns[index].type != wanted.type) {
    return Status::InvalidArgument("label column '" + wanted.name + "' is " +
                                   std::string(ValueTypeName(labels.columns[index].type)) +
                                   ", but " + std::string(why) + " needs " +
                                   std::string(ValueTypeName(wanted.type)));
  }
  return index;
}

}  // namespace

int Table::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Result<TrainingSet> BuildTrainingSet(OfflineStore& store, const Table& labels,
                                     const TrainingSetOptions& options) {
  RTML_ASSIGN_OR_RETURN(
      const int time_index,
      RequireColumn(labels, {options.time_column, ValueType::kInt64}, "the label time"));
  for (size_t i = 0; i < labels.rows.size(); ++i) {
    if (!std::holds_alternative<int64_t>(labels.rows[i][time_index])) {
      return Status::InvalidArgument("label row " + std::to_string(i + 1) + " has no time in '" +
                                     options.time_column + "'");
    }
  }
  TrainingSet out;
  out.table.columns = labels.columns;
  std::set<std::string> names;
  for (const Column& column : labels.columns) names.insert(column.name);
  std::vector<std::vector<int>> key_indices;
  std::vector<size_t> time_columns;  // each group's "<group>__<event_time>"
  for (const FeatureGroup& group : options.groups) {
    std::vector<int>& indices = key_indices.emplace_back();
    for (const Column& key : group.key) {
      RTML_ASSIGN_OR_RETURN(
          int index, RequireColumn(labels, key, "the key of feature group " + group.Label()));
      indices.push_back(index);
    }
    time_columns.push_back(out.table.columns.size());
    std::vector<Column> added{{group.name + "__" + group.event_time, ValueType::kInt64}};
    added.insert(added.end(), group.features.begin(), group.features.end());
    for (const Column& column : added) {
      if (!names.insert(column.name).second) {
        return Status::InvalidArgument("column '" + column.name + "' of feature group " +
                                       group.Label() +
                                       " is also a label column or a feature of another group");
      }
      out.table.columns.push_back(column);
    }
  }
  out.table.rows.reserve(labels.rows.size());
  for (const std::vector<Value>& label : labels.rows) {
    std::vector<Value>& row = out.table.rows.emplace_back(out.table.columns.size());
    std::copy(label.begin(), label.end(), row.begin());
  }
  size_t first_output = labels.columns.size();
  for (size_t g = 0; g < options.groups.size(); ++g) {
    const FeatureGroup& group = options.groups[g];
    AsOfJoin join(group, labels, time_index, key_indices[g], first_output, out);
    RTML_RETURN_IF_ERROR(store.Scan(group, join.NeededRange(),
                                    [&](FeatureRow&& row) { return join.Visit(std::move(row)); }));
    join.Finish();
    first_output += 1 + group.features.size();
  }
  if (options.drop_incomplete) {
    std::erase_if(out.table.rows, [&](const std::vector<Value>& row) {
      return std::any_of(time_columns.begin(), time_columns.end(),
                         [&](size_t c) { return std::holds_alternative<std::monostate>(row[c]); });
    });
  }
  return out;
}

Result<Table> LabelsFromGroup(OfflineStore& store, const FeatureGroup& group, TimeRange range) {
  Table labels;
  labels.columns = group.key;
  labels.columns.push_back({"ts_ms", ValueType::kInt64});
  RTML_RETURN_IF_ERROR(store.Scan(group, range, [&](FeatureRow&& row) {
    std::vector<Value> label(row.key.size() + 1);
    std::move(row.key.begin(), row.key.end(), label.begin());
    label.back().emplace<int64_t>(row.event_time_ms);
    labels.rows.push_back(std::move(label));
    return Status::Ok();
  }));
  return labels;
}

}  // namespace rtml::features
