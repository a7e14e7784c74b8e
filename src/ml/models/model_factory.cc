// MakeModel and LoadModel (model_spec.h): the model types by family.
#include "model_families.h"

namespace rtml::ml {
namespace {

struct Family {
  std::vector<std::string_view> types;
  Result<std::unique_ptr<Model>> (*make)(const ModelSpec&);
  Result<std::unique_ptr<Model>> (*load)(const ModelBytesReader&);
};

const std::vector<Family>& Families() {
  static const std::vector<Family> families = {
      {{"last_value", "moving_average", "mean", "majority"}, MakeBaselineModel, LoadBaselineModel},
      {{"least_squares", "ridge", "lasso", "huber"}, MakeLinearModel, LoadLinearModel},
      {{"xgboost"}, MakeXGBoostModel, LoadXGBoostModel},
      {{"torchscript"}, MakeTorchModel, LoadTorchModel},
      {{"logistic"}, MakeClassificationModel, LoadClassificationModel},
  };
  return families;
}

const Family* FamilyOf(std::string_view type) {
  for (const Family& family : Families()) {
    for (std::string_view known : family.types) {
      if (known == type) return &family;
    }
  }
  return nullptr;
}

}  // namespace

std::string ModelTypes() {
  std::string out;
  for (const Family& family : Families()) {
    for (std::string_view type : family.types) out += (out.empty() ? "" : ", ") + std::string(type);
  }
  return out;
}

Result<std::unique_ptr<Model>> MakeModel(const ModelSpec& spec) {
  const Family* family = FamilyOf(spec.type);
  if (family == nullptr) {
    return Status::InvalidArgument("unknown model type '" + spec.type +
                                   "' (known: " + ModelTypes() + ")");
  }
  return family->make(spec);
}

Result<std::unique_ptr<Model>> LoadModel(std::string_view bytes) {
  RTML_ASSIGN_OR_RETURN(const ModelBytesReader saved, ModelBytesReader::Parse(bytes));
  const Family* family = FamilyOf(saved.type());
  if (family == nullptr) {
    return Status::Corruption("saved model of unknown type '" + saved.type() + "'");
  }
  return family->load(saved);
}

}  // namespace rtml::ml
