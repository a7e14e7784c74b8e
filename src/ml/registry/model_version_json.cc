// ModelVersionToJson and ModelVersionFromJson (model_registry.h): the metadata as the
// registry database and export bundles store it.
#include <cmath>
#include <limits>

#include <simdjson.h>

#include "rtml/core/json_writer.h"
#include "rtml/ml/model_registry.h"

namespace rtml::ml {
namespace {

void Key(std::string& out, std::string_view key) {
  if (out.size() > 1) out += ',';
  json::AppendString(out, key);
  out += ':';
}

void StringField(std::string& out, std::string_view key, std::string_view value) {
  Key(out, key);
  json::AppendString(out, value);
}

void IntField(std::string& out, std::string_view key, int64_t value) {
  Key(out, key);
  json::AppendInt(out, value);
}

void StringList(std::string& out, std::string_view key, const std::vector<std::string>& values) {
  Key(out, key);
  out += '[';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    json::AppendString(out, values[i]);
  }
  out += ']';
}

Status Bad(std::string_view field, std::string_view what) {
  return Status::Corruption("model metadata: '" + std::string(field) + "' " + std::string(what));
}

// Reads `object[field]` into `out` if it is there; Corruption if it holds another type.
Status ReadString(simdjson::dom::object object, std::string_view field, std::string& out) {
  simdjson::dom::element element;
  if (object[field].get(element) != simdjson::SUCCESS) return Status::Ok();
  std::string_view text;
  if (element.get_string().get(text) != simdjson::SUCCESS) return Bad(field, "is not a string");
  out.assign(text);
  return Status::Ok();
}

template <typename Int>
Status ReadInt(simdjson::dom::object object, std::string_view field, Int& out) {
  simdjson::dom::element element;
  if (object[field].get(element) != simdjson::SUCCESS) return Status::Ok();
  int64_t value = 0;
  if (element.get_int64().get(value) != simdjson::SUCCESS ||
      value < std::numeric_limits<Int>::min() || value > std::numeric_limits<Int>::max()) {
    return Bad(field, "is not an integer in range");
  }
  out = static_cast<Int>(value);
  return Status::Ok();
}

// A number, or null for NaN (what AppendDouble writes for a non-finite value).
Result<double> NumberOf(simdjson::dom::element element, std::string_view field) {
  if (element.is_null()) return std::numeric_limits<double>::quiet_NaN();
  double value = 0;
  if (element.get_double().get(value) != simdjson::SUCCESS) return Bad(field, "is not a number");
  return value;
}

Status ReadStringList(simdjson::dom::object object, std::string_view field,
                      std::vector<std::string>& out) {
  simdjson::dom::element element;
  if (object[field].get(element) != simdjson::SUCCESS) return Status::Ok();
  simdjson::dom::array array;
  if (element.get_array().get(array) != simdjson::SUCCESS) return Bad(field, "is not a list");
  for (simdjson::dom::element item : array) {
    std::string_view text;
    if (item.get_string().get(text) != simdjson::SUCCESS) {
      return Bad(field, "holds something other than strings");
    }
    out.emplace_back(text);
  }
  return Status::Ok();
}

}  // namespace

std::string ModelVersionToJson(const ModelVersion& version,
                               const std::vector<std::string>& aliases) {
  std::string out = "{";
  StringField(out, "name", version.name);
  IntField(out, "version", version.version);
  StringField(out, "type", version.type);
  StringField(out, "task", version.task);
  StringList(out, "features", version.features);
  StringField(out, "feature_group", version.feature_group);
  IntField(out, "feature_group_version", version.feature_group_version);
  StringField(out, "source", version.source);
  StringField(out, "target", version.target);
  StringField(out, "reference_feature", version.reference_feature);
  Key(out, "params");
  out += '{';
  for (const auto& [name, value] : version.params) {
    if (out.back() != '{') out += ',';
    json::AppendString(out, name);
    out += ':';
    json::AppendString(out, value);
  }
  out += '}';
  Key(out, "metrics");
  out += '{';
  for (const auto& [name, value] : version.metrics) {
    if (out.back() != '{') out += ',';
    json::AppendString(out, name);
    out += ':';
    json::AppendDouble(out, value);
  }
  out += '}';
  IntField(out, "data_from_ms", version.data_from_ms);
  IntField(out, "data_to_ms", version.data_to_ms);
  IntField(out, "created_ms", version.created_ms);
  Key(out, "training_seconds");
  json::AppendDouble(out, version.training_seconds);
  StringField(out, "artifact_checksum", version.artifact_checksum);
  if (!aliases.empty()) StringList(out, "aliases", aliases);
  out += '}';
  return out;
}

Result<ModelVersion> ModelVersionFromJson(std::string_view json) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::dom::object object;
  if (parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) {
    return Status::Corruption("model metadata is not a JSON object");
  }
  ModelVersion version;
  RTML_RETURN_IF_ERROR(ReadString(object, "name", version.name));
  RTML_RETURN_IF_ERROR(ReadInt(object, "version", version.version));
  RTML_RETURN_IF_ERROR(ReadString(object, "type", version.type));
  RTML_RETURN_IF_ERROR(ReadString(object, "task", version.task));
  RTML_RETURN_IF_ERROR(ReadStringList(object, "features", version.features));
  RTML_RETURN_IF_ERROR(ReadString(object, "feature_group", version.feature_group));
  RTML_RETURN_IF_ERROR(ReadInt(object, "feature_group_version", version.feature_group_version));
  RTML_RETURN_IF_ERROR(ReadString(object, "source", version.source));
  RTML_RETURN_IF_ERROR(ReadString(object, "target", version.target));
  RTML_RETURN_IF_ERROR(ReadString(object, "reference_feature", version.reference_feature));
  simdjson::dom::object map;
  if (object["params"].get_object().get(map) == simdjson::SUCCESS) {
    for (auto [key, value] : map) {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) {
        return Bad("params." + std::string(key), "is not a string");
      }
      version.params.emplace(std::string(key), std::string(text));
    }
  } else if (object["params"].error() != simdjson::NO_SUCH_FIELD) {
    return Bad("params", "is not an object");
  }
  if (object["metrics"].get_object().get(map) == simdjson::SUCCESS) {
    for (auto [key, value] : map) {
      const std::string field = "metrics." + std::string(key);
      RTML_ASSIGN_OR_RETURN(const double number, NumberOf(value, field));
      version.metrics.emplace(std::string(key), number);
    }
  } else if (object["metrics"].error() != simdjson::NO_SUCH_FIELD) {
    return Bad("metrics", "is not an object");
  }
  RTML_RETURN_IF_ERROR(ReadInt(object, "data_from_ms", version.data_from_ms));
  RTML_RETURN_IF_ERROR(ReadInt(object, "data_to_ms", version.data_to_ms));
  RTML_RETURN_IF_ERROR(ReadInt(object, "created_ms", version.created_ms));
  simdjson::dom::element seconds;
  if (object["training_seconds"].get(seconds) == simdjson::SUCCESS) {
    RTML_ASSIGN_OR_RETURN(version.training_seconds, NumberOf(seconds, "training_seconds"));
  }
  RTML_RETURN_IF_ERROR(ReadString(object, "artifact_checksum", version.artifact_checksum));
  return version;
}

}  // namespace rtml::ml
