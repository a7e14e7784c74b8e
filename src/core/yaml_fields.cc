#include "rtml/core/yaml_fields.h"

#include <charconv>

#include "rtml/core/duration.h"

namespace rtml {

Result<YAML::Node> LoadYamlMapping(std::string_view text, const std::string& where) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(where + ": not YAML: " + e.what());
  }
  if (!root.IsMap()) return Status::InvalidArgument(where + ": expected a mapping");
  return root;
}

std::string YamlFields::PathOf(std::string_view key) const {
  return path_ + (path_.ends_with(':') ? " " : ".") + std::string(key);
}

Status YamlFields::Error(std::string_view key, std::string_view problem) const {
  return Status::InvalidArgument(PathOf(key) + ": " + std::string(problem));
}

Result<std::string> YamlFields::String(const std::string& key, std::string fallback) {
  used_.insert(key);
  const YAML::Node value = node_[key];
  if (!value) return fallback;
  if (!value.IsScalar()) return Error(key, "expected a string");
  return value.Scalar();
}

Result<int64_t> YamlFields::DurationMs(const std::string& key, int64_t fallback) {
  RTML_ASSIGN_OR_RETURN(const std::string text, String(key, ""));
  if (text.empty()) return fallback;
  Result<int64_t> ms = ParseDurationMs(text);
  if (!ms.ok()) return Error(key, ms.status().message());
  return *ms;
}

Result<bool> YamlFields::Bool(const std::string& key, bool fallback) {
  RTML_ASSIGN_OR_RETURN(const std::string text, String(key, fallback ? "true" : "false"));
  if (text == "true") return true;
  if (text == "false") return false;
  return Error(key, "expected true or false, not '" + text + "'");
}

Result<double> YamlFields::Number(const std::string& key, double fallback, double min, double max) {
  RTML_ASSIGN_OR_RETURN(const std::string text, String(key, ""));
  if (text.empty()) return fallback;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Error(key, "expected a number, not '" + text + "'");
  }
  if (!(value >= min && value <= max)) {
    return Error(key,
                 text + " is outside [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return value;
}

Result<int64_t> YamlFields::Integer(const std::string& key, int64_t fallback, int64_t min,
                                    int64_t max) {
  RTML_ASSIGN_OR_RETURN(const std::string text, String(key, ""));
  if (text.empty()) return fallback;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Error(key, "expected an integer, not '" + text + "'");
  }
  if (value < min || value > max) {
    return Error(key,
                 text + " is outside [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return value;
}

YAML::Node YamlFields::Node(const std::string& key) {
  used_.insert(key);
  return node_[key];
}

Result<std::vector<std::string>> YamlFields::List(const std::string& key,
                                                  std::vector<std::string> fallback) {
  used_.insert(key);
  const YAML::Node value = node_[key];
  if (!value) return fallback;
  if (!value.IsSequence()) return Error(key, "expected a list, e.g. [a, b]");
  std::vector<std::string> items;
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].IsScalar()) return Error(key + "[" + std::to_string(i) + "]", "expected a value");
    items.push_back(value[i].Scalar());
  }
  return items;
}

Status YamlFields::NoOthers() const {
  for (const auto& entry : node_) {
    const std::string key = entry.first.as<std::string>();
    if (!used_.contains(key)) return Error(key, "unknown setting");
  }
  return Status::Ok();
}

}  // namespace rtml
