// ModelVersion: what the registry knows about one registered version of a model (its
// type, the features it scores in order, where its data came from, its metrics).
// ServingModel: such a version loaded to score rows, refusing rows whose features are
// not the ones it was trained on.
//
// Threads: ModelVersion is a value type. A ServingModel is immutable once made;
// CheckFeatures, Predict and Score may run on any number of threads at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ml/model.h"

namespace rtml::ml {

// One registered version of a model.
struct ModelVersion {
  std::string name;                   // the registered model, e.g. "btc-close-5m"
  int64_t version = 0;                // 1, 2, ... assigned by Register
  std::string type;                   // model type ("ridge", "xgboost", ...)
  std::string task;                   // "regression" or "classification"
  std::vector<std::string> features;  // the feature schema it scores, in order
  std::string feature_group;          // e.g. "candles_1m" (empty for a topic datasource)
  int32_t feature_group_version = 0;
  std::string source;  // where the data came from: "features:candles_1m@1" or "topic:NAME"
  std::string target;  // what it predicts: "close+300s" or a label field name
  // If non-empty, the model predicts the change from this feature (one of `features`):
  // prediction = model output + row[reference_feature].
  std::string reference_feature;
  std::map<std::string, std::string> params;  // hyperparameters, as text
  std::map<std::string, double> metrics;  // e.g. "test.mae", "baseline.test.mae", "validation.mae"
  int64_t data_from_ms = 0, data_to_ms = 0;  // range of the training data
  int64_t created_ms = 0;                    // set by Register
  double training_seconds = 0;
  std::string artifact_checksum;  // set by Register: crc32c of the artifact, 8 hex digits

  // "btc-close-5m v3", for messages.
  std::string Label() const { return name + " v" + std::to_string(version); }
};

// A registered model ready to score: the model plus its metadata.
class ServingModel {
 public:
  // REQUIRES nothing of its arguments: Corruption if the model does not read exactly
  // `version.features`, or if the reference feature is not one of them.
  static Result<std::unique_ptr<ServingModel>> Make(ModelVersion version,
                                                    std::unique_ptr<Model> model);

  const ModelVersion& version() const { return version_; }
  const Model& model() const { return *model_; }

  // Ok if `names` are exactly the features the model was trained on (same names, same
  // order); else InvalidArgument naming the missing / extra / reordered features, e.g.
  // "model btc-close-5m v3 scores [close, rsi_14] but was given [close, rsi_7]: missing
  // rsi_14, unexpected rsi_7".
  Status CheckFeatures(const std::vector<std::string>& names) const;

  // Scores one row in the model's feature order (adds row[reference_feature] if set).
  // REQUIRES: row.size() == version().features.size().
  double Predict(std::span<const double> row) const;

  // Checks `names` with CheckFeatures (and that `row` has one value per name), then
  // scores. A row in another order is refused, never silently reordered.
  Result<double> Score(const std::vector<std::string>& names, std::span<const double> row) const;

 private:
  ServingModel(ModelVersion version, std::unique_ptr<Model> model, int reference_index)
      : version_(std::move(version)), model_(std::move(model)), reference_index_(reference_index) {}

  ModelVersion version_;
  std::unique_ptr<Model> model_;
  int reference_index_;  // the column of reference_feature, or -1
};

}  // namespace rtml::ml
