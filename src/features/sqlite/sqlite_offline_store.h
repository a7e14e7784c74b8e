// The embedded offline store: one SQLite file ("sqlite://PATH"), a table per group
// version (sql/sql_statements.h). The file may be read by other processes while one
// writes (WAL).
#pragma once

#include <memory>
#include <string>

#include "rtml/core/result.h"
#include "rtml/features/offline_store.h"

namespace rtml::features {

// Opens or creates the store at `path` (and its directory).
Result<std::unique_ptr<OfflineStore>> OpenSqliteOfflineStore(const std::string& path);

}  // namespace rtml::features
