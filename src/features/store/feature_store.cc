#include "rtml/features/feature_store.h"

#include <unordered_map>

#include "rtml/features/store_uri.h"

namespace rtml::features {

std::string DefaultOfflineUri(const std::string& dir) { return "sqlite://" + dir + "/offline.db"; }
std::string DefaultOnlineUri(const std::string& dir) { return "embedded://" + dir + "/online.db"; }

Result<std::unique_ptr<FeatureStore>> FeatureStore::Open(const std::string& offline_uri,
                                                         const std::string& online_uri) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<OfflineStore> offline, OpenOfflineStore(offline_uri));
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<OnlineStore> online, OpenOnlineStore(online_uri));
  return std::make_unique<FeatureStore>(std::move(offline), std::move(online));
}

FeatureStore::FeatureStore(std::unique_ptr<OfflineStore> offline,
                           std::unique_ptr<OnlineStore> online)
    : offline_(std::move(offline)), online_(std::move(online)) {}

Result<FeatureGroup> FeatureStore::RegisterGroup(const FeatureGroup& group) {
  return offline_->RegisterGroup(group);
}

Result<std::vector<FeatureGroup>> FeatureStore::ListGroups() { return offline_->ListGroups(); }

Result<FeatureGroup> FeatureStore::FindGroup(const std::string& name,
                                             std::optional<int32_t> version) {
  RTML_ASSIGN_OR_RETURN(std::vector<FeatureGroup> groups, offline_->ListGroups());
  const FeatureGroup* found = nullptr;
  std::string known;
  for (const FeatureGroup& group : groups) {
    known += (known.empty() ? "" : ", ") + group.Label();
    if (group.name != name || (version && group.version != *version)) continue;
    if (found == nullptr || group.version > found->version) found = &group;
  }
  if (found != nullptr) return *found;
  return Status::NotFound("no feature group " + name +
                          (version ? " v" + std::to_string(*version) : std::string()) +
                          " in the store (it has: " + (known.empty() ? "none" : known) + ")");
}

Status FeatureStore::Write(const FeatureGroup& group, std::span<const FeatureRow> rows) {
  if (rows.empty()) return Status::Ok();
  RTML_RETURN_IF_ERROR(offline_->Upsert(group, rows));
  return online_->Upsert(group, rows);
}

Result<std::optional<FeatureRow>> FeatureStore::GetOnline(const FeatureGroup& group,
                                                          std::span<const Value> key,
                                                          int64_t now_ms) {
  RTML_ASSIGN_OR_RETURN(std::optional<FeatureRow> row, online_->Get(group, key));
  if (row && group.ttl_ms > 0 && now_ms - row->event_time_ms > group.ttl_ms) {
    return std::optional<FeatureRow>();
  }
  return row;
}

Result<VerifyReport> FeatureStore::Verify(const FeatureGroup& group, size_t max_differences) {
  // The newest offline row of each key: the scan is in (key, time) order.
  std::unordered_map<std::string, FeatureRow> newest;
  RTML_RETURN_IF_ERROR(offline_->Scan(group, TimeRange{}, [&](FeatureRow&& row) {
    newest.insert_or_assign(KeyText(row.key), std::move(row));
    return Status::Ok();
  }));
  VerifyReport report;
  report.keys_offline = static_cast<int64_t>(newest.size());
  const auto differ = [&](std::string line) {
    ++report.difference_count;
    if (report.differences.size() < max_differences) report.differences.push_back(std::move(line));
  };
  std::string online_json;
  std::string offline_json;
  RTML_RETURN_IF_ERROR(online_->ScanAll(group, [&](FeatureRow&& row) {
    ++report.keys_online;
    const std::string key = KeyText(row.key);
    const auto found = newest.find(key);
    if (found == newest.end()) {
      differ(key + ": online only (event time " + std::to_string(row.event_time_ms) + ")");
      return Status::Ok();
    }
    if (found->second == row) {
      ++report.matching;
    } else {
      online_json.clear();
      offline_json.clear();
      AppendRowJson(group, row, online_json);
      AppendRowJson(group, found->second, offline_json);
      differ(key + ": online " + online_json + " but newest offline " + offline_json);
    }
    newest.erase(found);
    return Status::Ok();
  }));
  for (const auto& [key, row] : newest) {
    differ(key + ": offline only (newest event time " + std::to_string(row.event_time_ms) + ")");
  }
  return report;
}

}  // namespace rtml::features
