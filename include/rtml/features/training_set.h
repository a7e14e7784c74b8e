// Point-in-time training sets: each label event (a key and a time) joined with each
// feature group as of that time - the group's row of that key with the newest event
// time at or before the label's time, and none if that row is older than the
// group's TTL - so no training row holds a value from after its label's time.
// Rows written again under the same key and event time (corrections) count with
// their newest values, as the offline store keeps them.
//
// The join streams each group's rows from the offline store in (key, time) order and
// keeps only the labels in memory.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/features/feature_group.h"
#include "rtml/features/feature_row.h"
#include "rtml/features/offline_store.h"

namespace rtml::features {

// A table with named, typed columns: label events going in, a training set coming
// out. Rows hold one Value per column.
struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;

  // The index of the column, or -1.
  int ColumnIndex(std::string_view name) const;
};

struct JoinCounts {
  int64_t matched = 0;  // labels that got a row of the group
  int64_t missing = 0;  // no row at or before the label's time
  int64_t expired = 0;  // the row was older than the TTL
};

struct TrainingSet {
  // The label columns, then per group its event time as "<group>__<event_time>"
  // (the time of the row used, null if none) and its features by name.
  Table table;
  std::vector<JoinCounts> counts;  // per group
};

struct TrainingSetOptions {
  std::string time_column = "ts_ms";  // the labels' time (int64 milliseconds)
  std::vector<FeatureGroup> groups;   // joined in this order
  bool drop_incomplete = false;       // leave out labels that a group has no row for
};

// The labels must have the time column and every key column of every group, with
// their types (InvalidArgument naming what is missing). A feature name that two
// groups (or a label column) share is InvalidArgument.
Result<TrainingSet> BuildTrainingSet(OfflineStore& store, const Table& labels,
                                     const TrainingSetOptions& options);

// Label events from a group's own rows with event time in `range`: its key columns
// and "ts_ms" = each row's event time (a training set over a time range).
Result<Table> LabelsFromGroup(OfflineStore& store, const FeatureGroup& group, TimeRange range);

// Reads label events from a CSV file with a header, typing each column as the
// groups' key columns say (other columns: int64 if every value is an integer,
// else double if every value is a number, else string) or from JSON lines.
Result<Table> ReadLabelsFile(const std::string& path, const TrainingSetOptions& options);

// Writes a table as CSV (header, empty for null) or as JSON lines.
enum class TableFormat { kCsv, kJsonLines };
Status WriteTable(const Table& table, TableFormat format, std::ostream& out);

}  // namespace rtml::features
