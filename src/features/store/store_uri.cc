// Opening stores by URI (store_uri.h): the scheme picks the backend.
#include "rtml/features/store_uri.h"

#include <string>

#include "embedded/embedded_online_store.h"
#include "postgres/postgres_offline_store.h"
#include "redis/redis_online_store.h"
#include "sqlite/sqlite_offline_store.h"

namespace rtml::features {
namespace {

constexpr std::string_view kOfflineForms =
    "an offline store URI is sqlite://PATH or postgresql://USER@HOST:PORT/DB";
constexpr std::string_view kOnlineForms =
    "an online store URI is embedded://PATH or redis://HOST:PORT[/DB]";

// The part after "scheme://" when `uri` has that scheme.
std::optional<std::string_view> After(std::string_view uri, std::string_view scheme) {
  if (uri.substr(0, scheme.size()) != scheme) return std::nullopt;
  return uri.substr(scheme.size());
}

Status BadUri(std::string_view uri, std::string_view forms) {
  return Status::InvalidArgument("'" + std::string(uri) + "': " + std::string(forms));
}

}  // namespace

Result<std::unique_ptr<OfflineStore>> OpenOfflineStore(std::string_view uri) {
  if (const auto path = After(uri, "sqlite://")) {
    if (path->empty()) return BadUri(uri, kOfflineForms);
    return OpenSqliteOfflineStore(std::string(*path));
  }
  if (After(uri, "postgresql://") || After(uri, "postgres://")) {
    return OpenPostgresOfflineStore(uri);
  }
  return BadUri(uri, kOfflineForms);
}

Result<std::unique_ptr<OnlineStore>> OpenOnlineStore(std::string_view uri) {
  if (const auto path = After(uri, "embedded://")) {
    if (path->empty()) return BadUri(uri, kOnlineForms);
    return OpenEmbeddedOnlineStore(std::string(*path));
  }
  if (After(uri, "redis://")) return OpenRedisOnlineStore(uri);
  return BadUri(uri, kOnlineForms);
}

}  // namespace rtml::features
