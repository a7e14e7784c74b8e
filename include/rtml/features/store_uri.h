// Opening stores by URI:
//   offline:  sqlite://PATH                     (default: the data directory)
//             postgresql://USER@HOST:PORT/DB     (any libpq URI; postgres:// too)
//   online:   embedded://PATH                    (in-process, persisted at PATH)
//             redis://HOST:PORT[/DB]
// A malformed or unknown URI is InvalidArgument naming the forms above; a server
// that cannot be reached at start is Unavailable naming the URI (without password).
#pragma once

#include <memory>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/features/offline_store.h"
#include "rtml/features/online_store.h"

namespace rtml::features {

Result<std::unique_ptr<OfflineStore>> OpenOfflineStore(std::string_view uri);
Result<std::unique_ptr<OnlineStore>> OpenOnlineStore(std::string_view uri);

}  // namespace rtml::features
