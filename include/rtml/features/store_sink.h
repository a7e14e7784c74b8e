// The store stage: writes a features topic into a FeatureStore, as a
// PartitionOperator for the StageRunner, on either broker backend.
//
// Each record becomes a row of the group (ParseRowJson); a record that does not fit
// the group's schema goes to the stage's dead-letter topic with the reason. Rows are
// written in batches, at the latest when the runner checkpoints (Flush), so a
// checkpoint never covers a row that is not in both stores. After a crash the
// records since the last checkpoint are written again, which the stores' upserts
// make harmless: a replayed stream leaves the stores as they were.
//
// A store that cannot be reached (Unavailable) is retried with backoff, logging each
// failure, until it answers or `stop` is set: no row is dropped.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "rtml/core/result.h"
#include "rtml/features/feature_group.h"
#include "rtml/features/feature_store.h"
#include "rtml/process/operator.h"

namespace rtml::features {

struct StoreSinkOptions {
  std::string input = "features";
  std::string dlq = "features.store.dlq";
  FeatureGroup group;          // registered in the store before the stage starts
  size_t batch_rows = 20'000;  // written early when this many are pending
  std::chrono::milliseconds max_retry_wait{5'000};
  const std::atomic<bool>* stop = nullptr;  // ends retrying (the stage then fails)
};

// The operator of one input partition. `store` is not owned; it must outlive the
// operator and be used by one runner thread only.
std::unique_ptr<process::PartitionOperator> MakeStoreSinkOperator(FeatureStore* store,
                                                                  const StoreSinkOptions& options);

}  // namespace rtml::features
