// The flags of every command that opens the feature store, and opening it.
//
//   --store DIR      the embedded stores' directory (default: $RTML_STORE, else
//                    rtml-data/features): DIR/offline.db and DIR/online.db
//   --offline URI    sqlite://PATH or postgresql://... (default: in --store)
//   --online URI     embedded://PATH or redis://HOST:PORT[/DB] (default: in --store)
#pragma once

#include <memory>
#include <string>

#include "flags.h"
#include "rtml/core/result.h"
#include "rtml/features/feature_store.h"

namespace rtml::cli {

void AddStoreFlags(FlagSet& flags);

struct StoreUris {
  std::string offline;
  std::string online;
};

// The URIs the flags ask for; a stage's own URIs (non-empty) come before the flags.
StoreUris StoreUrisFromFlags(const ParsedFlags& flags, const std::string& offline_override = "",
                             const std::string& online_override = "");

// Opens both stores; an error names the URI that failed.
Result<std::unique_ptr<features::FeatureStore>> OpenStore(const StoreUris& uris);

}  // namespace rtml::cli
