// The PostgreSQL offline store ("postgresql://USER@HOST:PORT/DB", any libpq URI;
// postgres:// too), for scale: what OfflineStore promises, on a server shared by
// many processes. Group versions are tables named FeatureGroup::StorageName() and
// schemas live in rtml_feature_groups (sql/sql_statements.h). Values travel in
// binary, so doubles come back bit for bit. After a lost connection the failing
// call returns Unavailable and the next call reconnects.
#pragma once

#include <memory>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/features/offline_store.h"

namespace rtml::features {

// InvalidArgument for a malformed URI; Unavailable naming the URI (without its
// password) when the server cannot be reached.
Result<std::unique_ptr<OfflineStore>> OpenPostgresOfflineStore(std::string_view uri);

}  // namespace rtml::features
