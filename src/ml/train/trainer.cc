// Train (trainer.h): split by time, search each candidate, pick the best on
// validation, test it once next to the baseline, apply the gate.
#include "rtml/ml/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "hyperparameter_search.h"

namespace rtml::ml {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One part of the split as a model sees it: the rows with the model's features,
// and each row's reference value (empty without a reference feature).
struct Part {
  Dataset rows;
  std::vector<double> reference;
};

Result<Part> MakePart(const Dataset& data, RowRange range, const std::vector<std::string>& features,
                      int reference) {
  const Dataset slice = data.Slice(range.begin, range.end);
  Part part;
  RTML_ASSIGN_OR_RETURN(part.rows, slice.Select(features));
  if (reference >= 0) {
    part.reference.resize(slice.rows());
    for (size_t i = 0; i < slice.rows(); ++i) part.reference[i] = slice.Row(i)[reference];
  }
  return part;
}

// The rows a model learns from: the target itself, or its change from the reference.
Dataset LearningRows(const Part& part) {
  if (part.reference.empty()) return part.rows;
  Dataset change = part.rows;
  for (size_t i = 0; i < change.rows(); ++i) change.y[i] -= part.reference[i];
  return change;
}

// How well `model` predicts the target of `part`. A model of the change (`change`)
// has the reference added back; directional accuracy is measured from the reference.
Evaluation Evaluate(const Model& model, const Part& part, const TrainPlan& plan, bool change,
                    int classes) {
  const Dataset& rows = part.rows;
  std::vector<double> predicted(rows.rows());
  model.PredictBatch(rows, predicted);
  Evaluation evaluation;
  if (plan.task == Task::kClassification) {
    std::vector<int> actual(rows.rows()), chosen(rows.rows());
    for (size_t i = 0; i < rows.rows(); ++i) {
      actual[i] = static_cast<int>(rows.y[i]);
      chosen[i] = model.classes() >= 2 ? model.ClassOf(predicted[i])
                                       : static_cast<int>(std::lround(predicted[i]));
    }
    evaluation.classification = EvaluateClassification(actual, chosen, classes);
    evaluation.loss = plan.metric == Metric::kF1 ? 1 - evaluation.classification.f1
                                                 : 1 - evaluation.classification.accuracy;
    return evaluation;
  }
  if (change) {
    for (size_t i = 0; i < rows.rows(); ++i) predicted[i] += part.reference[i];
  }
  evaluation.regression = EvaluateRegression(rows.y, predicted, part.reference);
  evaluation.loss =
      plan.metric == Metric::kRmse ? evaluation.regression.rmse : evaluation.regression.mae;
  return evaluation;
}

// The data and the plan's settings every fit shares.
struct Run {
  const Dataset& data;
  const TrainPlan& plan;
  int reference;  // column of the reference feature in `data`, or -1
  int classes;
};

// Fits a model of `spec` on rows `train` (`validation` for early stopping) and
// evaluates it on rows `judged`.
struct Fitted {
  std::unique_ptr<Model> model;
  Evaluation evaluation;
};
Result<Fitted> FitAndEvaluate(const Run& run, const ModelSpec& spec, RowRange train,
                              RowRange validation, RowRange judged, const EpochObserver& epochs) {
  Fitted fitted;
  RTML_ASSIGN_OR_RETURN(fitted.model, MakeModel(spec));
  if (epochs) fitted.model->ObserveEpochs(epochs);
  const std::vector<std::string>& features = fitted.model->feature_names();
  if (run.reference >= 0 &&
      std::find(features.begin(), features.end(), run.plan.reference_feature) == features.end()) {
    // Serving adds the reference back, so the model must read it.
    return Status::InvalidArgument(spec.type + " must read the reference feature '" +
                                   run.plan.reference_feature + "'");
  }
  RTML_ASSIGN_OR_RETURN(const Part train_part, MakePart(run.data, train, features, run.reference));
  RTML_ASSIGN_OR_RETURN(const Part validation_part,
                        MakePart(run.data, validation, features, run.reference));
  RTML_ASSIGN_OR_RETURN(const Part judged_part,
                        MakePart(run.data, judged, features, run.reference));
  RTML_RETURN_IF_ERROR(fitted.model->Fit(LearningRows(train_part), LearningRows(validation_part)));
  fitted.evaluation =
      Evaluate(*fitted.model, judged_part, run.plan, run.reference >= 0, run.classes);
  return fitted;
}

// How `spec` does on the search rows: fitted on the training part and judged on the
// validation part - the model is kept, so the winner is not fitted again - or, with
// folds, the mean loss over walk-forward folds of the training and validation parts
// (no model: each fold's saw other rows).
Result<Fitted> Search(const Run& run, const ModelSpec& spec, const TrainValidationTest& split,
                      const EpochObserver& epochs) {
  if (run.plan.folds == 0) {
    return FitAndEvaluate(run, spec, split.train, split.validation, split.validation, epochs);
  }
  RTML_ASSIGN_OR_RETURN(
      auto folds, WalkForwardFolds(split.validation.end, run.plan.folds, split.train.size() / 2));
  Fitted mean;
  for (const auto& [train, judged] : folds) {
    RTML_ASSIGN_OR_RETURN(Fitted fitted, FitAndEvaluate(run, spec, train, judged, judged, {}));
    mean.evaluation.loss += fitted.evaluation.loss / static_cast<double>(folds.size());
  }
  return mean;
}

// The number of classes the labels hold, checking each is a class index.
Result<int> CountClasses(const Dataset& data) {
  double most = 0;
  for (size_t i = 0; i < data.rows(); ++i) {
    const double label = data.y[i];
    if (label < 0 || label != std::floor(label) || label > 1000) {
      return Status::InvalidArgument("classification labels must be classes 0, 1, 2, ...: row " +
                                     std::to_string(i) + " has " + std::to_string(label));
    }
    most = std::max(most, label);
  }
  if (most < 1) return Status::InvalidArgument("classification needs at least two classes");
  return static_cast<int>(most) + 1;
}

double MetricValue(const Evaluation& evaluation, Metric metric) {
  switch (metric) {
    case Metric::kMae:
      return evaluation.regression.mae;
    case Metric::kRmse:
      return evaluation.regression.rmse;
    case Metric::kAccuracy:
      return evaluation.classification.accuracy;
    case Metric::kF1:
      return evaluation.classification.f1;
  }
  return 0;
}

std::string FormatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

// The gate: is the chosen candidate better than the baseline on test by the margin?
void Judge(const TrainPlan& plan, TrainOutcome& outcome) {
  const CandidateResult& best = outcome.candidates[outcome.chosen];
  const double model_loss = best.test.loss;
  const double baseline_loss = outcome.baseline_test.loss;
  const double improvement = baseline_loss > 0 ? (baseline_loss - model_loss) / baseline_loss
                                               : (model_loss < baseline_loss ? 1.0 : 0.0);
  const std::string metric = MetricName(plan.metric);
  const std::string figures = "test " + metric + " " +
                              FormatNumber(MetricValue(best.test, plan.metric)) + " vs baseline " +
                              FormatNumber(MetricValue(outcome.baseline_test, plan.metric));
  outcome.accepted = model_loss < baseline_loss && improvement >= plan.margin;
  char share[64];
  std::snprintf(share, sizeof share, "%.2f%% %s", 100 * std::abs(improvement),
                improvement >= 0 ? "better" : "worse");
  if (outcome.accepted) {
    outcome.verdict = best.spec.type + " accepted: " + figures + " (" + share;
    if (plan.margin > 0) outcome.verdict += ", margin " + FormatNumber(100 * plan.margin) + "%";
    outcome.verdict += ")";
  } else {
    outcome.verdict = "nothing accepted: the best candidate, " + best.spec.type + ", has " +
                      figures + " (" + share + "; " +
                      (plan.margin > 0 ? "the margin is " + FormatNumber(100 * plan.margin) + "%"
                                       : std::string("it must be better")) +
                      ")";
  }
}

}  // namespace

const char* TaskName(Task task) {
  return task == Task::kClassification ? "classification" : "regression";
}

Result<Metric> ParseMetric(std::string_view name, Task task) {
  const bool regression = task == Task::kRegression;
  if (regression && name == "mae") return Metric::kMae;
  if (regression && name == "rmse") return Metric::kRmse;
  if (!regression && name == "accuracy") return Metric::kAccuracy;
  if (!regression && name == "f1") return Metric::kF1;
  return Status::InvalidArgument("metric '" + std::string(name) + "' is not one for " +
                                 TaskName(task) +
                                 (regression ? " (mae, rmse)" : " (accuracy, f1)"));
}

const char* MetricName(Metric metric) {
  switch (metric) {
    case Metric::kMae:
      return "mae";
    case Metric::kRmse:
      return "rmse";
    case Metric::kAccuracy:
      return "accuracy";
    case Metric::kF1:
      return "f1";
  }
  return "?";
}

std::map<std::string, double> Evaluation::ByName(Task task) const {
  if (task == Task::kClassification) {
    return {{"accuracy", classification.accuracy}, {"f1", classification.f1}};
  }
  std::map<std::string, double> metrics = {
      {"mae", regression.mae}, {"rmse", regression.rmse}, {"r2", regression.r2}};
  if (std::isfinite(regression.mape)) metrics["mape"] = regression.mape;
  if (std::isfinite(regression.directional_accuracy)) {
    metrics["directional_accuracy"] = regression.directional_accuracy;
  }
  return metrics;
}

std::map<std::string, double> TrainOutcome::Metrics(Task task) const {
  std::map<std::string, double> metrics;
  auto add = [&](const std::string& prefix, const Evaluation& evaluation) {
    for (const auto& [name, value] : evaluation.ByName(task)) metrics[prefix + name] = value;
  };
  add("baseline.validation.", baseline_validation);
  add("baseline.test.", baseline_test);
  if (chosen >= 0) {
    add("validation.", candidates[chosen].validation);
    add("test.", candidates[chosen].test);
  }
  return metrics;
}

std::string FormatParams(const ModelSpec& spec) {
  std::string text;
  for (const auto& [name, value] : spec.params) {
    text += (text.empty() ? "" : " ") + name + "=" + FormatNumber(value);
  }
  return text;
}

Result<TrainOutcome> Train(const Dataset& data, const TrainPlan& plan,
                           const TrainObserver& observer) {
  const Clock::time_point start = Clock::now();
  if (plan.candidates.empty()) return Status::InvalidArgument("no candidate models to train");
  if (plan.trials < 1) return Status::InvalidArgument("trials must be at least 1");
  if (plan.folds < 0) return Status::InvalidArgument("folds must not be negative");
  RTML_RETURN_IF_ERROR(data.Validate());
  int classes = 0;
  if (plan.task == Task::kClassification) {
    RTML_ASSIGN_OR_RETURN(classes, CountClasses(data));
    if (!plan.reference_feature.empty()) {
      return Status::InvalidArgument("a reference feature is for regression targets only");
    }
  }
  int reference = -1;
  if (!plan.reference_feature.empty()) {
    reference = data.FeatureIndex(plan.reference_feature);
    if (reference < 0) {
      return Status::InvalidArgument("the reference feature '" + plan.reference_feature +
                                     "' is not among the features");
    }
  }

  TrainOutcome outcome;
  RTML_ASSIGN_OR_RETURN(outcome.split,
                        SplitByTime(data.rows(), plan.validation_fraction, plan.test_fraction));
  const TrainValidationTest& split = outcome.split;
  if (split.validation.size() == 0 || split.test.size() == 0) {
    return Status::InvalidArgument("validation and test fractions must both be above 0");
  }
  outcome.data_from_ms = data.time_ms.front();
  outcome.data_to_ms = data.time_ms.back();
  const Run run{.data = data, .plan = plan, .reference = reference, .classes = classes};

  // The baseline predicts the target itself (directional accuracy still from the
  // reference).
  {
    RTML_ASSIGN_OR_RETURN(std::unique_ptr<Model> baseline, MakeModel(plan.baseline));
    const std::vector<std::string>& features = baseline->feature_names();
    RTML_ASSIGN_OR_RETURN(const Part train, MakePart(data, split.train, features, reference));
    RTML_ASSIGN_OR_RETURN(const Part validation,
                          MakePart(data, split.validation, features, reference));
    RTML_ASSIGN_OR_RETURN(const Part test, MakePart(data, split.test, features, reference));
    RTML_RETURN_IF_ERROR(baseline->Fit(train.rows, validation.rows));
    outcome.baseline_validation = Evaluate(*baseline, validation, plan, false, classes);
    outcome.baseline_test = Evaluate(*baseline, test, plan, false, classes);
  }

  // Each candidate gets an equal share of the time budget.
  const double share_seconds =
      plan.budget_seconds > 0 ? plan.budget_seconds / static_cast<double>(plan.candidates.size())
                              : 0;
  // Each candidate's best model of the search, when the search fitted it on the
  // training rows (no folds).
  std::vector<Fitted> kept(plan.candidates.size());
  for (size_t c = 0; c < plan.candidates.size(); ++c) {
    const Candidate& candidate = plan.candidates[c];
    CandidateResult result{.spec = candidate.spec};
    ParamSampler sampler(candidate.search, plan.seed + c);
    const Clock::time_point candidate_start = Clock::now();
    double best = INFINITY;
    for (int trial = 1; trial <= plan.trials; ++trial) {
      if (trial > 1 && share_seconds > 0 && SecondsSince(candidate_start) >= share_seconds) break;
      if (trial > 1 && candidate.search.empty()) break;  // nothing to vary
      const ModelSpec spec = trial == 1 ? candidate.spec : sampler.Draw(candidate.spec);
      Result<Fitted> fitted = Search(run, spec, split, observer.epoch);
      if (!fitted.ok()) {
        result.error = fitted.status().message();
        if (!result.error.starts_with(spec.type + ":"))
          result.error = spec.type + ": " + result.error;
        break;
      }
      ++result.trials;
      const double loss = fitted->evaluation.loss;
      if (loss < best) {
        best = loss;
        result.spec = spec;
        kept[c] = std::move(*fitted);
      }
      if (observer.trial) {
        observer.trial({.candidate = candidate.spec.type,
                        .trial = trial,
                        .trials = plan.trials,
                        .loss = loss,
                        .best_loss = best,
                        .params = FormatParams(spec)});
      }
    }
    result.search_loss = best;
    outcome.candidates.push_back(std::move(result));
  }

  // The best search loss wins; only it is tested.
  for (size_t c = 0; c < outcome.candidates.size(); ++c) {
    const CandidateResult& result = outcome.candidates[c];
    if (result.trials == 0) continue;
    if (outcome.chosen < 0 || result.search_loss < outcome.candidates[outcome.chosen].search_loss) {
      outcome.chosen = static_cast<int>(c);
    }
  }
  if (outcome.chosen < 0) {
    std::string errors;
    for (const CandidateResult& result : outcome.candidates) {
      errors += (errors.empty() ? "" : "; ") + result.error;
    }
    return Status::InvalidArgument("no candidate could be trained: " + errors);
  }
  CandidateResult& best = outcome.candidates[outcome.chosen];
  Fitted fitted = std::move(kept[outcome.chosen]);
  if (fitted.model == nullptr) {  // scored on folds: fit on the training rows now
    RTML_ASSIGN_OR_RETURN(fitted, FitAndEvaluate(run, best.spec, split.train, split.validation,
                                                 split.validation, observer.epoch));
  }
  best.validation = fitted.evaluation;
  {
    RTML_ASSIGN_OR_RETURN(const Part test,
                          MakePart(data, split.test, fitted.model->feature_names(), reference));
    best.test = Evaluate(*fitted.model, test, plan, reference >= 0, classes);
  }
  outcome.model = std::move(fitted.model);
  Judge(plan, outcome);
  outcome.seconds = SecondsSince(start);
  return outcome;
}

}  // namespace rtml::ml
