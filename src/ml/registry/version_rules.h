// The rules every registry backend applies: what model names, aliases and version
// texts are accepted, and checking a version's metadata against its artifact.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ml/model_registry.h"

namespace rtml::ml::registry {

// CheckModelName (the names' rule) is public: model_registry.h.

// [a-z][a-z0-9_-]*, at most 64 characters, and not "latest".
Status CheckAlias(std::string_view alias);

// What Find's second argument names.
struct VersionSpec {
  enum class Kind { kNumber, kLatest, kAlias };
  Kind kind = Kind::kLatest;
  int64_t number = 0;  // kNumber
  std::string alias;   // kAlias
};
// "3", "latest" or an alias; InvalidArgument for anything else.
Result<VersionSpec> ParseVersionSpec(std::string_view text);

// The artifact checksum as Register records it: crc32c, 8 lowercase hex digits.
std::string ArtifactChecksum(std::string_view artifact);

// Loads `artifact` and checks `version` against it, filling an empty type, task or
// feature list from it (see ModelRegistry::Register for the errors).
Status CompleteFromArtifact(ModelVersion& version, std::string_view artifact);

// "[a, b, c]", with at most `max` names and "..." for the rest.
std::string NameList(const std::vector<std::string>& names, size_t max = 8);

}  // namespace rtml::ml::registry
