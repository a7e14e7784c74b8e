// OnlineStore: the newest row of every key of a feature group, for live inference.
// Backends: an in-process store persisted in the data directory (the embedded
// default, "embedded://PATH") and Redis ("redis://HOST:PORT[/DB]"); store_uri.h
// opens one by URI.
//
// A row replaces the stored row of its key when its event time is the same (a
// correction) or newer; an older row (late data) leaves it. So the online row of a
// key is the offline store's newest row of that key, whatever order rows come in.
// TTL is applied by the reader (FeatureStore::GetOnline), not by expiring keys, so a
// replayed history stays comparable with the offline store.
//
// Errors: Unavailable when the server cannot be reached (the caller may retry).
// Threads: one thread at a time per store object, except where a backend says more.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "rtml/core/result.h"
#include "rtml/features/feature_group.h"
#include "rtml/features/feature_row.h"
#include "rtml/features/offline_store.h"

namespace rtml::features {

class OnlineStore {
 public:
  virtual ~OnlineStore() = default;

  // Applies the rows in order, as above: durable once Ok. A failed call may have
  // applied a part of them; applying them again gives the same result.
  virtual Status Upsert(const FeatureGroup& group, std::span<const FeatureRow> rows) = 0;

  // The row of `key`, or nullopt when the store has none.
  virtual Result<std::optional<FeatureRow>> Get(const FeatureGroup& group,
                                                std::span<const Value> key) = 0;

  // Visits the row of every key of the group, in no particular order.
  virtual Status ScanAll(const FeatureGroup& group, const RowVisitor& visit) = 0;
};

}  // namespace rtml::features
