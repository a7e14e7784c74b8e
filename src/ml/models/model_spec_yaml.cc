// ParseModelSpec (model_spec.h): YAML or JSON text to a ModelSpec.
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <set>

#include "rtml/ml/model_spec.h"

namespace rtml::ml {
namespace {

std::optional<double> AsNumber(const std::string& text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<ModelSpec> ParseModelSpec(std::string_view text, std::string_view origin) {
  const std::string where(origin);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(where + ": not YAML or JSON: " + e.what());
  }
  if (!root.IsMap()) return Status::InvalidArgument(where + ": expected a mapping with a type");
  ModelSpec spec;
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (key == "type") {
      if (!value.IsScalar()) return Status::InvalidArgument(where + ": type: expected a name");
      spec.type = value.Scalar();
    } else if (key == "features") {
      if (!value.IsSequence()) {
        return Status::InvalidArgument(where + ": features: expected a list, e.g. [close, rsi_14]");
      }
      std::set<std::string> seen;
      for (const auto& item : value) {
        if (!item.IsScalar() || !seen.insert(item.Scalar()).second) {
          return Status::InvalidArgument(where + ": features: each must be a name, once");
        }
        spec.features.push_back(item.Scalar());
      }
    } else if (key == "params") {
      if (!value.IsMap()) return Status::InvalidArgument(where + ": params: expected a mapping");
      for (const auto& param : value) {
        const std::string name = param.first.as<std::string>();
        if (!param.second.IsScalar()) {
          return Status::InvalidArgument(where + ": params." + name + ": expected a value");
        }
        if (const std::optional<double> number = AsNumber(param.second.Scalar())) {
          spec.params[name] = *number;
        } else {
          spec.text_params[name] = param.second.Scalar();
        }
      }
    } else {
      return Status::InvalidArgument(where + ": " + key +
                                     ": unknown setting (a spec has type, features, params)");
    }
  }
  if (spec.type.empty()) {
    return Status::InvalidArgument(where + ": type: name the model type (" + ModelTypes() + ")");
  }
  return spec;
}

}  // namespace rtml::ml
