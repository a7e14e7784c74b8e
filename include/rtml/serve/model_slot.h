// ModelSlot: the model a predict stage scores with - the version an alias of the
// registry points at (or a pinned version), swapped for the new one when the alias
// moves, and a baseline until the registry has a version. Each prediction says which
// model made it: the slot's current model carries its name and version (the
// baseline's version is 0).
//
// Threads: Refresh and current() from any thread; a model handed out stays valid while
// its holder keeps the shared_ptr, even after a swap.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "rtml/core/result.h"
#include "rtml/ml/model_registry.h"
#include "rtml/ml/model_spec.h"

namespace rtml::serve {

struct ModelSlotOptions {
  std::string name;                  // the registered model
  std::string alias = "production";  // followed unless a version is pinned
  std::optional<int64_t> pinned;     // this version only
  // Serves until the registry has a version (e.g. last_value of close: "the price
  // stays"). Its spec's features are what it reads; it must need no fitting.
  ml::ModelSpec baseline;
};

class ModelSlot {
 public:
  // Starts with the baseline; call Refresh to look at the registry.
  static Result<std::unique_ptr<ModelSlot>> Make(std::shared_ptr<ml::ModelRegistry> registry,
                                                 ModelSlotOptions options);

  // Looks at the registry and loads the version the alias (or pin) names if it is not
  // the current one. True if the model changed. On an error (a damaged artifact, the
  // registry unreachable) the current model stays and the error is returned.
  Result<bool> Refresh();

  std::shared_ptr<const ml::ServingModel> current() const;

 private:
  ModelSlot(std::shared_ptr<ml::ModelRegistry> registry, ModelSlotOptions options,
            std::shared_ptr<const ml::ServingModel> baseline);

  const std::shared_ptr<ml::ModelRegistry> registry_;
  const ModelSlotOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<const ml::ServingModel> current_;
};

}  // namespace rtml::serve
