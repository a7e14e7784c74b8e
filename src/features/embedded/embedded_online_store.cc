#include "embedded/embedded_online_store.h"

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "rtml/core/clock.h"
#include "sqlite/sqlite_db.h"

namespace rtml::features {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS rtml_online_rows (storage TEXT NOT NULL, key TEXT NOT NULL, "
    "event_time INTEGER NOT NULL, row_json TEXT NOT NULL, PRIMARY KEY (storage, key))";
// Same or newer event time replaces; older (late) rows leave the stored one.
constexpr const char* kUpsert =
    "INSERT INTO rtml_online_rows (storage, key, event_time, row_json) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (storage, key) DO UPDATE SET event_time = excluded.event_time, "
    "row_json = excluded.row_json WHERE excluded.event_time >= rtml_online_rows.event_time";
constexpr const char* kSelectGroup = "SELECT row_json FROM rtml_online_rows WHERE storage = ?1";
// Changes when another connection commits: another process's writes.
constexpr const char* kDataVersion = "PRAGMA data_version";
constexpr int64_t kRefreshIntervalNs = 50'000'000;

class EmbeddedOnlineStore final : public OnlineStore {
 public:
  explicit EmbeddedOnlineStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

  Status Init() {
    RTML_RETURN_IF_ERROR(db_->Exec(kCreateTable));
    RTML_ASSIGN_OR_RETURN(upsert_, db_->Prepare(kUpsert));
    RTML_ASSIGN_OR_RETURN(select_group_, db_->Prepare(kSelectGroup));
    RTML_ASSIGN_OR_RETURN(data_version_, db_->Prepare(kDataVersion));
    RTML_ASSIGN_OR_RETURN(seen_version_, DataVersion());
    next_check_ns_.store(MonotonicNs() + kRefreshIntervalNs);
    return Status::Ok();
  }

  Status Upsert(const FeatureGroup& group, std::span<const FeatureRow> rows) override {
    for (const FeatureRow& row : rows) RTML_RETURN_IF_ERROR(CheckRowShape(group, row));
    std::lock_guard write(write_mu_);
    RTML_ASSIGN_OR_RETURN(Table * table, TableOf(group));
    std::vector<std::string> keys;
    keys.reserve(rows.size());
    std::string json;
    Status status = InTransaction(*db_, [&]() -> Status {
      for (const FeatureRow& row : rows) {
        keys.push_back(KeyText(row.key));
        json.clear();
        AppendRowJson(group, row, json);
        RTML_RETURN_IF_ERROR(upsert_->BindText(1, group.StorageName()));
        RTML_RETURN_IF_ERROR(upsert_->BindText(2, keys.back()));
        RTML_RETURN_IF_ERROR(upsert_->BindInt(3, row.event_time_ms));
        RTML_RETURN_IF_ERROR(upsert_->BindText(4, json));
        Result<bool> step = upsert_->Step();
        upsert_->Reset();
        RTML_RETURN_IF_ERROR(step.status());
      }
      return Status::Ok();
    });
    RTML_RETURN_IF_ERROR(status);
    // Durable: now readers may see the rows.
    std::unique_lock lock(mu_);
    for (size_t i = 0; i < rows.size(); ++i) Apply(*table, std::move(keys[i]), rows[i]);
    return Status::Ok();
  }

  Result<std::optional<FeatureRow>> Get(const FeatureGroup& group,
                                        std::span<const Value> key) override {
    RTML_RETURN_IF_ERROR(MaybeRefresh());
    const std::string text = KeyText(key);
    {
      std::shared_lock lock(mu_);
      if (const auto table = tables_.find(group.StorageName()); table != tables_.end()) {
        return Find(table->second, text);
      }
    }
    std::lock_guard write(write_mu_);
    RTML_ASSIGN_OR_RETURN(Table * table, TableOf(group));
    std::shared_lock lock(mu_);
    return Find(*table, text);
  }

  Status ScanAll(const FeatureGroup& group, const RowVisitor& visit) override {
    RTML_RETURN_IF_ERROR(MaybeRefresh());
    std::vector<FeatureRow> rows;
    {
      std::lock_guard write(write_mu_);
      RTML_ASSIGN_OR_RETURN(Table * table, TableOf(group));
      std::shared_lock lock(mu_);
      rows.reserve(table->size());
      for (const auto& [key, row] : *table) rows.push_back(row);
    }
    for (FeatureRow& row : rows) RTML_RETURN_IF_ERROR(visit(std::move(row)));
    return Status::Ok();
  }

 private:
  using Table = std::unordered_map<std::string, FeatureRow>;

  static std::optional<FeatureRow> Find(const Table& table, const std::string& key) {
    const auto found = table.find(key);
    if (found == table.end()) return std::nullopt;
    return found->second;
  }

  static void Apply(Table& table, std::string key, const FeatureRow& row) {
    auto [slot, inserted] = table.try_emplace(std::move(key), row);
    if (!inserted && row.event_time_ms >= slot->second.event_time_ms) slot->second = row;
  }

  Result<int64_t> DataVersion() {
    RTML_ASSIGN_OR_RETURN(bool row, data_version_->Step());
    const int64_t version = row ? data_version_->ColumnInt(0) : 0;
    data_version_->Reset();
    return version;
  }

  // Another process (a sink) may write the file this store serves from: at most
  // every 50 ms a reader asks SQLite whether anyone else committed, and if so the
  // loaded groups are read again. Our own writes are in the map already.
  Status MaybeRefresh() {
    const int64_t now = MonotonicNs();
    if (now < next_check_ns_.load(std::memory_order_relaxed)) return Status::Ok();
    std::unique_lock write(write_mu_, std::try_to_lock);
    if (!write.owns_lock()) return Status::Ok();  // someone else is at it
    next_check_ns_.store(now + kRefreshIntervalNs, std::memory_order_relaxed);
    RTML_ASSIGN_OR_RETURN(const int64_t version, DataVersion());
    if (version == seen_version_) return Status::Ok();
    seen_version_ = version;
    std::vector<std::pair<std::string, FeatureGroup>> loaded;
    {
      std::shared_lock lock(mu_);
      for (const auto& [storage, group] : groups_) loaded.emplace_back(storage, group);
    }
    for (const auto& [storage, group] : loaded) {
      RTML_ASSIGN_OR_RETURN(Table table, LoadTable(group));
      std::unique_lock lock(mu_);
      tables_[storage] = std::move(table);
    }
    return Status::Ok();
  }

  // The group's rows, loaded from the file on first use. REQUIRES: write_mu_ held.
  Result<Table*> TableOf(const FeatureGroup& group) {
    const std::string storage = group.StorageName();
    {
      std::shared_lock lock(mu_);
      if (const auto table = tables_.find(storage); table != tables_.end()) return &table->second;
    }
    RTML_ASSIGN_OR_RETURN(Table table, LoadTable(group));
    std::unique_lock lock(mu_);
    groups_.emplace(storage, group);
    return &tables_.emplace(storage, std::move(table)).first->second;
  }

  // REQUIRES: write_mu_ held.
  Result<Table> LoadTable(const FeatureGroup& group) {
    const std::string storage = group.StorageName();
    Table table;
    RowJsonParser parser(group);
    RTML_RETURN_IF_ERROR(select_group_->BindText(1, storage));
    Status status;
    while (status.ok()) {
      Result<bool> more = select_group_->Step();
      if (!more.ok() || !*more) {
        status = more.status();
        break;
      }
      Result<FeatureRow> row = parser.Parse(select_group_->ColumnText(0));
      if (!row.ok()) {
        status = row.status().WithContext("online store " + db_->path());
        break;
      }
      std::string key = KeyText(row->key);
      table.emplace(std::move(key), std::move(*row));
    }
    select_group_->Reset();
    RTML_RETURN_IF_ERROR(status);
    return table;
  }

  std::unique_ptr<SqliteDb> db_;
  std::unique_ptr<SqliteStatement> upsert_;
  std::unique_ptr<SqliteStatement> select_group_;
  std::unique_ptr<SqliteStatement> data_version_;
  int64_t seen_version_ = 0;                       // guarded by write_mu_
  std::atomic<int64_t> next_check_ns_{0};          // when readers next ask for it
  std::mutex write_mu_;                            // one writer (and table loader) at a time
  std::shared_mutex mu_;                           // guards tables_ between readers and the writer
  std::unordered_map<std::string, Table> tables_;  // by FeatureGroup::StorageName()
  std::unordered_map<std::string, FeatureGroup> groups_;  // of the loaded tables
};

}  // namespace

Result<std::unique_ptr<OnlineStore>> OpenEmbeddedOnlineStore(const std::string& path) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  auto store = std::make_unique<EmbeddedOnlineStore>(std::move(db));
  RTML_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<OnlineStore>(std::move(store));
}

}  // namespace rtml::features
