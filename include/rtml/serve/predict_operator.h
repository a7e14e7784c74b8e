// The predict stage's operator: each features record (a JSON object such as the
// features stage writes) scored by the slot's current model into a prediction record
// of the `predictions` topic:
//   {"pair":"BTCUSDT","model":"btc-close-5m","model_version":3,"ts_ms":...,
//    "target_ts_ms":...,"prediction":61234.5,"latency_us":14}
// The slot is refreshed between records (at most every `refresh_ms`), so every record
// is scored by exactly one version and a swap happens at one point in the stream.
// A record the model cannot score - not JSON, no key or time, a feature missing or not
// a number - goes to the dead-letter topic with the reason; a record whose features
// are still null (indicators warming up) is counted and skipped. With an actual
// feature, every prediction is later judged against what happened (live_evaluation.h),
// which is the operator's state.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "rtml/process/operator.h"
#include "rtml/serve/live_evaluation.h"
#include "rtml/serve/model_slot.h"

namespace rtml::serve {

struct PredictOptions {
  std::shared_ptr<ModelSlot> slot;  // shared by the stage's partitions
  std::string output_topic = "predictions";
  std::string dead_letter_topic = "predictions.dlq";
  // Live evaluation (live_evaluation.h): if set, each prediction is judged when its
  // series reaches the target time, by this feature's value then, into this topic.
  std::string evaluation_topic = "predictions.eval";
  std::string actual_feature;
  std::string key_field = "pair";            // the series a record belongs to
  std::string time_field = "window_end_ms";  // when its values were known
  std::map<std::string, std::string> where;  // only records with these field values
                                             // (as text: {candle_seconds: "60"})
  int64_t horizon_ms = 0;                    // target_ts_ms = ts_ms + horizon_ms
  int64_t refresh_ms = 1000;                 // how often to look at the registry
};

// Counts of what the operators of a stage did, for status screens.
struct PredictCounts {
  int64_t predictions = 0;
  int64_t warming_up = 0;  // skipped: a feature still null
  int64_t filtered = 0;    // not matching `where`
  int64_t rejected = 0;    // dead-lettered
  int64_t swaps = 0;       // model versions switched to
  int64_t judged = 0;      // predictions evaluated against the realised value
  int64_t unjudged = 0;    // dropped from evaluation (LiveEvaluation::kMaxWaitingPerSeries)
};

Result<std::unique_ptr<process::PartitionOperator>> MakePredictOperator(
    const PredictOptions& options, std::shared_ptr<PredictCounts> counts = nullptr);

}  // namespace rtml::serve
