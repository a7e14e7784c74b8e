// One run of `rtml train`: reads the rows its config names (a feature group of the
// store, or a topic, dead-lettering records it cannot use), trains the candidates
// against the baseline, prints what each did, and registers the accepted model.
#pragma once

#include <string>

#include "flags.h"
#include "rtml/core/result.h"
#include "rtml/ml/serving_model.h"
#include "rtml/ml/train_config.h"

namespace rtml::cli {

struct TrainRunResult {
  bool registered = false;
  ml::ModelVersion version;  // when registered
  std::string promoted_as;   // the alias it was promoted to, if any
  std::string verdict;
};

// Reads an `rtml train` config; model spec files it names are relative to its directory.
Result<ml::TrainConfig> LoadTrainConfigFile(const std::string& path);

// `flags` name the broker, the store and the registry. With `report`, progress goes
// to stderr, the results table and verdict to stdout; without, the result says it all.
Result<TrainRunResult> RunTraining(const ml::TrainConfig& config, const ParsedFlags& flags,
                                   bool report = true);

}  // namespace rtml::cli
