// FeatureStore: the offline and the online store of the feature groups, used
// together - the sink writes both from one stream, serving reads the online one,
// training reads the offline one, and Verify checks that they agree.
//
// Threads: Write, RegisterGroup, Verify and the offline reads one thread at a time;
// GetOnline from any thread when the online backend allows it (the embedded one
// does; see its header).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/features/feature_group.h"
#include "rtml/features/feature_row.h"
#include "rtml/features/offline_store.h"
#include "rtml/features/online_store.h"

namespace rtml::features {

// Where the embedded default keeps its stores: DIR/offline.db and DIR/online.db.
std::string DefaultOfflineUri(const std::string& dir);
std::string DefaultOnlineUri(const std::string& dir);

// What Verify found: keys whose online row is not the newest offline row.
struct VerifyReport {
  int64_t keys_offline = 0;
  int64_t keys_online = 0;
  int64_t matching = 0;
  std::vector<std::string> differences;  // one line each, at most `max_differences`
  int64_t difference_count = 0;          // all of them

  bool ok() const { return difference_count == 0; }
};

class FeatureStore {
 public:
  // Opens both stores by URI (store_uri.h); errors name the URI that failed.
  static Result<std::unique_ptr<FeatureStore>> Open(const std::string& offline_uri,
                                                    const std::string& online_uri);
  FeatureStore(std::unique_ptr<OfflineStore> offline, std::unique_ptr<OnlineStore> online);

  // Registers the group in the offline store (which keeps the schemas).
  Result<FeatureGroup> RegisterGroup(const FeatureGroup& group);
  Result<std::vector<FeatureGroup>> ListGroups();
  // The group of that name: the given version, or the newest. NotFound listing the
  // groups the store has.
  Result<FeatureGroup> FindGroup(const std::string& name, std::optional<int32_t> version = {});

  // Writes the rows to the offline store, then the online one (so an online row is
  // always also offline). Both are idempotent: a batch written again changes nothing.
  Status Write(const FeatureGroup& group, std::span<const FeatureRow> rows);

  // The online row of `key`, unless it is older than the group's TTL at `now_ms`.
  Result<std::optional<FeatureRow>> GetOnline(const FeatureGroup& group, std::span<const Value> key,
                                              int64_t now_ms);

  // Compares the online row of every key with the newest offline row of that key.
  Result<VerifyReport> Verify(const FeatureGroup& group, size_t max_differences = 20);

  OfflineStore& offline() { return *offline_; }
  OnlineStore& online() { return *online_; }

 private:
  std::unique_ptr<OfflineStore> offline_;
  std::unique_ptr<OnlineStore> online_;
};

}  // namespace rtml::features
