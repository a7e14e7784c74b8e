#include "sql/sql_statements.h"

#include <string_view>

namespace rtml::features::sql {
namespace {

std::string Placeholder(Dialect dialect, int index) {
  return (dialect == Dialect::kPostgres ? "$" : "?") + std::to_string(index);
}

std::string_view SqlType(ValueType type, Dialect dialect) {
  switch (type) {
    case ValueType::kInt64:
      return dialect == Dialect::kPostgres ? "BIGINT" : "INTEGER";
    case ValueType::kDouble:
      return dialect == Dialect::kPostgres ? "DOUBLE PRECISION" : "REAL";
    case ValueType::kString:
      return "TEXT";
  }
  return "TEXT";
}

std::string_view IntegerType(Dialect dialect) { return SqlType(ValueType::kInt64, dialect); }

// "k1", "k2", "t": the primary key's columns, quoted, comma-separated.
std::string PrimaryKeyList(const FeatureGroup& group) {
  std::string out;
  for (const Column& column : group.key) {
    out += Quote(column.name);
    out += ", ";
  }
  out += Quote(group.event_time);
  return out;
}

std::string AllColumnList(const FeatureGroup& group) {
  std::string out = PrimaryKeyList(group);
  for (const Column& column : group.features) {
    out += ", ";
    out += Quote(column.name);
  }
  return out;
}

}  // namespace

std::string Quote(const std::string& identifier) { return "\"" + identifier + "\""; }

std::string CreateRegistryTable(Dialect dialect) {
  return "CREATE TABLE IF NOT EXISTS rtml_feature_groups (name TEXT NOT NULL, version " +
         std::string(IntegerType(dialect)) +
         " NOT NULL, schema_json TEXT NOT NULL, PRIMARY KEY (name, version))";
}

std::string SelectGroupSchema(Dialect dialect) {
  return "SELECT schema_json FROM rtml_feature_groups WHERE name = " + Placeholder(dialect, 1) +
         " AND version = " + Placeholder(dialect, 2);
}

std::string SelectAllGroupSchemas() {
  return "SELECT schema_json FROM rtml_feature_groups ORDER BY name, version";
}

std::string UpsertGroupSchema(Dialect dialect) {
  return "INSERT INTO rtml_feature_groups (name, version, schema_json) VALUES (" +
         Placeholder(dialect, 1) + ", " + Placeholder(dialect, 2) + ", " + Placeholder(dialect, 3) +
         ") ON CONFLICT (name, version) DO UPDATE SET schema_json = excluded.schema_json";
}

Result<std::vector<std::string>> RegistrationStatements(const FeatureGroup* stored,
                                                        const FeatureGroup& declared,
                                                        Dialect dialect) {
  RTML_RETURN_IF_ERROR(ValidateFeatureGroup(declared));
  if (stored == nullptr) return std::vector<std::string>{CreateGroupTable(declared, dialect)};
  RTML_RETURN_IF_ERROR(CheckBackwardCompatible(*stored, declared));
  std::vector<std::string> statements;
  for (const Column& column : declared.features) {
    bool known = false;
    for (const Column& old_column : stored->features)
      known = known || old_column.name == column.name;
    if (!known) statements.push_back(AddFeatureColumn(declared, column, dialect));
  }
  return statements;
}

std::string CreateGroupTable(const FeatureGroup& group, Dialect dialect) {
  std::string out = "CREATE TABLE IF NOT EXISTS " + Quote(group.StorageName()) + " (";
  for (const Column& column : group.key) {
    out += Quote(column.name) + " " + std::string(SqlType(column.type, dialect));
    // Byte order, as SQLite's: scans come back in the same key order on both.
    if (column.type == ValueType::kString && dialect == Dialect::kPostgres) out += " COLLATE \"C\"";
    out += " NOT NULL, ";
  }
  out += Quote(group.event_time) + " " + std::string(IntegerType(dialect)) + " NOT NULL, ";
  for (const Column& column : group.features) {
    out += Quote(column.name) + " " + std::string(SqlType(column.type, dialect)) + ", ";
  }
  out += "PRIMARY KEY (" + PrimaryKeyList(group) + "))";
  return out;
}

std::string AddFeatureColumn(const FeatureGroup& group, const Column& column, Dialect dialect) {
  return "ALTER TABLE " + Quote(group.StorageName()) + " ADD COLUMN " + Quote(column.name) + " " +
         std::string(SqlType(column.type, dialect));
}

namespace {

// "INSERT INTO t (columns) <rows> ON CONFLICT (key, time) DO UPDATE SET ...".
std::string UpsertWith(const FeatureGroup& group, const std::string& rows) {
  std::string out = "INSERT INTO " + Quote(group.StorageName()) + " (" + AllColumnList(group) +
                    ") " + rows + " ON CONFLICT (" + PrimaryKeyList(group) + ") DO ";
  if (group.features.empty()) return out + "NOTHING";
  out += "UPDATE SET ";
  for (size_t i = 0; i < group.features.size(); ++i) {
    if (i > 0) out += ", ";
    const std::string name = Quote(group.features[i].name);
    out += name + " = excluded." + name;
  }
  return out;
}

}  // namespace

std::string UpsertRow(const FeatureGroup& group, Dialect dialect) {
  const int columns = static_cast<int>(group.key.size() + 1 + group.features.size());
  std::string values = "VALUES (";
  for (int i = 1; i <= columns; ++i) {
    if (i > 1) values += ", ";
    values += Placeholder(dialect, i);
  }
  return UpsertWith(group, values + ")");
}

std::string UpsertRowsOf(const FeatureGroup& group, const std::string& rows_query) {
  return UpsertWith(group, rows_query);
}

std::string SelectRange(const FeatureGroup& group, Dialect dialect) {
  const std::string time = Quote(group.event_time);
  return "SELECT " + AllColumnList(group) + " FROM " + Quote(group.StorageName()) + " WHERE " +
         time + " >= " + Placeholder(dialect, 1) + " AND " + time + " < " +
         Placeholder(dialect, 2) + " ORDER BY " + PrimaryKeyList(group);
}

std::string CountRows(const FeatureGroup& group) {
  return "SELECT count(*) FROM " + Quote(group.StorageName());
}

}  // namespace rtml::features::sql
