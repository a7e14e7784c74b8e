// Logistic regression (Eigen, confined to this file): the probability of class 1 by a
// sigmoid for two classes, the most probable class by a softmax for more, with an L2
// penalty on the weights of standardised features. As in linear_models.cc, the means
// and deviations come from the training rows only.
//
// It minimises the mean log loss + alpha/2 ||weights||² (the intercepts are not
// penalised): by Newton's method for two classes (quadratic convergence, a handful of
// steps), by L-BFGS for more (one gradient per step, cheap for many classes).
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>

#include "class_labels.h"
#include "model_families.h"
#include "rtml/core/log.h"

namespace rtml::ml {
namespace {

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

struct LogisticParams {
  double alpha = 1e-4;  // L2 penalty on standardised weights
  int classes = 0;      // 0: the largest training label + 1, at least 2
  int max_iter = 500;
  double tol = 1e-8;  // stop when no gradient component exceeds it
};

// log(1 + e^z) without overflow.
double Log1pExp(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

// The objective and its gradient for the coefficients `beta` ((features + 1) x
// columns, row 0 the intercepts) of the design `z` (a column of ones, then the
// standardised features).
class LogLoss {
 public:
  LogLoss(const Matrix& z, const std::vector<int>& labels, int classes, double alpha)
      : z_(z),
        labels_(labels),
        classes_(classes),
        alpha_(alpha),
        n_(static_cast<double>(z.rows())) {}

  // Two classes: one column, the log-odds of class 1.
  double Binary(const Vector& beta, Vector* gradient, Vector* curvature) const {
    const Vector score = z_ * beta;
    Vector residual(score.size());
    double loss = 0;
    for (Eigen::Index i = 0; i < score.size(); ++i) {
      const double s = score(i);
      const bool one = labels_[static_cast<size_t>(i)] == 1;
      loss += Log1pExp(s) - (one ? s : 0);
      const double p = 1 / (1 + std::exp(-s));
      residual(i) = p - (one ? 1 : 0);
      if (curvature != nullptr) (*curvature)(i) = p * (1 - p);
    }
    if (gradient != nullptr) {
      *gradient = z_.transpose() * residual / n_;
      gradient->tail(gradient->size() - 1) += alpha_ * beta.tail(beta.size() - 1);
    }
    return loss / n_ + alpha_ / 2 * beta.tail(beta.size() - 1).squaredNorm();
  }

  // More classes: one column per class, flattened column by column.
  double Multinomial(const Vector& flat, Vector* gradient) const {
    const Eigen::Map<const Matrix> beta(flat.data(), z_.cols(), classes_);
    Matrix score = z_ * beta;  // becomes P - Y
    double loss = 0;
    for (Eigen::Index i = 0; i < score.rows(); ++i) {
      const double top = score.row(i).maxCoeff();
      const double sum = (score.row(i).array() - top).exp().sum();
      const int label = labels_[static_cast<size_t>(i)];
      loss += top + std::log(sum) - score(i, label);
      score.row(i) = (score.row(i).array() - top).exp() / sum;
      score(i, label) -= 1;
    }
    const auto weights = beta.bottomRows(beta.rows() - 1);
    if (gradient != nullptr) {
      gradient->resize(flat.size());
      Eigen::Map<Matrix> g(gradient->data(), z_.cols(), classes_);
      g.noalias() = z_.transpose() * score / n_;
      g.bottomRows(g.rows() - 1) += alpha_ * weights;
    }
    return loss / n_ + alpha_ / 2 * weights.squaredNorm();
  }

  // Two classes: the Hessian from the curvature Binary() returned (plus a trace of
  // ridge, so that it can be solved without a penalty even for separable classes).
  Matrix BinaryHessian(const Vector& curvature) const {
    const Matrix weighted = z_.array().colwise() * curvature.array();
    Matrix hessian = z_.transpose() * weighted / n_;
    hessian.diagonal().tail(hessian.rows() - 1).array() += alpha_;
    hessian.diagonal().array() += 1e-12;
    return hessian;
  }

  Eigen::Index rows() const { return z_.rows(); }

 private:
  const Matrix& z_;
  const std::vector<int>& labels_;
  const int classes_;
  const double alpha_;
  const double n_;
};

struct Outcome {
  int iterations = 0;
  double gradient = 0;  // the largest gradient component at the end
};

double Largest(const Vector& gradient) { return gradient.cwiseAbs().maxCoeff(); }

// Backtracking along `direction` from `beta` (where the objective is `value` with
// `gradient`, and `slope` = gradient . direction < 0): takes the first of the steps
// 1, 1/2, 1/4, ... that lowers the objective by at least 1e-4 x step x |slope|, and
// updates beta, value and gradient to it. False if none does (rounding has won).
template <typename Evaluate>
bool LineSearch(const Evaluate& evaluate, const Vector& direction, double slope, Vector& beta,
                double& value, Vector& gradient) {
  Vector next, next_gradient;
  for (double step = 1; step > 1e-10; step /= 2) {
    next = beta + step * direction;
    const double next_value = evaluate(next, next_gradient);
    if (next_value <= value + 1e-4 * step * slope) {
      beta.swap(next);
      gradient.swap(next_gradient);
      value = next_value;
      return true;
    }
  }
  return false;
}

Outcome Newton(const LogLoss& loss, Vector& beta, const LogisticParams& params) {
  Vector gradient, curvature(loss.rows()), next_curvature(loss.rows());
  double value = loss.Binary(beta, &gradient, &curvature);
  const auto evaluate = [&](const Vector& at, Vector& at_gradient) {
    return loss.Binary(at, &at_gradient, &next_curvature);
  };
  Outcome out;
  for (; out.iterations < params.max_iter; ++out.iterations) {
    if (Largest(gradient) <= params.tol) break;
    const Vector direction = -loss.BinaryHessian(curvature).ldlt().solve(gradient);
    const double slope = gradient.dot(direction);
    if (!(slope < 0) || !LineSearch(evaluate, direction, slope, beta, value, gradient)) break;
    curvature.swap(next_curvature);  // the last point evaluated is the one taken
  }
  out.gradient = Largest(gradient);
  return out;
}

// Limited-memory BFGS: the last kMemory steps and gradient changes stand in for the
// inverse Hessian.
Outcome Lbfgs(const LogLoss& loss, Vector& beta, const LogisticParams& params) {
  constexpr size_t kMemory = 10;
  struct Pair {
    Vector step, change;  // s and y
    double rho;           // 1 / (y . s)
  };
  std::deque<Pair> memory;
  Vector gradient;
  double value = loss.Multinomial(beta, &gradient);
  const auto evaluate = [&](const Vector& at, Vector& at_gradient) {
    return loss.Multinomial(at, &at_gradient);
  };
  Outcome out;
  std::vector<double> a(kMemory);
  for (; out.iterations < params.max_iter; ++out.iterations) {
    if (Largest(gradient) <= params.tol) break;
    Vector direction = -gradient;
    for (size_t i = memory.size(); i-- > 0;) {
      a[i] = memory[i].rho * memory[i].step.dot(direction);
      direction -= a[i] * memory[i].change;
    }
    if (!memory.empty()) {
      direction *= 1 / (memory.back().rho * memory.back().change.squaredNorm());
    }
    for (size_t i = 0; i < memory.size(); ++i) {
      const double b = memory[i].rho * memory[i].change.dot(direction);
      direction += (a[i] - b) * memory[i].step;
    }
    double slope = gradient.dot(direction);
    if (!(slope < 0)) {  // the memory misleads: start over from steepest descent
      memory.clear();
      direction = -gradient;
      slope = -gradient.squaredNorm();
    }
    const Vector previous = beta, previous_gradient = gradient;
    if (!LineSearch(evaluate, direction, slope, beta, value, gradient)) {
      if (memory.empty()) break;
      memory.clear();
      continue;
    }
    Pair pair{beta - previous, gradient - previous_gradient, 0};
    const double curvature = pair.change.dot(pair.step);
    // Only pairs with clear positive curvature keep the approximation positive definite.
    if (curvature > 1e-12 * pair.step.norm() * pair.change.norm()) {
      pair.rho = 1 / curvature;
      memory.push_back(std::move(pair));
      if (memory.size() > kMemory) memory.pop_front();
    }
  }
  out.gradient = Largest(gradient);
  return out;
}

class LogisticModel final : public Model {
 public:
  LogisticModel(std::vector<std::string> features, LogisticParams params)
      : features_(std::move(features)),
        params_(params),
        classes_(params.classes > 0 ? params.classes : 2) {}

  std::string_view type() const override { return "logistic"; }
  const std::vector<std::string>& feature_names() const override { return features_; }
  // Before Fit: the `classes` parameter, or 2.
  int classes() const override { return classes_; }

  Status Fit(const Dataset& train, const Dataset&) override {
    RTML_RETURN_IF_ERROR(train.Validate());
    if (train.features() != features_.size()) {
      return Status::InvalidArgument("logistic: the rows have " + std::to_string(train.features()) +
                                     " features, the model reads " +
                                     std::to_string(features_.size()));
    }
    RTML_ASSIGN_OR_RETURN(const std::vector<int64_t> counts,
                          CountClasses(train, params_.classes, "logistic"));
    const int classes = static_cast<int>(counts.size());
    // An absent class would need an intercept of minus infinity.
    for (int c = 0; c < classes; ++c) {
      if (counts[static_cast<size_t>(c)] == 0) {
        return Status::InvalidArgument("logistic: no training row has class " + std::to_string(c) +
                                       " (of " + std::to_string(classes) +
                                       "); each class needs rows" +
                                       (std::count(counts.begin(), counts.end(), 0) == classes - 1
                                            ? " - a classifier needs at least two classes"
                                            : ""));
      }
    }
    const Eigen::Index n = static_cast<Eigen::Index>(train.rows());
    const Eigen::Index p = static_cast<Eigen::Index>(features_.size());
    const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
        x(train.x.data(), n, p);
    const Eigen::RowVectorXd mean = x.colwise().mean();
    Matrix z(n, p + 1);
    z.col(0).setOnes();
    z.rightCols(p) = x.rowwise() - mean;
    Eigen::RowVectorXd scale =
        (z.rightCols(p).array().square().colwise().sum() / static_cast<double>(n)).sqrt();
    for (Eigen::Index j = 0; j < p; ++j) {
      if (!(scale(j) > 0)) scale(j) = 1;  // a constant feature: weight 0 either way
    }
    z.rightCols(p).array().rowwise() /= scale.array();
    std::vector<int> labels(train.y.begin(), train.y.end());
    const LogLoss loss(z, labels, classes, params_.alpha);

    // Start from the class shares, weights 0.
    Matrix beta = Matrix::Zero(p + 1, classes == 2 ? 1 : classes);
    const double rows = static_cast<double>(n);
    if (classes == 2) {
      beta(0, 0) = std::log(static_cast<double>(counts[1]) / static_cast<double>(counts[0]));
    } else {
      for (int c = 0; c < classes; ++c)
        beta(0, c) = std::log(static_cast<double>(counts[static_cast<size_t>(c)]) / rows);
    }
    Vector flat = Eigen::Map<const Vector>(beta.data(), beta.size());
    const auto [iterations, gradient] =
        classes == 2 ? Newton(loss, flat, params_) : Lbfgs(loss, flat, params_);
    if (!flat.allFinite()) {
      return Status::InvalidArgument("logistic: the fit did not converge to finite weights");
    }
    if (!(gradient <= params_.tol)) {
      char text[160];
      std::snprintf(text, sizeof text,
                    "logistic: stopped after %d iterations (max_iter %d) with a gradient "
                    "component at %g, above tol %g; the weights may be rough",
                    iterations, params_.max_iter, gradient, params_.tol);
      LogWarning(text);
    }
    beta = Eigen::Map<const Matrix>(flat.data(), p + 1, beta.cols());
    classes_ = classes;
    mean_.assign(mean.data(), mean.data() + p);
    scale_.assign(scale.data(), scale.data() + p);
    intercepts_.clear();
    weights_.clear();
    for (Eigen::Index c = 0; c < beta.cols(); ++c) {
      intercepts_.push_back(beta(0, c));
      for (Eigen::Index j = 1; j <= p; ++j) weights_.push_back(beta(j, c));
    }
    return Status::Ok();
  }

  double Predict(std::span<const double> row) const override {
    if (intercepts_.empty()) return std::numeric_limits<double>::quiet_NaN();  // not fitted
    if (classes_ == 2) return 1 / (1 + std::exp(-Score(row, 0)));
    int best = 0;
    double best_score = Score(row, 0);
    for (int c = 1; c < classes_; ++c) {
      const double score = Score(row, c);
      if (score > best_score) {
        best = c;
        best_score = score;
      }
    }
    // A NaN feature gives no class (as the sigmoid gives no probability).
    if (std::isnan(best_score)) return std::numeric_limits<double>::quiet_NaN();
    return best;
  }

  Result<std::string> Save() const override {
    ModelBytesWriter out("logistic", features_);
    out.Number("classes", classes_);
    out.Numbers("mean", mean_);
    out.Numbers("scale", scale_);
    out.Numbers("intercepts", intercepts_);
    out.Numbers("weights", weights_);
    out.Numbers("params", std::vector<double>{params_.alpha, static_cast<double>(params_.classes),
                                              static_cast<double>(params_.max_iter), params_.tol});
    return out.Finish();
  }

  Status Restore(const ModelBytesReader& saved) {
    RTML_ASSIGN_OR_RETURN(const double classes, saved.Number("classes"));
    if (!(classes >= 2 && classes <= kMaxClasses)) {
      return Status::Corruption("saved logistic model: classes out of range");
    }
    classes_ = static_cast<int>(classes);
    const size_t p = features_.size(), columns = classes_ == 2 ? 1 : static_cast<size_t>(classes_);
    RTML_ASSIGN_OR_RETURN(mean_, saved.Numbers("mean", p));
    RTML_ASSIGN_OR_RETURN(scale_, saved.Numbers("scale", p));
    RTML_ASSIGN_OR_RETURN(intercepts_, saved.Numbers("intercepts", columns));
    RTML_ASSIGN_OR_RETURN(weights_, saved.Numbers("weights", columns * p));
    RTML_ASSIGN_OR_RETURN(const std::vector<double> params, saved.Numbers("params", 4));
    params_ = {params[0], static_cast<int>(params[1]), static_cast<int>(params[2]), params[3]};
    return Status::Ok();
  }

  // |weight| of each standardised feature (more classes: its mean over the classes).
  std::vector<std::pair<std::string, double>> FeatureImportance() const override {
    const size_t p = features_.size(), columns = intercepts_.size();
    std::vector<std::pair<std::string, double>> out;
    for (size_t j = 0; j < p; ++j) {
      double sum = 0;
      for (size_t c = 0; c < columns; ++c) sum += std::abs(weights_[c * p + j]);
      out.emplace_back(features_[j], columns == 0 ? 0 : sum / static_cast<double>(columns));
    }
    return out;
  }

 private:
  // The score (log-odds for two classes) of column `column`.
  double Score(std::span<const double> row, int column) const {
    const size_t p = features_.size();
    const double* w = weights_.data() + static_cast<size_t>(column) * p;
    double sum = intercepts_[static_cast<size_t>(column)];
    for (size_t j = 0; j < p; ++j) sum += w[j] * ((row[j] - mean_[j]) / scale_[j]);
    return sum;
  }

  const std::vector<std::string> features_;
  LogisticParams params_;
  int classes_;
  std::vector<double> mean_, scale_;
  std::vector<double> intercepts_;  // one per column: 1 for two classes, else one per class
  std::vector<double> weights_;     // column by column, features() each
};

}  // namespace

Result<std::unique_ptr<Model>> MakeClassificationModel(const ModelSpec& spec) {
  if (spec.type != "logistic") {
    return Status::InvalidArgument("not a classification model type: " + spec.type);
  }
  if (spec.features.empty()) return Status::InvalidArgument("logistic: declare its features");
  if (!spec.text_params.empty()) {
    return Status::InvalidArgument("logistic: unknown parameter '" +
                                   spec.text_params.begin()->first +
                                   "' (accepted: alpha, classes, max_iter, tol)");
  }
  LogisticParams params;
  for (const auto& [name, value] : spec.params) {
    if (name == "alpha") {
      if (!(value >= 0 && std::isfinite(value))) {
        return Status::InvalidArgument("logistic: alpha must be 0 or more");
      }
      params.alpha = value;
    } else if (name == "classes") {
      if (!(value >= 2 && value <= kMaxClasses && value == std::floor(value))) {
        return Status::InvalidArgument("logistic: classes must be a whole number in [2, " +
                                       std::to_string(kMaxClasses) + "]");
      }
      params.classes = static_cast<int>(value);
    } else if (name == "max_iter") {
      if (!(value >= 1 && value <= 1e6 && value == std::floor(value))) {
        return Status::InvalidArgument("logistic: max_iter must be a whole number in [1, 1000000]");
      }
      params.max_iter = static_cast<int>(value);
    } else if (name == "tol") {
      if (!(value > 0 && std::isfinite(value))) {
        return Status::InvalidArgument("logistic: tol must be above 0");
      }
      params.tol = value;
    } else {
      return Status::InvalidArgument("logistic: unknown parameter '" + name +
                                     "' (accepted: alpha, classes, max_iter, tol)");
    }
  }
  return std::unique_ptr<Model>(std::make_unique<LogisticModel>(spec.features, params));
}

Result<std::unique_ptr<Model>> LoadClassificationModel(const ModelBytesReader& saved) {
  if (saved.type() != "logistic")
    return Status::Corruption("saved model: unknown type " + saved.type());
  auto model = std::make_unique<LogisticModel>(saved.features(), LogisticParams{});
  RTML_RETURN_IF_ERROR(model->Restore(saved));
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace rtml::ml
