// The SQL both offline stores (SQLite, PostgreSQL) run, written once: a group
// version is a table named FeatureGroup::StorageName() with the key columns, the
// event time and the features, primary key (key columns, event time); the schemas
// live in table rtml_feature_groups. Names are validated identifiers
// (ValidateFeatureGroup) and are quoted anyway.
#pragma once

#include <string>
#include <vector>

#include "rtml/core/result.h"

#include "rtml/features/feature_group.h"

namespace rtml::features::sql {

enum class Dialect { kSqlite, kPostgres };

// CREATE TABLE IF NOT EXISTS rtml_feature_groups (name, version, schema_json).
std::string CreateRegistryTable(Dialect dialect);
// SELECT schema_json FROM rtml_feature_groups WHERE name = p1 AND version = p2.
std::string SelectGroupSchema(Dialect dialect);
// SELECT schema_json ... ORDER BY name, version.
std::string SelectAllGroupSchemas();
// INSERT ... (name, version, schema_json) = (p1, p2, p3), replacing the schema.
std::string UpsertGroupSchema(Dialect dialect);

// What registering `declared` takes when the store holds `stored` for its name and
// version (nullptr: nothing yet): the CREATE TABLE, or an ALTER TABLE per added
// feature column. InvalidArgument (CheckBackwardCompatible) for a change that needs
// a new version.
Result<std::vector<std::string>> RegistrationStatements(const FeatureGroup* stored,
                                                        const FeatureGroup& declared,
                                                        Dialect dialect);

// CREATE TABLE IF NOT EXISTS for the group's version.
std::string CreateGroupTable(const FeatureGroup& group, Dialect dialect);
// ALTER TABLE ... ADD COLUMN for one feature column.
std::string AddFeatureColumn(const FeatureGroup& group, const Column& column, Dialect dialect);
// INSERT ... ON CONFLICT (key, event time) DO UPDATE SET every feature: parameters
// in column order (key columns, event time, features), 1-based.
std::string UpsertRow(const FeatureGroup& group, Dialect dialect);
// The same upsert of the rows a query gives, in column order, e.g.
// "SELECT * FROM unnest($1, $2, ...)" for a batch of column arrays.
std::string UpsertRowsOf(const FeatureGroup& group, const std::string& rows_query);
// SELECT every column (same order) WHERE event time >= p1 AND event time < p2
// ORDER BY key columns, event time.
std::string SelectRange(const FeatureGroup& group, Dialect dialect);
// SELECT count(*).
std::string CountRows(const FeatureGroup& group);

// "\"name\"": a quoted identifier.
std::string Quote(const std::string& identifier);

}  // namespace rtml::features::sql
