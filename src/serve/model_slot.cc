#include "rtml/serve/model_slot.h"

namespace rtml::serve {

Result<std::unique_ptr<ModelSlot>> ModelSlot::Make(std::shared_ptr<ml::ModelRegistry> registry,
                                                   ModelSlotOptions options) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<ml::Model> model, ml::MakeModel(options.baseline));
  RTML_RETURN_IF_ERROR(model->Fit({.feature_names = model->feature_names()}, {}));
  ml::ModelVersion baseline{.name = options.name,
                            .version = 0,
                            .type = std::string(model->type()),
                            .task = model->classes() >= 2 ? "classification" : "regression",
                            .features = model->feature_names(),
                            .source = "baseline"};
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<ml::ServingModel> serving,
                        ml::ServingModel::Make(std::move(baseline), std::move(model)));
  return std::unique_ptr<ModelSlot>(
      new ModelSlot(std::move(registry), std::move(options), std::move(serving)));
}

ModelSlot::ModelSlot(std::shared_ptr<ml::ModelRegistry> registry, ModelSlotOptions options,
                     std::shared_ptr<const ml::ServingModel> baseline)
    : registry_(std::move(registry)), options_(std::move(options)), current_(std::move(baseline)) {}

Result<bool> ModelSlot::Refresh() {
  const std::string wanted = options_.pinned ? std::to_string(*options_.pinned) : options_.alias;
  Result<ml::ModelVersion> found = registry_->Find(options_.name, wanted);
  if (!found.ok()) {
    // No such model or alias yet: the baseline (or the last model) keeps serving.
    if (found.status().code() == StatusCode::kNotFound) return false;
    return found.status();
  }
  if (found->version == current()->version().version) return false;
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<ml::ServingModel> loaded,
                        registry_->Load(options_.name, std::to_string(found->version)));
  std::lock_guard lock(mu_);
  current_ = std::move(loaded);
  return true;
}

std::shared_ptr<const ml::ServingModel> ModelSlot::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

}  // namespace rtml::serve
