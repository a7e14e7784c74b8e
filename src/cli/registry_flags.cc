#include "registry_flags.h"

#include <cstdlib>

namespace rtml::cli {

void AddRegistryFlags(FlagSet& flags) {
  flags.Value("registry", "DIR",
              "the model registry's directory (default: $RTML_REGISTRY, else rtml-data/models)");
}

std::string RegistryDirFromFlags(const ParsedFlags& flags) {
  std::string dir(flags.Get("registry").value_or(""));
  if (dir.empty()) {
    const char* env = std::getenv("RTML_REGISTRY");
    dir = env != nullptr && *env != '\0' ? env : "rtml-data/models";
  }
  return dir;
}

Result<std::unique_ptr<ml::ModelRegistry>> OpenRegistryFromFlags(const ParsedFlags& flags) {
  return ml::ModelRegistry::Open(RegistryDirFromFlags(flags));
}

}  // namespace rtml::cli
