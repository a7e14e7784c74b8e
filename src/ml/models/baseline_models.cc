// The baselines every trained model must beat.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "class_labels.h"
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

// A classifier that always answers the most frequent training class: for two
// classes the share of class 1 (so ClassOf gives the majority, a tie going to class
// 1), for more the class itself (a tie going to the lowest).
class MajorityModel final : public Model {
 public:
  MajorityModel(std::vector<std::string> features, int fixed_classes, std::vector<int64_t> counts)
      : features_(std::move(features)), fixed_classes_(fixed_classes), counts_(std::move(counts)) {
    Recompute();
  }

  std::string_view type() const override { return "majority"; }
  const std::vector<std::string>& feature_names() const override { return features_; }
  // Before Fit: the `classes` parameter, or 2.
  int classes() const override {
    return counts_.empty() ? std::max(fixed_classes_, 2) : static_cast<int>(counts_.size());
  }
  Status Fit(const Dataset& train, const Dataset&) override {
    RTML_ASSIGN_OR_RETURN(counts_, CountClasses(train, fixed_classes_, "majority"));
    Recompute();
    return Status::Ok();
  }
  // Counts the new rows' classes: the same as fitting on all rows seen. Its classes
  // stay those of the first Fit.
  Status Update(const Dataset& rows) override {
    if (rows.rows() == 0) return Status::Ok();
    if (counts_.empty()) return Fit(rows, Dataset{});
    RTML_ASSIGN_OR_RETURN(const std::vector<int64_t> more,
                          CountClasses(rows, static_cast<int>(counts_.size()), "majority"));
    for (size_t c = 0; c < more.size(); ++c) counts_[c] += more[c];
    Recompute();
    return Status::Ok();
  }
  double Predict(std::span<const double>) const override { return prediction_; }
  Result<std::string> Save() const override {
    ModelBytesWriter out("majority", features_);
    out.Number("fixed_classes", fixed_classes_);
    out.Number("classes", static_cast<double>(counts_.size()));
    std::vector<double> counts(counts_.begin(), counts_.end());
    out.Numbers("counts", counts);
    return out.Finish();
  }

 private:
  void Recompute() {
    if (counts_.size() == 2) {
      prediction_ = static_cast<double>(counts_[1]) / static_cast<double>(counts_[0] + counts_[1]);
    } else if (!counts_.empty()) {
      prediction_ =
          static_cast<double>(std::max_element(counts_.begin(), counts_.end()) - counts_.begin());
    }
  }

  const std::vector<std::string> features_;
  const int fixed_classes_;      // the `classes` parameter; 0: from the training labels
  std::vector<int64_t> counts_;  // rows per class; empty before Fit
  double prediction_ = 0;
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
  if (spec.type == "majority") {
    int classes = 0;
    for (const auto& [name, value] : spec.params) {
      if (name != "classes") {
        return Status::InvalidArgument("majority: unknown parameter '" + name +
                                       "' (accepted: classes)");
      }
      if (!(value >= 2 && value <= kMaxClasses && value == std::floor(value))) {
        return Status::InvalidArgument("majority: classes must be a whole number in [2, " +
                                       std::to_string(kMaxClasses) + "]");
      }
      classes = static_cast<int>(value);
    }
    return std::unique_ptr<Model>(
        std::make_unique<MajorityModel>(spec.features, classes, std::vector<int64_t>{}));
  }
  if (spec.type == "mean")
    return std::unique_ptr<Model>(std::make_unique<MeanModel>(spec.features, 0, 0));
  const auto feature = spec.text_params.find("feature");
  return MakeFeatureValue(spec.type, spec.features,
                          feature == spec.text_params.end() ? std::string() : feature->second);
}

Result<std::unique_ptr<Model>> LoadBaselineModel(const ModelBytesReader& saved) {
  if (saved.type() == "majority") {
    RTML_ASSIGN_OR_RETURN(const double fixed_classes, saved.Number("fixed_classes"));
    RTML_ASSIGN_OR_RETURN(const double classes, saved.Number("classes"));
    if (!(classes >= 0 && classes <= kMaxClasses)) {
      return Status::Corruption("saved majority model: classes out of range");
    }
    RTML_ASSIGN_OR_RETURN(const std::vector<double> counts,
                          saved.Numbers("counts", static_cast<size_t>(classes)));
    for (const double count : counts) {
      if (!(count >= 0 && count == std::floor(count))) {
        return Status::Corruption("saved majority model: a class count is not a count");
      }
    }
    return std::unique_ptr<Model>(
        std::make_unique<MajorityModel>(saved.features(), static_cast<int>(fixed_classes),
                                        std::vector<int64_t>(counts.begin(), counts.end())));
  }
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
