#include "version_rules.h"

#include <cstdio>

#include "rtml/core/crc32c.h"
#include "rtml/ml/model_spec.h"

namespace rtml::ml {
namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return IsLower(c) || (c >= 'A' && c <= 'Z'); }

}  // namespace

Status CheckModelName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 128 && (IsLetter(name[0]) || IsDigit(name[0]));
  for (const char c : name)
    ok = ok && (IsLetter(c) || IsDigit(c) || c == '.' || c == '_' || c == '-');
  if (ok) return Status::Ok();
  return Status::InvalidArgument("'" + std::string(name) +
                                 "' is not a model name: 1-128 letters, digits, '.', '_' or '-', "
                                 "starting with a letter or digit");
}

namespace registry {

Status CheckAlias(std::string_view alias) {
  bool ok = !alias.empty() && alias.size() <= 64 && IsLower(alias[0]);
  for (const char c : alias) ok = ok && (IsLower(c) || IsDigit(c) || c == '_' || c == '-');
  if (!ok) {
    return Status::InvalidArgument("'" + std::string(alias) +
                                   "' is not an alias: a lowercase letter, then lowercase letters, "
                                   "digits, '_' or '-' (at most 64)");
  }
  if (alias == "latest") {
    return Status::InvalidArgument(
        "'latest' always means the newest version; it cannot be an alias");
  }
  return Status::Ok();
}

Result<VersionSpec> ParseVersionSpec(std::string_view text) {
  VersionSpec spec;
  if (text == "latest") return spec;
  if (!text.empty() && IsDigit(text[0])) {
    int64_t number = 0;
    for (const char c : text) {
      if (!IsDigit(c) || number > (INT64_MAX - 9) / 10) {
        return Status::InvalidArgument("'" + std::string(text) +
                                       "' is not a version number, 'latest' or an alias");
      }
      number = number * 10 + (c - '0');
    }
    if (number == 0) return Status::InvalidArgument("versions start at 1, not 0");
    spec.kind = VersionSpec::Kind::kNumber;
    spec.number = number;
    return spec;
  }
  if (!CheckAlias(text).ok()) {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a version number, 'latest' or an alias");
  }
  spec.kind = VersionSpec::Kind::kAlias;
  spec.alias = std::string(text);
  return spec;
}

std::string ArtifactChecksum(std::string_view artifact) {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(crc32c::Value(artifact)));
  return hex;
}

Status CompleteFromArtifact(ModelVersion& version, std::string_view artifact) {
  RTML_RETURN_IF_ERROR(CheckModelName(version.name));
  Result<std::unique_ptr<Model>> model = LoadModel(artifact);
  if (!model.ok()) {
    return Status::Corruption("the artifact of " + version.name +
                              " is not a saved model: " + model.status().message());
  }
  const std::string type((*model)->type());
  if (version.type.empty()) version.type = type;
  if (version.type != type) {
    return Status::InvalidArgument("metadata says type '" + version.type +
                                   "' but the artifact is a " + type + " model");
  }
  if (version.task.empty())
    version.task = (*model)->classes() > 0 ? "classification" : "regression";
  if (version.task != "regression" && version.task != "classification") {
    return Status::InvalidArgument("task '" + version.task +
                                   "' is neither 'regression' nor 'classification'");
  }
  const std::vector<std::string>& reads = (*model)->feature_names();
  if (version.features.empty()) version.features = reads;
  if (version.features != reads) {
    return Status::InvalidArgument("metadata lists features " + NameList(version.features) +
                                   " but the model reads " + NameList(reads));
  }
  if (!version.reference_feature.empty()) {
    if (version.task != "regression") {
      return Status::InvalidArgument("a reference feature applies to regression models only");
    }
    bool found = false;
    for (const std::string& feature : reads) found = found || feature == version.reference_feature;
    if (!found) {
      return Status::InvalidArgument("reference feature '" + version.reference_feature +
                                     "' is not one of the model's features " + NameList(reads));
    }
  }
  return Status::Ok();
}

std::string NameList(const std::vector<std::string>& names, size_t max) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    if (i == max) {
      out += "... (" + std::to_string(names.size()) + " in all)";
      break;
    }
    out += names[i];
  }
  return out + "]";
}

}  // namespace registry
}  // namespace rtml::ml
