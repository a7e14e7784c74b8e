// FeatureRow: one row of a feature group - its key values, its event time and its
// feature values, each in the order of the group's columns - and the text forms
// rows take at the boundaries: the key as a path segment ("BTCUSDT|60") and the row
// as a JSON object (a features record, a REST answer, an export line).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/features/feature_group.h"

namespace rtml::features {

// A column's value: null (std::monostate), or one of the three types. A double is
// never NaN: NaN (an indicator warming up) is stored as null.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

struct FeatureRow {
  std::vector<Value> key;  // one per group.key column, never null
  int64_t event_time_ms = 0;
  std::vector<Value> values;  // one per group.features column

  friend bool operator==(const FeatureRow&, const FeatureRow&) = default;
};

// Whether `value` is null or has `type`.
bool ValueHasType(const Value& value, ValueType type);

// The key as text, its values joined by '|' ("BTCUSDT|60"). Doubles use the
// shortest text that reads back as the same number.
std::string KeyText(std::span<const Value> key);
// Parses KeyText's form against the group's key columns. InvalidArgument naming the
// column for a wrong count or a value that is not of its type.
Result<std::vector<Value>> ParseKeyText(const FeatureGroup& group, std::string_view text);

// Ok, or InvalidArgument naming the group, the key and the column when the row has
// another number of key or feature values than the group has columns, a null key
// value, a value of another type than its column, or a '|' in a string key value
// other than the last (its key text would read back as another key). Stores check
// every row they are given, so a row they could not read back is refused.
Status CheckRowShape(const FeatureGroup& group, const FeatureRow& row);

// Appends the row as a JSON object: the key columns, the event time, then every
// feature, by name, in the group's order (null as null).
void AppendRowJson(const FeatureGroup& group, const FeatureRow& row, std::string& out);

// Reads a row of `group` from a JSON object such as a features record. Key columns
// and the event time are required and must have their types (an integral double
// such as 60.0 is accepted for an int64); a missing or null feature is null; a
// non-finite double is null; unknown fields are ignored. InvalidArgument naming the
// field otherwise.
Result<FeatureRow> ParseRowJson(const FeatureGroup& group, std::string_view json);

// ParseRowJson for a stream of records of one group: keeps its JSON parser and its
// map of column names between calls. One thread at a time.
class RowJsonParser {
 public:
  explicit RowJsonParser(FeatureGroup group);
  ~RowJsonParser();
  RowJsonParser(RowJsonParser&&) noexcept;
  RowJsonParser& operator=(RowJsonParser&&) noexcept;

  Result<FeatureRow> Parse(std::string_view json);
  const FeatureGroup& group() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rtml::features
