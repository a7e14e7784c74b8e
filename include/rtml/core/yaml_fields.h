// YamlFields: reads one mapping of a YAML config, remembering which keys were used,
// so that a misspelt key is an error instead of a silently ignored setting. Every
// error names its place: "train.yaml: search.trials: expected an integer".
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"

namespace rtml {

// Parses `text` as YAML whose top is a mapping; InvalidArgument starting with `where`
// otherwise ("train.yaml: not YAML: ...", "train.yaml: expected a mapping").
Result<YAML::Node> LoadYamlMapping(std::string_view text, const std::string& where);

class YamlFields {
 public:
  // `path` is the mapping's place: "file.yaml:" at the top, then "file.yaml: data".
  YamlFields(const YAML::Node& node, std::string path) : node_(node), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  // The place of `key` inside this mapping, for a nested YamlFields.
  std::string PathOf(std::string_view key) const;
  // "<path>.<key>: <problem>"; at the top level (path "file:") "file: key: problem".
  Status Error(std::string_view key, std::string_view problem) const;

  bool Has(const std::string& key) const { return static_cast<bool>(node_[key]); }
  Result<std::string> String(const std::string& key, std::string fallback);
  Result<int64_t> DurationMs(const std::string& key, int64_t fallback);
  Result<bool> Bool(const std::string& key, bool fallback);
  // A number in [min, max].
  Result<double> Number(const std::string& key, double fallback, double min, double max);
  Result<int64_t> Integer(const std::string& key, int64_t fallback, int64_t min, int64_t max);
  // The raw value (for nested structures).
  YAML::Node Node(const std::string& key);
  // A list of scalars; `fallback` when absent.
  Result<std::vector<std::string>> List(const std::string& key, std::vector<std::string> fallback);

  // InvalidArgument naming the first key that no reader asked for.
  Status NoOthers() const;

 private:
  const YAML::Node node_;
  const std::string path_;
  std::set<std::string> used_;
};

}  // namespace rtml
