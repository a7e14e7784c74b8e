// PipelineConfig: the stages of a pipeline as declared in YAML, checked before
// anything runs (unknown keys, bad durations, unknown feature names: every error
// names the file and the place in it).
//
//   name: market                      # names checkpoints and consumer groups
//   stages:
//     - name: candles
//       kind: candles                 # trades -> candles
//       input: trades                 # defaults as shown
//       output: candles
//       dlq: candles.dlq
//       windows: [1s, 60s, 300s]      # tumbling; "60s/15s" is size/hop (hopping)
//       grace: 0s                     # how long a window waits for late trades
//       late: dlq                     # dlq | update (re-emit the corrected candle)
//       allowed_lateness: 0s          # update only: how long after closing
//       emit: final                   # final | current (every update)
//       fill_gaps: false              # flat candles for empty windows between trades
//     - name: features
//       kind: features                # candles -> features
//       input: candles
//       output: features
//       dlq: features.dlq
//       candle_seconds: [60]          # which candles (default: all)
//       features: [rsi_14, ema_21, macd_12_26_9, bbands_20_2]
//     - name: store
//       kind: store                   # features -> feature store
//       input: features
//       dlq: features.store.dlq
//       group: market                 # a group of feature_groups
//       offline: sqlite://PATH        # default: the --store directory's
//       online: embedded://PATH
//     - name: predict
//       kind: predict                 # features -> predictions (serve/predict_operator.h)
//       input: features
//       output: predictions
//       dlq: predictions.dlq
//       model: btc-close-5m           # a model of the registry (--registry)
//       alias: production             # or version: N to pin one
//       horizon: 5m                   # target_ts_ms = ts_ms + horizon
//       where: {candle_seconds: 60}   # only these records
//       target: close                 # the feature predicted: the baseline repeats it
//                                     # until the model has a version, and its value at
//                                     # the target time judges each prediction
//       evaluation: predictions.eval  # each prediction next to what happened
//   feature_groups:
//     - name: market
//       version: 1
//       from_stage: features          # schema: that stage's records
//       key: [pair, candle_seconds]
//       event_time: window_end_ms
//       ttl: 15m
//     - name: sensors                 # or declared column by column
//       version: 2
//       key: {sensor: string}
//       event_time: ts_ms
//       features: {temperature: double, status: string, readings: int64}
//   training:                         # retraining while the pipeline runs
//     - config: btc-close-10s.yaml    # an `rtml train` config (relative to this file)
//       every: 1h                     # at start, then this often; a new version is
//                                     # promoted only if it passes the baseline gate
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/features/feature_group.h"
#include "rtml/process/operators.h"

namespace rtml::process {

// A stage that writes a features topic into the feature store (features/store_sink.h).
struct StoreStageOptions {
  std::string input = "features";
  std::string dlq = "features.store.dlq";
  features::FeatureGroup group;  // as declared under feature_groups
  std::string offline_uri;       // empty: the default store's
  std::string online_uri;
};

// A stage that scores a features topic with a registered model; the caller opens the
// registry and makes its operators (serve/predict_operator.h).
struct PredictStageOptions {
  std::string input = "features";
  std::string output = "predictions";
  std::string dlq = "predictions.dlq";
  std::string model;
  std::string alias = "production";
  int64_t version = 0;  // > 0: pinned
  int64_t horizon_ms = 0;
  std::map<std::string, std::string> where;
  std::string target = "close";
  std::string evaluation = "predictions.eval";
  std::string registry;  // empty: the caller's default
};

struct StageConfig {
  std::string name;
  std::variant<CandlesStageOptions, FeaturesStageOptions, StoreStageOptions, PredictStageOptions>
      options;

  const std::string& input() const;
  const std::string& dlq() const;
  // The stage's output and dead-letter topics (a store stage: its dead-letter topic).
  std::vector<std::string> outputs() const;
  // Makes the operator of one input partition. REQUIRES: not a store or predict stage,
  // whose operators need the store or registry the caller opens.
  OperatorFactory Factory() const;
};

// A training run the pipeline repeats on a schedule (the config is read at each run,
// so edits apply to the next).
struct TrainingSchedule {
  std::string config;  // path of an `rtml train` config
  int64_t every_ms = 0;
};

struct PipelineConfig {
  std::string name;
  std::vector<StageConfig> stages;  // in declaration order
  std::vector<features::FeatureGroup> feature_groups;
  std::vector<TrainingSchedule> training;
};

// Parses YAML text; `origin` (a file name) prefixes every error, and relative paths of
// training configs are taken from its directory:
// "market.yaml: stages[1].features[2]: unknown indicator 'rsx_14' (known: ...)".
Result<PipelineConfig> ParsePipelineConfig(std::string_view yaml, std::string_view origin);
// Reads and parses a file (IOError naming it if it cannot be read).
Result<PipelineConfig> LoadPipelineConfig(const std::string& path);

}  // namespace rtml::process
