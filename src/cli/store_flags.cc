#include "store_flags.h"

#include <cstdlib>

namespace rtml::cli {

void AddStoreFlags(FlagSet& flags) {
  flags.Value("store", "DIR",
              "the embedded feature store's directory (default: $RTML_STORE, else "
              "rtml-data/features)");
  flags.Value("offline", "URI",
              "offline store: sqlite://PATH or postgresql://USER@HOST:PORT/DB (default: "
              "sqlite in --store)");
  flags.Value("online", "URI",
              "online store: embedded://PATH or redis://HOST:PORT[/DB] (default: embedded in "
              "--store)");
}

StoreUris StoreUrisFromFlags(const ParsedFlags& flags, const std::string& offline_override,
                             const std::string& online_override) {
  std::string dir(flags.Get("store").value_or(""));
  if (dir.empty()) {
    const char* env = std::getenv("RTML_STORE");
    dir = env != nullptr && *env != '\0' ? env : "rtml-data/features";
  }
  StoreUris uris{features::DefaultOfflineUri(dir), features::DefaultOnlineUri(dir)};
  if (!offline_override.empty()) {
    uris.offline = offline_override;
  } else if (const auto offline = flags.Get("offline")) {
    uris.offline = std::string(*offline);
  }
  if (!online_override.empty()) {
    uris.online = online_override;
  } else if (const auto online = flags.Get("online")) {
    uris.online = std::string(*online);
  }
  return uris;
}

Result<std::unique_ptr<features::FeatureStore>> OpenStore(const StoreUris& uris) {
  return features::FeatureStore::Open(uris.offline, uris.online);
}

}  // namespace rtml::cli
