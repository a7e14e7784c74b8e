// Internal: each family of model types makes and loads its models; model_factory.cc
// dispatches by type name.
#pragma once

#include <memory>

#include "model_bytes.h"
#include "rtml/ml/model_spec.h"

namespace rtml::ml {

// last_value, moving_average (repeat a feature: the current close, an sma_N), mean
// (the training targets' mean), majority (the most frequent training class).
Result<std::unique_ptr<Model>> MakeBaselineModel(const ModelSpec& spec);
Result<std::unique_ptr<Model>> LoadBaselineModel(const ModelBytesReader& saved);

// least_squares, ridge, lasso, huber, on features standardised with the training
// rows' means and deviations.
Result<std::unique_ptr<Model>> MakeLinearModel(const ModelSpec& spec);
Result<std::unique_ptr<Model>> LoadLinearModel(const ModelBytesReader& saved);

// logistic: logistic regression (sigmoid for two classes, softmax for more) on
// standardised features.
Result<std::unique_ptr<Model>> MakeClassificationModel(const ModelSpec& spec);
Result<std::unique_ptr<Model>> LoadClassificationModel(const ModelBytesReader& saved);

// torchscript: a network the user saved as a TorchScript module, trained through
// libtorch in the plugin librtml_torch.so (src/ml/torch/), opened on first use.
// Unsupported, saying why, when the plugin cannot be opened or rtml is built with
// RTML_WITH_TORCH=OFF.
Result<std::unique_ptr<Model>> MakeTorchModel(const ModelSpec& spec);
Result<std::unique_ptr<Model>> LoadTorchModel(const ModelBytesReader& saved);

// xgboost: gradient-boosted trees through XGBoost's C API.
Result<std::unique_ptr<Model>> MakeXGBoostModel(const ModelSpec& spec);
Result<std::unique_ptr<Model>> LoadXGBoostModel(const ModelBytesReader& saved);
// XGBoost's own prediction of `row` through the library, which the model's Predict
// (its own tree walk) must equal bit for bit. InvalidArgument if not an xgboost model.
Result<double> XGBoostLibraryPredict(const Model& model, std::span<const double> row);

}  // namespace rtml::ml
