// Where training data comes from, as a time-ordered Dataset:
// - a topic of labelled records, as Kafka-ML users send them: JSON objects or CSV
//   values, a label field and feature fields, within an offset or time range;
// - a feature group of the feature store (the market flow): each row's features as
//   of its time, and as target a feature's value some time ahead - joined point in
//   time, so no row holds anything from after its own time but its target.
// Records that cannot be used are handed to a reject callback with the reason (the
// CLI dead-letters them) and counted; they never stop the read.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/features/offline_store.h"
#include "rtml/ml/dataset.h"
#include "rtml/stream/broker.h"

namespace rtml::ml {

// How many records were read, used and rejected, with the reasons.
struct ReadCounts {
  int64_t read = 0;
  int64_t used = 0;
  int64_t rejected = 0;
  std::map<std::string, int64_t> reasons;  // "missing label field 'y'" -> count
};

enum class RecordFormat { kJson, kCsv };
Result<RecordFormat> ParseRecordFormat(std::string_view name);  // "json" or "csv"

struct TopicDataOptions {
  std::string topic;
  RecordFormat format = RecordFormat::kJson;
  std::string label;                  // the target field
  std::vector<std::string> features;  // empty: JSON: the numeric fields of the first
                                      // usable record but the label; CSV: every
                                      // column but the label
  std::vector<std::string> columns;   // CSV: the names of the values in order; empty:
                                      // the first record is a header
  stream::SeekTarget from = stream::SeekTarget::Beginning();
  int64_t to_ms = std::numeric_limits<int64_t>::max();  // records before this time
  bool class_labels = false;                            // labels must be classes 0, 1, 2, ...
};

using RejectRecord = std::function<Status(const stream::ConsumedRecord&, const std::string& why)>;

// Every record of the topic in range, as a row at its record time (rows ordered by
// time). InvalidArgument if the topic holds no usable record in range (with the
// counts of why), NotFound for a missing topic.
Result<Dataset> ReadTopicDataset(stream::Broker& broker, const TopicDataOptions& options,
                                 const RejectRecord& reject, ReadCounts* counts);

struct StoreDataOptions {
  features::FeatureGroup group;
  std::map<std::string, std::string> where;  // key column -> value (as text): only those
  std::vector<std::string> features;         // empty: every numeric feature
  std::string target;                        // the feature predicted ...
  int64_t ahead_ms = 0;                      // ... this long after each row's time
  bool direction = false;                    // the target is 1 if it rises by then, else 0
  features::TimeRange range;
};

// A row per row of the group in range (and matching `where`) that has a row of the
// same key later than itself and at or before its time + ahead, whose value of the
// target is the target, and no null feature; others are counted as rejected.
Result<Dataset> ReadStoreDataset(features::OfflineStore& store, const StoreDataOptions& options,
                                 ReadCounts* counts);

}  // namespace rtml::ml
