// FeatureGroup: a named, versioned table of features - typed columns, a primary key
// and an event-time column - as Feast and Hopsworks users know it. The market flow's
// group is the features stage's record keyed by (pair, candle_seconds) at the
// candle's close (window_end_ms: the time its values became known).
//
// A group's version is its schema's identity. A later declaration of the same name
// and version may only add feature columns (old rows read them as null); any other
// change (a column removed or retyped, another key or event time) needs a new
// version, and every version keeps its own rows, so old versions stay readable.
// Value type; thread-safe to read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::features {

enum class ValueType { kInt64, kDouble, kString };

std::string_view ValueTypeName(ValueType type);  // "int64", "double", "string"
// InvalidArgument naming the known types for anything else.
Result<ValueType> ParseValueType(std::string_view name);

struct Column {
  std::string name;
  ValueType type = ValueType::kDouble;

  friend bool operator==(const Column&, const Column&) = default;
};

struct FeatureGroup {
  std::string name;
  int32_t version = 1;
  std::vector<Column> key;       // the primary key, in order (with the event time)
  std::string event_time;        // an int64 column of milliseconds since the epoch
  std::vector<Column> features;  // the values; every one may be null
  int64_t ttl_ms = 0;            // rows older than this are not served (0: never)

  // "<name>__v<version>": the table (SQL) or key prefix (Redis) of this version.
  std::string StorageName() const;
  // "<name> v<version>", for messages.
  std::string Label() const;

  friend bool operator==(const FeatureGroup&, const FeatureGroup&) = default;
};

// Ok, or InvalidArgument saying what is wrong: a name or column that is not
// [a-z_][a-z0-9_]* (at most 48 characters), a version below 1, no key column, a
// column named twice, a negative TTL.
Status ValidateFeatureGroup(const FeatureGroup& group);

// Whether rows stored under `stored` stay readable as `declared` (same name and
// version): the same key and event time, and every stored feature column still there
// with its type. Otherwise InvalidArgument naming the first difference and asking
// for a new version.
Status CheckBackwardCompatible(const FeatureGroup& stored, const FeatureGroup& declared);

// The schema as one JSON object (how stores keep it), and back.
//   {"name":"market","version":1,"key":[{"name":"pair","type":"string"},...],
//    "event_time":"window_end_ms","features":[...],"ttl_ms":600000}
std::string FeatureGroupToJson(const FeatureGroup& group);
Result<FeatureGroup> FeatureGroupFromJson(std::string_view json);

}  // namespace rtml::features
