// The flag of every command that opens the model registry, and opening it.
//
//   --registry DIR   the embedded registry's directory (default: $RTML_REGISTRY, else
//                    rtml-data/models)
#pragma once

#include <memory>
#include <string>

#include "flags.h"
#include "rtml/core/result.h"
#include "rtml/ml/model_registry.h"

namespace rtml::cli {

void AddRegistryFlags(FlagSet& flags);

// The directory the flags (or $RTML_REGISTRY) name.
std::string RegistryDirFromFlags(const ParsedFlags& flags);

Result<std::unique_ptr<ml::ModelRegistry>> OpenRegistryFromFlags(const ParsedFlags& flags);

}  // namespace rtml::cli
