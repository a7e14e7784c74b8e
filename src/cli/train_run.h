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
  std::string verdict;
};

// `flags` name the broker, the store and the registry. Progress goes to stderr, the
// results table and verdict to stdout.
Result<TrainRunResult> RunTraining(const ml::TrainConfig& config, const ParsedFlags& flags);

}  // namespace rtml::cli
