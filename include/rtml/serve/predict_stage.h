// The operators of a pipeline's predict stage (process/pipeline_config.h) as every
// runner of it makes them: one model slot of the stage's registry shared by the
// stage's partitions, the baseline (last_value of the target) until a version
// serves, and live evaluation into the stage's evaluation topic (none if it is empty).
#pragma once

#include "rtml/core/result.h"
#include "rtml/process/operator.h"
#include "rtml/process/pipeline_config.h"

namespace rtml::serve {

// REQUIRES: stage.registry names the registry's directory.
Result<process::OperatorFactory> MakePredictStage(const process::PredictStageOptions& stage);

}  // namespace rtml::serve
