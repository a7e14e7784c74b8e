// FeatureGroup: names, validation, compatibility and the JSON form (feature_group.h).
#include "rtml/features/feature_group.h"

#include <set>

#include <simdjson.h>

#include "rtml/core/json_writer.h"

namespace rtml::features {
namespace {

constexpr size_t kMaxNameLength = 48;

bool IsIdentifier(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  for (char c : name) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

Status CheckName(std::string_view what, std::string_view name) {
  if (IsIdentifier(name)) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + " '" + std::string(name) +
                                 "' is not a name: use [a-z_][a-z0-9_]*, at most 48 characters");
}

void AppendColumns(std::string& out, std::string_view field, const std::vector<Column>& columns) {
  out += ",\"";
  out += field;
  out += "\":[";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"name\":";
    json::AppendString(out, columns[i].name);
    out += ",\"type\":";
    json::AppendString(out, ValueTypeName(columns[i].type));
    out += '}';
  }
  out += ']';
}

Status BadSchema(std::string_view problem) {
  return Status::Corruption("feature group schema JSON: " + std::string(problem));
}

Result<std::vector<Column>> ReadColumns(simdjson::dom::object object, const char* field) {
  simdjson::dom::array array;
  if (object[field].get_array().get(array) != simdjson::SUCCESS) {
    return BadSchema(std::string("'") + field + "' is not an array");
  }
  std::vector<Column> columns;
  for (simdjson::dom::element element : array) {
    std::string_view name;
    std::string_view type;
    if (element["name"].get_string().get(name) != simdjson::SUCCESS ||
        element["type"].get_string().get(type) != simdjson::SUCCESS) {
      return BadSchema(std::string("a column of '") + field + "' lacks its name or type");
    }
    RTML_ASSIGN_OR_RETURN(ValueType value_type, ParseValueType(type));
    columns.push_back({std::string(name), value_type});
  }
  return columns;
}

}  // namespace

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kInt64:
      return "int64";
    case ValueType::kDouble:
      return "double";
    case ValueType::kString:
      return "string";
  }
  return "?";
}

Result<ValueType> ParseValueType(std::string_view name) {
  if (name == "int64") return ValueType::kInt64;
  if (name == "double") return ValueType::kDouble;
  if (name == "string") return ValueType::kString;
  return Status::InvalidArgument("unknown type '" + std::string(name) +
                                 "' (known: int64, double, string)");
}

std::string FeatureGroup::StorageName() const { return name + "__v" + std::to_string(version); }

std::string FeatureGroup::Label() const { return name + " v" + std::to_string(version); }

Status ValidateFeatureGroup(const FeatureGroup& group) {
  RTML_RETURN_IF_ERROR(CheckName("feature group", group.name));
  if (group.version < 1) {
    return Status::InvalidArgument("feature group " + group.name + ": version must be 1 or more");
  }
  const auto context = "feature group " + group.Label();
  if (group.key.empty()) {
    return Status::InvalidArgument(context + ": the key needs at least one column");
  }
  if (group.ttl_ms < 0) return Status::InvalidArgument(context + ": the TTL is negative");
  std::set<std::string_view> seen;
  const auto check_column = [&](std::string_view what, std::string_view name) {
    RTML_RETURN_IF_ERROR(CheckName(what, name).WithContext(context));
    if (!seen.insert(name).second) {
      return Status::InvalidArgument(context + ": column '" + std::string(name) +
                                     "' is declared twice");
    }
    return Status::Ok();
  };
  for (const Column& column : group.key)
    RTML_RETURN_IF_ERROR(check_column("key column", column.name));
  RTML_RETURN_IF_ERROR(check_column("event time column", group.event_time));
  for (const Column& column : group.features) {
    RTML_RETURN_IF_ERROR(check_column("feature column", column.name));
  }
  return Status::Ok();
}

Status CheckBackwardCompatible(const FeatureGroup& stored, const FeatureGroup& declared) {
  const auto refuse = [&](const std::string& difference) {
    return Status::InvalidArgument("feature group " + declared.Label() + " changed: " + difference +
                                   ". Rows already stored would not read back; declare version " +
                                   std::to_string(declared.version + 1) +
                                   " instead (the old version stays readable)");
  };
  if (stored.key != declared.key) return refuse("its key columns differ from the stored ones");
  if (stored.event_time != declared.event_time) {
    return refuse("its event time was '" + stored.event_time + "', now '" + declared.event_time +
                  "'");
  }
  for (const Column& old_column : stored.features) {
    bool kept = false;
    for (const Column& column : declared.features) {
      if (column.name != old_column.name) continue;
      if (column.type != old_column.type) {
        return refuse("feature '" + column.name + "' was " +
                      std::string(ValueTypeName(old_column.type)) + ", now " +
                      std::string(ValueTypeName(column.type)));
      }
      kept = true;
    }
    if (!kept) return refuse("feature '" + old_column.name + "' was removed");
  }
  return Status::Ok();
}

std::string FeatureGroupToJson(const FeatureGroup& group) {
  std::string out = "{\"name\":";
  json::AppendString(out, group.name);
  out += ",\"version\":";
  json::AppendInt(out, group.version);
  AppendColumns(out, "key", group.key);
  out += ",\"event_time\":";
  json::AppendString(out, group.event_time);
  AppendColumns(out, "features", group.features);
  out += ",\"ttl_ms\":";
  json::AppendInt(out, group.ttl_ms);
  out += '}';
  return out;
}

Result<FeatureGroup> FeatureGroupFromJson(std::string_view json) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::dom::object object;
  if (parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) {
    return BadSchema("not a JSON object");
  }
  FeatureGroup group;
  std::string_view text;
  int64_t version = 0;
  if (object["name"].get_string().get(text) != simdjson::SUCCESS) return BadSchema("no name");
  group.name.assign(text);
  if (object["version"].get_int64().get(version) != simdjson::SUCCESS) {
    return BadSchema("no version");
  }
  group.version = static_cast<int32_t>(version);
  RTML_ASSIGN_OR_RETURN(group.key, ReadColumns(object, "key"));
  if (object["event_time"].get_string().get(text) != simdjson::SUCCESS) {
    return BadSchema("no event_time");
  }
  group.event_time.assign(text);
  RTML_ASSIGN_OR_RETURN(group.features, ReadColumns(object, "features"));
  if (object["ttl_ms"].get_int64().get(group.ttl_ms) != simdjson::SUCCESS) {
    return BadSchema("no ttl_ms");
  }
  RTML_RETURN_IF_ERROR(ValidateFeatureGroup(group));
  return group;
}

}  // namespace rtml::features
