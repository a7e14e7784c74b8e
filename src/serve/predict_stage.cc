#include "rtml/serve/predict_stage.h"

#include "rtml/ml/model_registry.h"
#include "rtml/serve/model_slot.h"
#include "rtml/serve/predict_operator.h"

namespace rtml::serve {

Result<process::OperatorFactory> MakePredictStage(const process::PredictStageOptions& stage) {
  RTML_ASSIGN_OR_RETURN(std::shared_ptr<ml::ModelRegistry> registry,
                        ml::ModelRegistry::Open(stage.registry));
  ModelSlotOptions slot_options{.name = stage.model,
                                .alias = stage.alias,
                                .baseline = {.type = "last_value",
                                             .features = {stage.target},
                                             .text_params = {{"feature", stage.target}}}};
  if (stage.version > 0) slot_options.pinned = stage.version;
  RTML_ASSIGN_OR_RETURN(std::shared_ptr<ModelSlot> slot,
                        ModelSlot::Make(std::move(registry), std::move(slot_options)));
  const bool evaluate = !stage.evaluation.empty();
  const PredictOptions options{.slot = std::move(slot),
                               .output_topic = stage.output,
                               .dead_letter_topic = stage.dlq,
                               .evaluation_topic = stage.evaluation,
                               .actual_feature = evaluate ? stage.target : "",
                               .where = stage.where,
                               .horizon_ms = stage.horizon_ms};
  return process::OperatorFactory([options](int32_t) { return MakePredictOperator(options); });
}

}  // namespace rtml::serve
