// OfflineStore: the full history of feature groups, the source of training sets.
// Backends: SQLite (the embedded default, "sqlite://PATH") and PostgreSQL
// ("postgresql://..."); store_uri.h opens one by URI.
//
// Every version of a group is a table keyed by (key columns, event time), so a row
// written again - a replayed stream, a corrected candle - replaces the one before
// it: writes are idempotent upserts. Group schemas are kept in the store itself.
//
// Errors: Unavailable when the server cannot be reached (the caller may retry: a
// backend reconnects on its next call); other codes are not worth retrying.
// Threads: one thread at a time per store object.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/features/feature_group.h"
#include "rtml/features/feature_row.h"

namespace rtml::features {

// Event times from_ms <= t < to_ms.
struct TimeRange {
  int64_t from_ms = std::numeric_limits<int64_t>::min();
  int64_t to_ms = std::numeric_limits<int64_t>::max();
};

// Receives rows one at a time; a failed Status stops the scan and is returned.
using RowVisitor = std::function<Status(FeatureRow&& row)>;

class OfflineStore {
 public:
  virtual ~OfflineStore() = default;

  // Makes the group's table if it is new. If the store already has this name and
  // version, the declaration must be backward compatible with it
  // (CheckBackwardCompatible); new feature columns are then added. Returns the
  // schema the store now holds.
  virtual Result<FeatureGroup> RegisterGroup(const FeatureGroup& group) = 0;

  // Every group version the store holds, by name and then version.
  virtual Result<std::vector<FeatureGroup>> ListGroups() = 0;

  // Inserts each row, or replaces the stored row of the same key and event time, in
  // one transaction: durable once Ok, nothing of the batch written otherwise.
  // REQUIRES: `group` is registered; rows match its columns.
  virtual Status Upsert(const FeatureGroup& group, std::span<const FeatureRow> rows) = 0;

  // Visits the rows whose event time is in `range`, ordered by key and then event
  // time.
  virtual Status Scan(const FeatureGroup& group, TimeRange range, const RowVisitor& visit) = 0;

  virtual Result<int64_t> CountRows(const FeatureGroup& group) = 0;
};

}  // namespace rtml::features
