#include "postgres/postgres_offline_store.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "postgres/pg_array_upsert.h"
#include "postgres/pg_binary.h"
#include "postgres/pg_connection.h"
#include "postgres/pg_transaction.h"
#include "sql/sql_statements.h"

namespace rtml::features {
namespace {

constexpr sql::Dialect kDialect = sql::Dialect::kPostgres;

// Registrations from many processes take turns, since CREATE TABLE IF NOT EXISTS
// fails against a concurrent twin: a transaction-scoped advisory lock on this key.
constexpr int64_t kRegistryLockKey = 0x72746d6c66656174;  // "rtmlfeat"

// Rows a scan holds at a time.
constexpr int kFetchRows = 10000;

template <typename T>
Result<T> WithContext(Result<T> result, const std::string& context) {
  if (result.ok()) return result;
  return result.status().WithContext(context);
}

std::string TextAt(const PGresult* result, int row, int column) {
  return std::string(PQgetvalue(result, row, column),
                     static_cast<size_t>(PQgetlength(result, row, column)));
}

// Binary parameters would otherwise store an int64's bytes as a double.
Status CheckRows(const FeatureGroup& group, std::span<const FeatureRow> rows) {
  for (const FeatureRow& row : rows) RTML_RETURN_IF_ERROR(CheckRowShape(group, row));
  return Status::Ok();
}

// The column types of sql::SelectRange(group), in order.
std::vector<ValueType> RowTypes(const FeatureGroup& group) {
  std::vector<ValueType> types;
  for (const Column& column : group.key) types.push_back(column.type);
  types.push_back(ValueType::kInt64);
  for (const Column& column : group.features) types.push_back(column.type);
  return types;
}

Status CheckRowTypes(const PGresult* result, const std::vector<ValueType>& types) {
  if (PQnfields(result) != static_cast<int>(types.size())) {
    return Status::Internal("the scan returned " + std::to_string(PQnfields(result)) +
                            " columns, not " + std::to_string(types.size()));
  }
  for (size_t c = 0; c < types.size(); ++c) {
    RTML_RETURN_IF_ERROR(CheckColumnType(result, static_cast<int>(c), types[c]));
  }
  return Status::Ok();
}

FeatureRow DecodeRow(const FeatureGroup& group, const std::vector<ValueType>& types,
                     const PGresult* result, int row_index) {
  FeatureRow row;
  const int keys = static_cast<int>(group.key.size());
  row.key.reserve(group.key.size());
  for (int c = 0; c < keys; ++c) row.key.push_back(DecodeValue(result, row_index, c, types[c]));
  row.event_time_ms = std::get<int64_t>(DecodeValue(result, row_index, keys, ValueType::kInt64));
  row.values.reserve(group.features.size());
  for (size_t c = static_cast<size_t>(keys) + 1; c < types.size(); ++c) {
    row.values.push_back(DecodeValue(result, row_index, static_cast<int>(c), types[c]));
  }
  return row;
}

class PostgresOfflineStore final : public OfflineStore {
 public:
  explicit PostgresOfflineStore(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}

  Result<FeatureGroup> RegisterGroup(const FeatureGroup& group) override {
    RTML_RETURN_IF_ERROR(ValidateFeatureGroup(group));
    const Status status = Register(group);
    if (!status.ok()) return status.WithContext("registering feature group " + group.Label());
    return group;
  }

  Result<std::vector<FeatureGroup>> ListGroups() override {
    return WithContext(List(), "listing feature groups");
  }

  Status Upsert(const FeatureGroup& group, std::span<const FeatureRow> rows) override {
    const std::string context =
        "upserting " + std::to_string(rows.size()) + " rows into feature group " + group.Label();
    RTML_RETURN_IF_ERROR(CheckRows(group, rows).WithContext(context));
    if (rows.empty()) return Status::Ok();
    RTML_RETURN_IF_ERROR(conn_->Ready());
    return ArrayUpsert(*conn_, group, rows).WithContext(context);
  }

  Status Scan(const FeatureGroup& group, TimeRange range, const RowVisitor& visit) override {
    // The visitor's own failure is returned as it is, without our context.
    Status stopped;
    const Status status = ScanRows(group, range, [&](FeatureRow&& row) {
      stopped = visit(std::move(row));
      return stopped;
    });
    if (!stopped.ok()) return stopped;
    return status.WithContext("scanning feature group " + group.Label());
  }

  Result<int64_t> CountRows(const FeatureGroup& group) override {
    return WithContext(Count(group), "counting rows of feature group " + group.Label());
  }

 private:
  // The schema declared, checked against the stored one, its table made or widened,
  // in one transaction.
  Status Register(const FeatureGroup& group) {
    RTML_RETURN_IF_ERROR(conn_->Ready());
    PgTransaction transaction(*conn_);
    RTML_RETURN_IF_ERROR(transaction.Begin());
    PgParams lock;
    lock.AddInt64(kRegistryLockKey);
    RTML_RETURN_IF_ERROR(conn_->Exec("SELECT pg_advisory_xact_lock($1)", lock).status());
    RTML_RETURN_IF_ERROR(conn_->Exec(sql::CreateRegistryTable(kDialect)).status());
    PgParams id;
    id.AddText(group.name);
    id.AddInt64(group.version);
    RTML_ASSIGN_OR_RETURN(const PgResult stored, conn_->Exec(sql::SelectGroupSchema(kDialect), id));
    std::optional<FeatureGroup> old;
    if (PQntuples(stored.get()) > 0) {
      RTML_ASSIGN_OR_RETURN(old, FeatureGroupFromJson(TextAt(stored.get(), 0, 0)));
    }
    RTML_ASSIGN_OR_RETURN(
        const std::vector<std::string> statements,
        sql::RegistrationStatements(old.has_value() ? &*old : nullptr, group, kDialect));
    for (const std::string& statement : statements) {
      RTML_RETURN_IF_ERROR(conn_->Exec(statement).status());
    }
    const std::string json = FeatureGroupToJson(group);
    PgParams schema;
    schema.AddText(group.name);
    schema.AddInt64(group.version);
    schema.AddText(json);
    RTML_RETURN_IF_ERROR(conn_->Exec(sql::UpsertGroupSchema(kDialect), schema).status());
    return transaction.Commit();
  }

  Result<std::vector<FeatureGroup>> List() {
    RTML_RETURN_IF_ERROR(conn_->Ready());
    std::vector<FeatureGroup> groups;
    // A store nobody registered a group in has no registry table yet.
    RTML_ASSIGN_OR_RETURN(const PgResult exists,
                          conn_->Exec("SELECT 1 WHERE to_regclass('rtml_feature_groups') "
                                      "IS NOT NULL"));
    if (PQntuples(exists.get()) == 0) return groups;
    RTML_ASSIGN_OR_RETURN(const PgResult schemas, conn_->Exec(sql::SelectAllGroupSchemas()));
    for (int i = 0; i < PQntuples(schemas.get()); ++i) {
      RTML_ASSIGN_OR_RETURN(FeatureGroup group, FeatureGroupFromJson(TextAt(schemas.get(), i, 0)));
      groups.push_back(std::move(group));
    }
    return groups;
  }

  // Through a cursor, kFetchRows at a time, so memory stays bounded.
  Status ScanRows(const FeatureGroup& group, TimeRange range, const RowVisitor& visit) {
    RTML_RETURN_IF_ERROR(conn_->Ready());
    PgTransaction transaction(*conn_);
    RTML_RETURN_IF_ERROR(transaction.Begin());
    PgParams bounds;
    bounds.AddInt64(range.from_ms);
    bounds.AddInt64(range.to_ms);
    RTML_RETURN_IF_ERROR(
        conn_
            ->Exec("DECLARE rtml_scan NO SCROLL CURSOR FOR " + sql::SelectRange(group, kDialect),
                   bounds)
            .status());
    const std::vector<ValueType> types = RowTypes(group);
    const std::string fetch = "FETCH " + std::to_string(kFetchRows) + " FROM rtml_scan";
    for (;;) {
      RTML_ASSIGN_OR_RETURN(const PgResult batch, conn_->Exec(fetch));
      const int rows = PQntuples(batch.get());
      if (rows == 0) break;
      RTML_RETURN_IF_ERROR(CheckRowTypes(batch.get(), types));
      for (int r = 0; r < rows; ++r) {
        RTML_RETURN_IF_ERROR(visit(DecodeRow(group, types, batch.get(), r)));
      }
    }
    return transaction.Commit();
  }

  Result<int64_t> Count(const FeatureGroup& group) {
    RTML_RETURN_IF_ERROR(conn_->Ready());
    RTML_ASSIGN_OR_RETURN(const PgResult result, conn_->Exec(sql::CountRows(group)));
    RTML_RETURN_IF_ERROR(CheckColumnType(result.get(), 0, ValueType::kInt64));
    return std::get<int64_t>(DecodeValue(result.get(), 0, 0, ValueType::kInt64));
  }

  std::unique_ptr<PgConnection> conn_;
};

}  // namespace

Result<std::unique_ptr<OfflineStore>> OpenPostgresOfflineStore(std::string_view uri) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, PgConnection::Open(uri));
  return std::unique_ptr<OfflineStore>(new PostgresOfflineStore(std::move(conn)));
}

}  // namespace rtml::features
