// ModelSpec: a model as data - its type, the features it reads and its
// hyperparameters - from YAML or JSON, checked before anything is fitted. Making a
// model from a spec, and loading a saved one, is the only way models come to be:
// nothing a user hands in is executed but a TorchScript module's tensor program.
//
//   type: ridge                       # see ModelTypes()
//   features: [close, rsi_14, ema_21]
//   params: {alpha: 0.5}
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ml/model.h"

namespace rtml::ml {

struct ModelSpec {
  std::string type;
  std::vector<std::string> features;
  std::map<std::string, double> params;            // numeric hyperparameters
  std::map<std::string, std::string> text_params;  // e.g. the feature a baseline repeats
};

// Reads a spec from YAML or JSON text: `type` (required), `features` (a list of
// names) and `params` (a mapping; numbers go to params, other values to
// text_params). Unknown keys are errors. `origin` (a file name) prefixes every error:
// "ridge.yaml: params.alpha: ...". The type and parameters are checked by MakeModel.
Result<ModelSpec> ParseModelSpec(std::string_view text, std::string_view origin);

// The known types, for messages: "last_value, moving_average, mean, least_squares, ...".
std::string ModelTypes();

// A new, unfitted model. InvalidArgument naming the type or parameter that is
// unknown or out of range, with what is accepted.
Result<std::unique_ptr<Model>> MakeModel(const ModelSpec& spec);

// An XGBoost model trained elsewhere, as XGBoost's JSON (`save_model("m.json")`, or the
// `xgboost` CLI's model_out with a .json name), reading `features` in the order the
// model's columns were trained on. InvalidArgument if the JSON names its features
// otherwise; Corruption if it is not a gbtree model; Unsupported for an objective we do
// not predict exactly as XGBoost does (e.g. multi:softprob, count:poisson).
Result<std::unique_ptr<Model>> ImportXGBoostJson(std::string_view json,
                                                 std::vector<std::string> features);

// A network trained elsewhere, as a TorchScript file (torch.jit.script or trace, then
// save), used as it is: forward(x) takes a float Tensor[batch, features] of the raw
// `features`, in that order, and returns Tensor[batch] or [batch, 1] for regression
// (`classes` 0), or [batch, classes] logits for a classifier (see Model::classes()).
// InvalidArgument, with libtorch's reason, if it cannot be loaded or its forward fails
// on such a batch; Unsupported if rtml was built without libtorch.
Result<std::unique_ptr<Model>> ImportTorchScript(std::string_view module,
                                                 std::vector<std::string> features,
                                                 int classes = 0);

// A model saved with Model::Save(). Corruption for bytes that are not one.
Result<std::unique_ptr<Model>> LoadModel(std::string_view bytes);

}  // namespace rtml::ml
