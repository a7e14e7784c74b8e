// Linear models on standardised features (Eigen, confined to this file): least
// squares, ridge, lasso (coordinate descent) and Huber (iteratively reweighted least
// squares). The means and deviations come from the training rows only, so nothing of
// the validation or test rows leaks into the model.
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <set>

#include "model_families.h"

namespace rtml::ml {
namespace {

enum class Kind { kLeastSquares, kRidge, kLasso, kHuber };

struct LinearParams {
  double alpha = 0;       // ridge / lasso penalty (on standardised weights)
  double epsilon = 1.35;  // huber: residuals beyond epsilon x scale count linearly
  int max_iter = 1000;
  double tol = 1e-9;
};

double SoftThreshold(double value, double threshold) {
  if (value > threshold) return value - threshold;
  if (value < -threshold) return value + threshold;
  return 0;
}

double Median(std::vector<double> values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  return values[mid];
}

class LinearModel final : public Model {
 public:
  LinearModel(std::string type, Kind kind, std::vector<std::string> features, LinearParams params)
      : type_(std::move(type)), kind_(kind), features_(std::move(features)), params_(params) {}

  std::string_view type() const override { return type_; }
  const std::vector<std::string>& feature_names() const override { return features_; }

  Status Fit(const Dataset& train, const Dataset&) override {
    RTML_RETURN_IF_ERROR(train.Validate());
    const Eigen::Index n = static_cast<Eigen::Index>(train.rows());
    const Eigen::Index p = static_cast<Eigen::Index>(features_.size());
    if (train.features() != features_.size()) {
      return Status::InvalidArgument(type_ + ": the rows have " + std::to_string(train.features()) +
                                     " features, the model reads " + std::to_string(p));
    }
    if (n < 2) return Status::InvalidArgument(type_ + ": at least 2 training rows are needed");
    const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
        x(train.x.data(), n, p);
    const Eigen::Map<const Eigen::VectorXd> y(train.y.data(), n);
    const Eigen::RowVectorXd mean = x.colwise().mean();
    Eigen::MatrixXd xs = x.rowwise() - mean;
    Eigen::RowVectorXd scale =
        (xs.array().square().colwise().sum() / static_cast<double>(n)).sqrt();
    for (Eigen::Index j = 0; j < p; ++j) {
      if (!(scale(j) > 0)) scale(j) = 1;  // a constant feature: weight 0 either way
    }
    xs.array().rowwise() /= scale.array();
    const double y_mean = y.mean();
    const Eigen::VectorXd yc = y.array() - y_mean;
    Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
    double intercept = y_mean;
    switch (kind_) {
      case Kind::kLeastSquares:
        w = xs.colPivHouseholderQr().solve(yc);
        break;
      case Kind::kRidge: {
        Eigen::MatrixXd a = xs.transpose() * xs;
        a.diagonal().array() += static_cast<double>(n) * params_.alpha;
        w = a.ldlt().solve(xs.transpose() * yc);
        break;
      }
      case Kind::kLasso:
        w = Lasso(xs, yc);
        break;
      case Kind::kHuber:
        RTML_RETURN_IF_ERROR(Huber(xs, y, w, intercept));
        break;
    }
    if (!w.allFinite() || !std::isfinite(intercept)) {
      return Status::InvalidArgument(type_ + ": the fit did not converge to finite weights");
    }
    mean_.assign(mean.data(), mean.data() + p);
    scale_.assign(scale.data(), scale.data() + p);
    weights_.assign(w.data(), w.data() + p);
    intercept_ = intercept;
    return Status::Ok();
  }

  double Predict(std::span<const double> row) const override {
    double sum = intercept_;
    for (size_t j = 0; j < weights_.size(); ++j)
      sum += weights_[j] * ((row[j] - mean_[j]) / scale_[j]);
    return sum;
  }

  Result<std::string> Save() const override {
    ModelBytesWriter out(type_, features_);
    out.Numbers("mean", mean_);
    out.Numbers("scale", scale_);
    out.Numbers("weights", weights_);
    out.Number("intercept", intercept_);
    out.Numbers("params", std::vector<double>{params_.alpha, params_.epsilon,
                                              static_cast<double>(params_.max_iter), params_.tol});
    return out.Finish();
  }

  Status Restore(const ModelBytesReader& saved) {
    const size_t p = features_.size();
    RTML_ASSIGN_OR_RETURN(mean_, saved.Numbers("mean", p));
    RTML_ASSIGN_OR_RETURN(scale_, saved.Numbers("scale", p));
    RTML_ASSIGN_OR_RETURN(weights_, saved.Numbers("weights", p));
    RTML_ASSIGN_OR_RETURN(intercept_, saved.Number("intercept"));
    RTML_ASSIGN_OR_RETURN(const std::vector<double> params, saved.Numbers("params", 4));
    params_ = {params[0], params[1], static_cast<int>(params[2]), params[3]};
    return Status::Ok();
  }

  // |weight| of each standardised feature: its effect per deviation.
  std::vector<std::pair<std::string, double>> FeatureImportance() const override {
    std::vector<std::pair<std::string, double>> out;
    for (size_t j = 0; j < weights_.size(); ++j)
      out.emplace_back(features_[j], std::abs(weights_[j]));
    return out;
  }

 private:
  // Minimises ||yc - xs w||² / 2n + alpha ||w||₁ by cyclic coordinate descent.
  Eigen::VectorXd Lasso(const Eigen::MatrixXd& xs, const Eigen::VectorXd& yc) const {
    const double n = static_cast<double>(xs.rows());
    Eigen::VectorXd w = Eigen::VectorXd::Zero(xs.cols());
    Eigen::VectorXd residual = yc;
    const Eigen::VectorXd norms = xs.colwise().squaredNorm().transpose() / n;
    for (int iter = 0; iter < params_.max_iter; ++iter) {
      double largest_step = 0;
      for (Eigen::Index j = 0; j < xs.cols(); ++j) {
        if (norms(j) == 0) continue;
        const double rho = xs.col(j).dot(residual) / n + norms(j) * w(j);
        const double next = SoftThreshold(rho, params_.alpha) / norms(j);
        const double step = next - w(j);
        if (step != 0) {
          residual -= step * xs.col(j);
          w(j) = next;
          largest_step = std::max(largest_step, std::abs(step));
        }
      }
      if (largest_step < params_.tol) break;
    }
    return w;
  }

  // Huber loss by IRLS: rows whose residual is beyond epsilon x a robust scale
  // (median absolute residual / 0.6745) get weight epsilon x scale / |residual|.
  Status Huber(const Eigen::MatrixXd& xs, const Eigen::VectorXd& y, Eigen::VectorXd& w,
               double& intercept) const {
    const Eigen::Index n = xs.rows();
    Eigen::MatrixXd design(n, xs.cols() + 1);
    design.col(0).setOnes();
    design.rightCols(xs.cols()) = xs;
    Eigen::VectorXd beta = design.colPivHouseholderQr().solve(y);
    for (int iter = 0; iter < params_.max_iter; ++iter) {
      const Eigen::VectorXd residual = y - design * beta;
      std::vector<double> magnitudes(static_cast<size_t>(n));
      for (Eigen::Index i = 0; i < n; ++i)
        magnitudes[static_cast<size_t>(i)] = std::abs(residual(i));
      const double scale = Median(magnitudes) / 0.6745;
      if (!(scale > 0)) break;  // (nearly) every row fits exactly
      const double limit = params_.epsilon * scale;
      Eigen::VectorXd weights(n);
      for (Eigen::Index i = 0; i < n; ++i) {
        weights(i) = std::abs(residual(i)) <= limit ? 1.0 : limit / std::abs(residual(i));
      }
      const Eigen::MatrixXd weighted = design.array().colwise() * weights.array();
      Eigen::MatrixXd normal = design.transpose() * weighted;
      normal.diagonal().tail(xs.cols()).array() += 1e-10 * static_cast<double>(n);
      const Eigen::VectorXd next = normal.ldlt().solve(weighted.transpose() * y);
      const double change = (next - beta).cwiseAbs().maxCoeff();
      beta = next;
      if (change < params_.tol * (1 + beta.cwiseAbs().maxCoeff())) break;
    }
    intercept = beta(0);
    w = beta.tail(xs.cols());
    return Status::Ok();
  }

  const std::string type_;
  const Kind kind_;
  const std::vector<std::string> features_;
  LinearParams params_;
  std::vector<double> mean_, scale_, weights_;
  double intercept_ = 0;
};

struct TypeInfo {
  const char* name;
  Kind kind;
  double default_alpha;
};
constexpr TypeInfo kTypes[] = {{"least_squares", Kind::kLeastSquares, 0},
                               {"ridge", Kind::kRidge, 1.0},
                               {"lasso", Kind::kLasso, 0.01},
                               {"huber", Kind::kHuber, 0}};

const TypeInfo* Find(std::string_view type) {
  for (const TypeInfo& info : kTypes) {
    if (type == info.name) return &info;
  }
  return nullptr;
}

}  // namespace

Result<std::unique_ptr<Model>> MakeLinearModel(const ModelSpec& spec) {
  const TypeInfo* info = Find(spec.type);
  if (info == nullptr) return Status::InvalidArgument("not a linear model type: " + spec.type);
  if (spec.features.empty()) return Status::InvalidArgument(spec.type + ": declare its features");
  LinearParams params{.alpha = info->default_alpha};
  const std::set<std::string> accepted =
      info->kind == Kind::kHuber          ? std::set<std::string>{"epsilon", "max_iter", "tol"}
      : info->kind == Kind::kLeastSquares ? std::set<std::string>{}
                                          : std::set<std::string>{"alpha", "max_iter", "tol"};
  for (const auto& [name, value] : spec.params) {
    if (!accepted.contains(name)) {
      std::string names;
      for (const std::string& a : accepted) names += (names.empty() ? "" : ", ") + a;
      return Status::InvalidArgument(spec.type + ": unknown parameter '" + name +
                                     "' (accepted: " + (names.empty() ? "none" : names) + ")");
    }
    const bool positive = name != "alpha";
    if (!std::isfinite(value) || value < 0 || (positive && value == 0)) {
      return Status::InvalidArgument(spec.type + ": parameter " + name + " must be " +
                                     (positive ? "above 0" : "0 or more"));
    }
    if (name == "alpha") params.alpha = value;
    if (name == "epsilon") params.epsilon = value;
    if (name == "max_iter") params.max_iter = static_cast<int>(value);
    if (name == "tol") params.tol = value;
  }
  if (info->kind == Kind::kHuber && params.epsilon < 1) {
    return Status::InvalidArgument("huber: epsilon must be 1 or more (1.35 is usual)");
  }
  return std::unique_ptr<Model>(
      std::make_unique<LinearModel>(spec.type, info->kind, spec.features, params));
}

Result<std::unique_ptr<Model>> LoadLinearModel(const ModelBytesReader& saved) {
  const TypeInfo* info = Find(saved.type());
  if (info == nullptr) return Status::Corruption("saved model: unknown type " + saved.type());
  auto model =
      std::make_unique<LinearModel>(saved.type(), info->kind, saved.features(), LinearParams{});
  RTML_RETURN_IF_ERROR(model->Restore(saved));
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace rtml::ml
