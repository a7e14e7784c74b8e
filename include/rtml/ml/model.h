// Model: what every model type offers training and serving - fit on a dataset,
// update with new rows where the type can, predict one row or a batch, save to bytes
// and load back (bit-exact predictions after a round trip), and feature importance
// where it is defined. Models are made from a declarative spec (model_spec.h); no
// code a user hands in is ever executed.
//
// Threads: Predict and PredictBatch from any number of threads on a fitted model;
// Fit and Update on one thread, with no predictions meanwhile.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ml/dataset.h"

namespace rtml::ml {

class Model {
 public:
  virtual ~Model() = default;

  // The type name of its spec ("last_value", "ridge", "xgboost", ...).
  virtual std::string_view type() const = 0;
  // The features it reads, in the order Predict expects them.
  virtual const std::vector<std::string>& feature_names() const = 0;

  // Fits on `train`; `validation` (may be empty) is for early stopping where the type
  // has it. InvalidArgument for data it cannot fit (no rows, missing features).
  virtual Status Fit(const Dataset& train, const Dataset& validation) = 0;

  // Learns from new rows without forgetting the old; Unsupported where the type
  // cannot.
  virtual Status Update(const Dataset& /*rows*/) {
    return Status::Unsupported(std::string(type()) + " models cannot be updated incrementally");
  }

  // REQUIRES: fitted; row.size() == feature_names().size(). NaN (and a logged
  // warning) if a library the model runs on fails.
  virtual double Predict(std::span<const double> row) const = 0;
  // One prediction per row of `data` (whose features are this model's, in order).
  virtual void PredictBatch(const Dataset& data, std::span<double> out) const;

  // The fitted model as bytes, and back (LoadModel, model_spec.h).
  virtual Result<std::string> Save() const = 0;

  // (feature, importance) where the type defines it, else empty.
  virtual std::vector<std::pair<std::string, double>> FeatureImportance() const { return {}; }
};

}  // namespace rtml::ml
