// Small fitted models to register in tests: a generated dataset and ridge / XGBoost
// models fitted on it, with their saved bytes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rtml/ml/dataset.h"
#include "rtml/ml/model.h"
#include "rtml/ml/serving_model.h"

namespace rtml::ml::testing {

// y = 3a - 2b + sin(c) + noise over features {close, rsi_14, ema_21}; deterministic
// for a seed.
Dataset Generated(size_t rows, uint64_t seed);

struct Fitted {
  std::unique_ptr<Model> model;
  std::string artifact;  // model->Save()
};

// `type` is "ridge" or "xgboost"; fails the test (and returns no model) if fitting
// fails.
Fitted Fit(const std::string& type, const Dataset& train);

// Metadata as a training run would fill it (Register sets the rest).
ModelVersion Metadata(const std::string& name, const Fitted& fitted);

}  // namespace rtml::ml::testing
