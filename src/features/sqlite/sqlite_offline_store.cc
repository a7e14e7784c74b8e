#include "sqlite/sqlite_offline_store.h"

#include <map>

#include "sql/sql_statements.h"
#include "sqlite/sqlite_db.h"

namespace rtml::features {
namespace {

using sql::Dialect;

class SqliteOfflineStore final : public OfflineStore {
 public:
  explicit SqliteOfflineStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

  Result<FeatureGroup> RegisterGroup(const FeatureGroup& group) override {
    Status status = InTransaction(*db_, [&]() -> Status {
      RTML_ASSIGN_OR_RETURN(std::optional<FeatureGroup> stored, StoredGroup(group));
      RTML_ASSIGN_OR_RETURN(
          std::vector<std::string> statements,
          sql::RegistrationStatements(stored ? &*stored : nullptr, group, Dialect::kSqlite));
      for (const std::string& statement : statements) RTML_RETURN_IF_ERROR(db_->Exec(statement));
      RTML_ASSIGN_OR_RETURN(auto upsert, db_->Prepare(sql::UpsertGroupSchema(Dialect::kSqlite)));
      RTML_RETURN_IF_ERROR(upsert->BindText(1, group.name));
      RTML_RETURN_IF_ERROR(upsert->BindInt(2, group.version));
      RTML_RETURN_IF_ERROR(upsert->BindText(3, FeatureGroupToJson(group)));
      return upsert->Step().status();
    });
    RTML_RETURN_IF_ERROR(status);
    return group;
  }

  Result<std::vector<FeatureGroup>> ListGroups() override {
    RTML_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql::SelectAllGroupSchemas()));
    std::vector<FeatureGroup> groups;
    while (true) {
      RTML_ASSIGN_OR_RETURN(bool row, select->Step());
      if (!row) break;
      RTML_ASSIGN_OR_RETURN(FeatureGroup group, FeatureGroupFromJson(select->ColumnText(0)));
      groups.push_back(std::move(group));
    }
    return groups;
  }

  Status Upsert(const FeatureGroup& group, std::span<const FeatureRow> rows) override {
    for (const FeatureRow& row : rows) RTML_RETURN_IF_ERROR(CheckRowShape(group, row));
    RTML_ASSIGN_OR_RETURN(SqliteStatement * upsert, UpsertStatement(group));
    return InTransaction(*db_, [&]() -> Status {
      for (const FeatureRow& row : rows) {
        int index = 1;
        for (const Value& value : row.key) RTML_RETURN_IF_ERROR(upsert->Bind(index++, value));
        RTML_RETURN_IF_ERROR(upsert->BindInt(index++, row.event_time_ms));
        for (const Value& value : row.values) RTML_RETURN_IF_ERROR(upsert->Bind(index++, value));
        Result<bool> step = upsert->Step();
        upsert->Reset();
        RTML_RETURN_IF_ERROR(step.status());
      }
      return Status::Ok();
    });
  }

  Status Scan(const FeatureGroup& group, TimeRange range, const RowVisitor& visit) override {
    RTML_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql::SelectRange(group, Dialect::kSqlite)));
    RTML_RETURN_IF_ERROR(select->BindInt(1, range.from_ms));
    RTML_RETURN_IF_ERROR(select->BindInt(2, range.to_ms));
    const int keys = static_cast<int>(group.key.size());
    while (true) {
      RTML_ASSIGN_OR_RETURN(bool more, select->Step());
      if (!more) return Status::Ok();
      FeatureRow row;
      row.key.reserve(group.key.size());
      for (int i = 0; i < keys; ++i) row.key.push_back(select->Column(i, group.key[i].type));
      row.event_time_ms = select->ColumnInt(keys);
      row.values.reserve(group.features.size());
      for (size_t i = 0; i < group.features.size(); ++i) {
        row.values.push_back(
            select->Column(keys + 1 + static_cast<int>(i), group.features[i].type));
      }
      RTML_RETURN_IF_ERROR(visit(std::move(row)));
    }
  }

  Result<int64_t> CountRows(const FeatureGroup& group) override {
    RTML_ASSIGN_OR_RETURN(auto count, db_->Prepare(sql::CountRows(group)));
    RTML_ASSIGN_OR_RETURN(bool row, count->Step());
    return row ? count->ColumnInt(0) : 0;
  }

  Status Init() { return db_->Exec(sql::CreateRegistryTable(Dialect::kSqlite)); }

 private:
  Result<std::optional<FeatureGroup>> StoredGroup(const FeatureGroup& group) {
    RTML_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql::SelectGroupSchema(Dialect::kSqlite)));
    RTML_RETURN_IF_ERROR(select->BindText(1, group.name));
    RTML_RETURN_IF_ERROR(select->BindInt(2, group.version));
    RTML_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return std::optional<FeatureGroup>();
    RTML_ASSIGN_OR_RETURN(FeatureGroup stored, FeatureGroupFromJson(select->ColumnText(0)));
    return std::optional<FeatureGroup>(std::move(stored));
  }

  // Prepared once per statement text, i.e. per group schema.
  Result<SqliteStatement*> UpsertStatement(const FeatureGroup& group) {
    std::string text = sql::UpsertRow(group, Dialect::kSqlite);
    auto found = upserts_.find(text);
    if (found == upserts_.end()) {
      RTML_ASSIGN_OR_RETURN(auto statement, db_->Prepare(text));
      found = upserts_.emplace(std::move(text), std::move(statement)).first;
    }
    return found->second.get();
  }

  std::unique_ptr<SqliteDb> db_;
  std::map<std::string, std::unique_ptr<SqliteStatement>> upserts_;
};

}  // namespace

Result<std::unique_ptr<OfflineStore>> OpenSqliteOfflineStore(const std::string& path) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  auto store = std::make_unique<SqliteOfflineStore>(std::move(db));
  RTML_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<OfflineStore>(std::move(store));
}

}  // namespace rtml::features
