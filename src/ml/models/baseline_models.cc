// The baselines every trained model must beat.
#include <numeric>

#include "model_families.h"

namespace rtml::ml {
namespace {

// Predicts one of its features as it is: the current close for a price ahead
// (last_value), or a moving average the features carry (moving_average).
class FeatureValueModel final : public Model {
 public:
  FeatureValueModel(std::string type, std::vector<std::string> features, size_t index)
      : type_(std::move(type)), features_(std::move(features)), index_(index) {}

  std::string_view type() const override { return type_; }
  const std::vector<std::string>& feature_names() const override { return features_; }
  Status Fit(const Dataset&, const Dataset&) override { return Status::Ok(); }
  Status Update(const Dataset&) override { return Status::Ok(); }
  double Predict(std::span<const double> row) const override { return row[index_]; }
  Result<std::string> Save() const override {
    ModelBytesWriter out(type_, features_);
    out.Text("feature", features_[index_]);
    return out.Finish();
  }

 private:
  const std::string type_;
  const std::vector<std::string> features_;
  const size_t index_;
};

// Predicts the mean of the training targets (a constant).
class MeanModel final : public Model {
 public:
  MeanModel(std::vector<std::string> features, double mean, int64_t count)
      : features_(std::move(features)), mean_(mean), count_(count) {}

  std::string_view type() const override { return "mean"; }
  const std::vector<std::string>& feature_names() const override { return features_; }
  Status Fit(const Dataset& train, const Dataset&) override {
    if (train.rows() == 0) return Status::InvalidArgument("mean: no training rows");
    mean_ =
        std::accumulate(train.y.begin(), train.y.end(), 0.0) / static_cast<double>(train.rows());
    count_ = static_cast<int64_t>(train.rows());
    return Status::Ok();
  }
  // A running mean: the same as fitting on all rows seen.
  Status Update(const Dataset& rows) override {
    for (double y : rows.y) {
      ++count_;
      mean_ += (y - mean_) / static_cast<double>(count_);
    }
    return Status::Ok();
  }
  double Predict(std::span<const double>) const override { return mean_; }
  Result<std::string> Save() const override {
    ModelBytesWriter out("mean", features_);
    out.Number("mean", mean_);
    out.Number("count", static_cast<double>(count_));
    return out.Finish();
  }

 private:
  const std::vector<std::string> features_;
  double mean_;
  int64_t count_;
};

Result<std::unique_ptr<Model>> MakeFeatureValue(const std::string& type,
                                                std::vector<std::string> features,
                                                const std::string& feature) {
  if (feature.empty()) {
    return Status::InvalidArgument(type + ": name the feature it repeats, e.g. params: {feature: " +
                                   (type == "last_value" ? "close" : "sma_20") + "}");
  }
  if (features.empty()) features = {feature};
  for (size_t i = 0; i < features.size(); ++i) {
    if (features[i] == feature) {
      return std::unique_ptr<Model>(
          std::make_unique<FeatureValueModel>(type, std::move(features), i));
    }
  }
  return Status::InvalidArgument(type + ": feature '" + feature + "' is not among its features");
}

}  // namespace

Result<std::unique_ptr<Model>> MakeBaselineModel(const ModelSpec& spec) {
  if (spec.type == "mean")
    return std::unique_ptr<Model>(std::make_unique<MeanModel>(spec.features, 0, 0));
  const auto feature = spec.text_params.find("feature");
  return MakeFeatureValue(spec.type, spec.features,
                          feature == spec.text_params.end() ? std::string() : feature->second);
}

Result<std::unique_ptr<Model>> LoadBaselineModel(const ModelBytesReader& saved) {
  if (saved.type() == "mean") {
    RTML_ASSIGN_OR_RETURN(const double mean, saved.Number("mean"));
    RTML_ASSIGN_OR_RETURN(const double count, saved.Number("count"));
    return std::unique_ptr<Model>(
        std::make_unique<MeanModel>(saved.features(), mean, static_cast<int64_t>(count)));
  }
  RTML_ASSIGN_OR_RETURN(const std::string feature, saved.Text("feature"));
  return MakeFeatureValue(saved.type(), saved.features(), feature);
}

}  // namespace rtml::ml
