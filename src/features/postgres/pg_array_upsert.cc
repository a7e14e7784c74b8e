#include "postgres/pg_array_upsert.h"

#include <algorithm>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "postgres/pg_binary.h"
#include "postgres/pg_transaction.h"
#include "sql/sql_statements.h"

namespace rtml::features {
namespace {

// Rows per statement: big enough that per-statement costs vanish, small enough
// that the arrays (a few MB) stay cheap to hold.
constexpr size_t kChunkRows = 8192;

// The upsert of sql::UpsertRow, of the rows of the unnested column arrays.
std::string ArrayUpsertSql(const FeatureGroup& group) {
  std::string rows = "SELECT * FROM unnest(";
  const size_t columns = group.key.size() + 1 + group.features.size();
  for (size_t i = 1; i <= columns; ++i) rows += (i > 1 ? ", $" : "$") + std::to_string(i);
  return sql::UpsertRowsOf(group, rows + ")");
}

std::vector<Oid> ArrayParamTypes(const FeatureGroup& group) {
  std::vector<Oid> types;
  for (const Column& column : group.key) types.push_back(PgArrayOid(column.type));
  types.push_back(PgArrayOid(ValueType::kInt64));
  for (const Column& column : group.features) types.push_back(PgArrayOid(column.type));
  return types;
}

// Rows equal by primary key (key values and event time).
struct SameKey {
  bool operator()(const FeatureRow* a, const FeatureRow* b) const {
    return a->event_time_ms == b->event_time_ms && a->key == b->key;
  }
};
struct KeyHash {
  size_t operator()(const FeatureRow* row) const {
    size_t hash = std::hash<int64_t>()(row->event_time_ms);
    for (const Value& value : row->key) hash = hash * 31 + std::hash<Value>()(value);
    return hash;
  }
};

// The last row of each primary key in `chunk`, in chunk order.
void LastOfEachKey(std::span<const FeatureRow> chunk, std::vector<const FeatureRow*>& out) {
  std::unordered_set<const FeatureRow*, KeyHash, SameKey> seen(chunk.size() * 2);
  out.clear();
  for (auto it = chunk.rbegin(); it != chunk.rend(); ++it) {
    if (seen.insert(&*it).second) out.push_back(&*it);
  }
  std::reverse(out.begin(), out.end());
}

// The chunk's columns as arrays, in statement parameter order.
void FillColumns(const FeatureGroup& group, const std::vector<const FeatureRow*>& rows,
                 std::vector<PgArray>& columns) {
  const size_t keys = group.key.size();
  for (size_t c = 0; c < keys; ++c) {
    columns[c].Reset(group.key[c].type);
    for (const FeatureRow* row : rows) columns[c].Append(row->key[c]);
  }
  columns[keys].Reset(ValueType::kInt64);
  for (const FeatureRow* row : rows) columns[keys].Append(row->event_time_ms);
  for (size_t c = 0; c < group.features.size(); ++c) {
    PgArray& column = columns[keys + 1 + c];
    column.Reset(group.features[c].type);
    for (const FeatureRow* row : rows) column.Append(row->values[c]);
  }
}

}  // namespace

Status ArrayUpsert(PgConnection& conn, const FeatureGroup& group,
                   std::span<const FeatureRow> rows) {
  const std::string sql = ArrayUpsertSql(group);
  const std::vector<Oid> types = ArrayParamTypes(group);
  RTML_ASSIGN_OR_RETURN(const std::string statement, conn.Prepare(sql, types));
  std::vector<PgArray> columns(types.size());
  std::vector<const FeatureRow*> unique;
  PgParams params;
  const bool one_statement = rows.size() <= kChunkRows;
  PgTransaction transaction(conn);
  if (!one_statement) RTML_RETURN_IF_ERROR(transaction.Begin());
  for (size_t begin = 0; begin < rows.size(); begin += kChunkRows) {
    LastOfEachKey(rows.subspan(begin, std::min(kChunkRows, rows.size() - begin)), unique);
    FillColumns(group, unique, columns);
    params.Clear();
    for (size_t c = 0; c < columns.size(); ++c) params.AddBinary(types[c], columns[c].bytes());
    const PgResult result(PQexecPrepared(conn.raw(), statement.c_str(), params.size(),
                                         params.values(), params.lengths(), params.formats(),
                                         /*resultFormat=*/1));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      return conn.Error(result.get(), "upserting rows");
    }
  }
  return one_statement ? Status::Ok() : transaction.Commit();
}

}  // namespace rtml::features
