// The embedded model registry: metadata in DIR/registry.db (SQLite, WAL, shared by
// processes), artifacts in DIR/artifacts/NAME/VERSION.model. See docs/models.md.
#pragma once

#include <memory>
#include <string>

#include "rtml/ml/model_registry.h"

namespace rtml::ml::registry {

Result<std::unique_ptr<ModelRegistry>> OpenSqliteModelRegistry(const std::string& dir);

}  // namespace rtml::ml::registry
