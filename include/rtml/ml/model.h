// Model: what every model type offers training and serving - fit on a dataset,
// update with new rows where the type can, predict one row or a batch, save to bytes
// and load back (bit-exact predictions after a round trip), and feature importance
// where it is defined. Models are made from a declarative spec (model_spec.h). The
// only user-supplied program ever run is a TorchScript module's forward, inside
// libtorch's interpreter (tensor operations, no Python, no system access).
//
// Threads: Predict and PredictBatch from any number of threads on a fitted model;
// Fit and Update on one thread, with no predictions meanwhile.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ml/dataset.h"

namespace rtml::ml {

// What a model trained in epochs (networks) reports after each one.
struct EpochReport {
  int epoch = 0;  // 1-based
  int epochs = 0;
  double train_loss = 0;
  double validation_loss = 0;  // NaN without validation rows
};
using EpochObserver = std::function<void(const EpochReport&)>;

class Model {
 public:
  virtual ~Model() = default;

  // The type name of its spec ("last_value", "ridge", "xgboost", ...).
  virtual std::string_view type() const = 0;
  // The features it reads, in the order Predict expects them.
  virtual const std::vector<std::string>& feature_names() const = 0;

  // 0 for a regression model; the number of classes (labels 0 .. classes-1) for a
  // classifier, whose Predict is the probability of class 1 when there are two
  // classes and the predicted class when there are more (as XGBoost's binary:logistic
  // and multi:softmax).
  virtual int classes() const { return 0; }
  // The class a classifier's prediction stands for. REQUIRES: classes() >= 2.
  int ClassOf(double prediction) const {
    return classes() == 2 ? (prediction >= 0.5 ? 1 : 0) : static_cast<int>(prediction);
  }

  // Models trained in epochs call `observer` after each one during Fit; others
  // ignore it.
  virtual void ObserveEpochs(EpochObserver /*observer*/) {}

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
