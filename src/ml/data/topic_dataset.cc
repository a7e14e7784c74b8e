// ReadTopicDataset (datasources.h): labelled JSON or CSV records of a topic as rows.
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <variant>

#include "rtml/core/csv_row.h"
#include "rtml/ml/datasources.h"
#include "rtml/stream/topic_reader.h"

namespace rtml::ml {
namespace {

// One usable record, before the rows are put in time order.
struct PendingRow {
  int64_t time_ms;
  int32_t partition;
  int64_t offset;
  size_t first;  // its features start at values[first]
  double label;
};

std::optional<double> ParseNumber(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return {};
  return value;
}

// A CSV header record: names the columns, is not a row.
struct HeaderRecord {};
// A record's label, the reason it is unusable, or a header.
using Parsed = std::variant<double, std::string, HeaderRecord>;

// Turns records into feature values and a label, or the reason it cannot.
class RecordParser {
 public:
  explicit RecordParser(const TopicDataOptions& options) : options_(options) {
    features_ = options.features;
    if (options.format == RecordFormat::kCsv && !options.columns.empty()) {
      ready_ = IndexColumns(options.columns);
    }
  }

  const std::vector<std::string>& features() const { return features_; }
  // An error that is not the record's fault (a label that is no column): stops the read.
  const Status& fatal() const { return fatal_; }

  // Appends the record's features to `values` and returns its label, or a reason.
  Parsed Parse(std::string_view text, std::vector<double>& values) {
    return options_.format == RecordFormat::kJson ? ParseJson(text, values)
                                                  : ParseCsv(text, values);
  }

 private:
  Parsed ParseJson(std::string_view text, std::vector<double>& values) {
    simdjson::dom::element root;
    if (parser_.parse(text.data(), text.size()).get(root) || !root.is_object()) {
      return std::string("not a JSON object");
    }
    const simdjson::dom::object object = root.get_object().value_unsafe();
    const Parsed label = LabelOf(object);
    if (!std::holds_alternative<double>(label)) return label;
    if (features_.empty()) {
      // The numeric fields of the first record with a label, in its order.
      for (const auto field : object) {
        if (field.key != options_.label && field.value.is_number()) {
          features_.emplace_back(field.key);
        }
      }
      if (features_.empty()) {
        return std::string("no numeric feature field besides the label '" + options_.label + "'");
      }
    }
    const size_t start = values.size();
    for (const std::string& name : features_) {
      simdjson::dom::element value;
      if (object.at_key(name).get(value)) {
        values.resize(start);
        return "missing feature field '" + name + "'";
      }
      double number = 0;
      if (value.get_double().get(number)) {
        values.resize(start);
        return "feature field '" + name + "' is not a number";
      }
      values.push_back(number);
    }
    return label;
  }

  Parsed LabelOf(const simdjson::dom::object& object) const {
    simdjson::dom::element label;
    if (object.at_key(options_.label).get(label)) {
      return "missing label field '" + options_.label + "'";
    }
    double number = 0;
    if (label.get_double().get(number)) {
      return "label field '" + options_.label + "' is not a number";
    }
    return number;
  }

  Parsed ParseCsv(std::string_view text, std::vector<double>& values) {
    if (!SplitCsvRow(text, &fields_, &unquoted_)) return std::string("not a CSV row");
    if (!ready_) {  // the header
      std::vector<std::string> names(fields_.begin(), fields_.end());
      ready_ = IndexColumns(names);
      return HeaderRecord{};
    }
    if (fields_.size() != columns_) {
      return "expected " + std::to_string(columns_) + " values, found " +
             std::to_string(fields_.size());
    }
    const size_t start = values.size();
    for (size_t i = 0; i < features_.size(); ++i) {
      const std::optional<double> number = ParseNumber(fields_[feature_columns_[i]]);
      if (!number) {
        values.resize(start);
        return "feature '" + features_[i] + "' is not a number: '" +
               std::string(fields_[feature_columns_[i]]) + "'";
      }
      values.push_back(*number);
    }
    const std::optional<double> label = ParseNumber(fields_[label_column_]);
    if (!label) {
      values.resize(start);
      return "label '" + options_.label + "' is not a number: '" +
             std::string(fields_[label_column_]) + "'";
    }
    return *label;
  }

  // Finds the label and the features among the CSV columns.
  bool IndexColumns(const std::vector<std::string>& names) {
    columns_ = names.size();
    auto find = [&](const std::string& name) -> int {
      const auto it = std::find(names.begin(), names.end(), name);
      return it == names.end() ? -1 : static_cast<int>(it - names.begin());
    };
    std::string listed;
    for (const std::string& name : names) listed += (listed.empty() ? "" : ", ") + name;
    label_column_ = find(options_.label);
    if (label_column_ < 0) {
      fatal_ = Status::InvalidArgument("the label '" + options_.label +
                                       "' is not among the CSV columns [" + listed + "]");
      return true;
    }
    if (features_.empty()) {
      for (const std::string& name : names) {
        if (name != options_.label) features_.push_back(name);
      }
    }
    for (const std::string& name : features_) {
      const int column = find(name);
      if (column < 0) {
        fatal_ = Status::InvalidArgument("the feature '" + name +
                                         "' is not among the CSV columns [" + listed + "]");
        return true;
      }
      feature_columns_.push_back(column);
    }
    return true;
  }

  const TopicDataOptions& options_;
  std::vector<std::string> features_;
  Status fatal_;
  simdjson::dom::parser parser_;
  // CSV
  bool ready_ = false;
  size_t columns_ = 0;
  int label_column_ = -1;
  std::vector<int> feature_columns_;
  std::vector<std::string_view> fields_;
  std::vector<std::string> unquoted_;
};

// Why a parsed row still cannot be used, or empty.
std::string CheckRow(std::span<const double> features, const std::vector<std::string>& names,
                     double label, const TopicDataOptions& options) {
  for (size_t i = 0; i < features.size(); ++i) {
    if (!std::isfinite(features[i])) return "feature '" + names[i] + "' is not finite";
  }
  if (!std::isfinite(label)) return "label '" + options.label + "' is not finite";
  if (options.class_labels && (label < 0 || label != std::floor(label) || label > 1000)) {
    return "label '" + options.label + "' is not a class (0, 1, 2, ...)";
  }
  return "";
}

std::string ReasonsText(const ReadCounts& counts) {
  std::string text;
  for (const auto& [reason, count] : counts.reasons) {
    text += (text.empty() ? "" : "; ") + reason + ": " + std::to_string(count);
  }
  return text;
}

}  // namespace

Result<RecordFormat> ParseRecordFormat(std::string_view name) {
  if (name == "json") return RecordFormat::kJson;
  if (name == "csv") return RecordFormat::kCsv;
  return Status::InvalidArgument("format '" + std::string(name) + "' is not json or csv");
}

Result<Dataset> ReadTopicDataset(stream::Broker& broker, const TopicDataOptions& options,
                                 const RejectRecord& reject, ReadCounts* counts) {
  if (options.label.empty()) return Status::InvalidArgument("name the label field (--label)");
  *counts = {};
  RecordParser parser(options);
  std::vector<PendingRow> pending;
  std::vector<double> values;
  const Status read = ReadTopicToEnd(
      broker, options.topic, options.from, [&](const stream::ConsumedRecord& record) -> Status {
        if (record.timestamp_ms >= options.to_ms) return Status::Ok();
        const size_t first = values.size();
        const Parsed parsed = parser.Parse(record.value, values);
        RTML_RETURN_IF_ERROR(parser.fatal());
        if (std::holds_alternative<HeaderRecord>(parsed)) return Status::Ok();
        ++counts->read;
        std::string why;
        if (const auto* reason = std::get_if<std::string>(&parsed)) {
          why = *reason;
        } else {
          why = CheckRow(std::span(values).subspan(first), parser.features(),
                         std::get<double>(parsed), options);
        }
        if (!why.empty()) {
          values.resize(first);
          ++counts->rejected;
          ++counts->reasons[why];
          return reject ? reject(record, why) : Status::Ok();
        }
        pending.push_back({record.timestamp_ms, record.partition, record.offset, first,
                           std::get<double>(parsed)});
        return Status::Ok();
      });
  RTML_RETURN_IF_ERROR(read);
  if (pending.empty()) {
    if (counts->read == 0) {
      return Status::InvalidArgument("topic '" + options.topic + "' holds no records in the range");
    }
    return Status::InvalidArgument("topic '" + options.topic +
                                   "' holds no usable record: " + std::to_string(counts->rejected) +
                                   " rejected (" + ReasonsText(*counts) + ")");
  }
  // Partitions interleave as they are read; rows go in time order.
  std::stable_sort(pending.begin(), pending.end(), [](const PendingRow& a, const PendingRow& b) {
    return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.partition < b.partition;
  });
  Dataset data{.feature_names = parser.features()};
  const size_t width = data.features();
  data.x.reserve(pending.size() * width);
  for (const PendingRow& row : pending) {
    data.Add(std::span(values).subspan(row.first, width), row.label, row.time_ms);
  }
  counts->used = static_cast<int64_t>(data.rows());
  return data;
}

}  // namespace rtml::ml
