// TrainConfig: a training run as data (`rtml train --config train.yaml`) - where the
// rows come from, what is predicted, the candidate models and their search, the
// baseline and the gate, where an accepted model is registered, and how often the
// run repeats. Read from YAML; every mistake is an error naming its place.
//
//   name: btc-close-5m                 # the registered model
//   data:                              # a feature group (market flow) ...
//     feature_group: market
//     where: {pair: BTCUSDT, candle_seconds: 60}
//     from: 2026-11-01T00:00:00Z       # optional
//   target: {feature: close, ahead: 5m}  # or `as: direction` (classification)
//   # data: {topic: training, format: csv, label: y}   ... or a topic (generic flow)
//   candidates:
//     - type: ridge
//       params: {alpha: 1}
//       search: {alpha: {low: 0.001, high: 100, log: true}}
//     - file: xgb.yaml                 # a model spec file
//   search: {trials: 20, budget: 2m, folds: 0, seed: 1}
//   split: {validation: 0.15, test: 0.15}
//   gate: {metric: mae, margin: 0.01}
//   promote: production                # point this alias at an accepted version
//   every: 1h                          # retrain on a schedule
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "rtml/core/result.h"
#include "rtml/ml/datasources.h"
#include "rtml/ml/trainer.h"

namespace rtml::ml {

// The market flow's data: a feature group, read when the run starts.
struct StoreSource {
  std::string group;
  std::optional<int32_t> version;  // the newest if absent
  std::map<std::string, std::string> where;
  std::vector<std::string> features;
  std::string target;
  int64_t ahead_ms = 0;
  bool direction = false;
  features::TimeRange range;
};

struct TrainConfig {
  std::string name;
  std::variant<StoreSource, TopicDataOptions> data;
  TrainPlan plan;       // candidates' features are the data's when their spec has none
  std::string promote;  // alias to move to an accepted version; empty: none
  int64_t every_ms = 0;
};

// Reads a config. Model specs named by `file:` are read relative to `directory`.
// Candidates are checked (type and parameters) before any data is read.
Result<TrainConfig> ParseTrainConfig(std::string_view yaml, std::string_view origin,
                                     const std::string& directory);

// The baseline a task is judged against when the config names none: for a target
// ahead, its current value (last_value of it) or the majority direction; for a
// topic, the training mean or the majority class.
ModelSpec DefaultBaseline(Task task, const std::string& reference_feature);

}  // namespace rtml::ml
