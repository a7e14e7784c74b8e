// Trainer: one training run over time-ordered data. Several candidate models, each
// tuned by random search within a trial and time budget, are compared on the
// validation rows (or walk-forward folds); the best is tested once on the last rows,
// next to a baseline, and accepted only if it beats the baseline there by a margin.
// Otherwise the run says why nothing is accepted. Nothing is shuffled across time.
//
//   TrainPlan plan{.task = Task::kRegression, .candidates = {{ridge}, {xgboost}},
//                  .baseline = last_value_of_close};
//   Result<TrainOutcome> outcome = Train(data, plan, {});
//   if (outcome->accepted) registry.Register(...outcome->model->Save()...);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ml/dataset.h"
#include "rtml/ml/metrics.h"
#include "rtml/ml/model.h"
#include "rtml/ml/model_spec.h"
#include "rtml/ml/time_split.h"

namespace rtml::ml {

enum class Task { kRegression, kClassification };
const char* TaskName(Task task);  // "regression", "classification"

// A numeric hyperparameter the search draws from [low, high]: uniformly, or
// uniformly in log space, rounded for integers.
struct ParamRange {
  std::string name;
  double low = 0;
  double high = 0;
  bool log = false;
  bool integer = false;
};

struct Candidate {
  ModelSpec spec;                  // its first trial uses spec.params as given
  std::vector<ParamRange> search;  // drawn for the other trials
};

// What the comparison and the gate look at. Regression: mae or rmse (lower is
// better); classification: accuracy or f1 (higher is better).
enum class Metric { kMae, kRmse, kAccuracy, kF1 };
Result<Metric> ParseMetric(std::string_view name, Task task);
const char* MetricName(Metric metric);

struct TrainPlan {
  Task task = Task::kRegression;
  std::vector<Candidate> candidates;
  ModelSpec baseline;  // predicts the target itself, never a change
  Metric metric = Metric::kMae;
  double validation_fraction = 0.15;
  double test_fraction = 0.15;
  // 0: candidates are scored on the validation rows. k > 0: on k walk-forward folds
  // over the training and validation rows (each fold trains on all rows before it).
  int folds = 0;
  int trials = 1;             // per candidate
  double budget_seconds = 0;  // for the whole search; 0 = no limit (each candidate
                              // gets at least one trial)
  uint64_t seed = 1;
  double margin = 0;  // the relative improvement over the baseline on test
                      // that acceptance requires (0.01 = 1% better)
  // Regression only: if set, models learn the change from this feature and predict
  // it plus the feature (trees cannot extrapolate to price levels they never saw; a
  // change they can). Metrics are always on the target itself.
  std::string reference_feature;
};

// How one model did on some rows.
struct Evaluation {
  RegressionMetrics regression;          // regression tasks
  ClassificationMetrics classification;  // classification tasks
  // The plan's metric, as a loss: lower is better (1 - accuracy for accuracy).
  double loss = 0;
  // Every metric by name ("mae", "rmse", "accuracy", ...), for the registry.
  std::map<std::string, double> ByName(Task task) const;
};

struct CandidateResult {
  ModelSpec spec;          // with the hyperparameters that won its search
  int trials = 0;          // how many were run
  double search_loss = 0;  // its best validation (or fold) loss
  Evaluation validation;   // the final fit, on the validation rows
  Evaluation test;         // only for the chosen candidate
  std::string error;       // why it failed, if it did (the run goes on without it)
};

struct TrainOutcome {
  TrainValidationTest split;
  int64_t data_from_ms = 0;
  int64_t data_to_ms = 0;
  std::vector<CandidateResult> candidates;
  Evaluation baseline_validation;
  Evaluation baseline_test;
  int chosen = -1;               // the candidate with the best search loss
  bool accepted = false;         // it beat the baseline by the margin on test
  std::string verdict;           // one line: what was accepted, or why nothing was
  std::unique_ptr<Model> model;  // the chosen candidate, fitted (even if not accepted)
  double seconds = 0;            // the whole run
  // "test.mae", "validation.mae", "baseline.test.mae", ... for the registry.
  std::map<std::string, double> Metrics(Task task) const;
};

// What a run reports while it works.
struct TrainProgress {
  std::string candidate;  // "ridge"
  int trial = 0;          // 1-based
  int trials = 0;
  double loss = 0;       // this trial's
  double best_loss = 0;  // the candidate's best so far
  std::string params;    // "alpha=0.5 l1_ratio=0.1"
};
struct TrainObserver {
  std::function<void(const TrainProgress&)> trial;  // after each trial
  EpochObserver epoch;  // networks, per epoch of each fit on the training rows
};

// Runs the plan on `data` (validated first: NaN, time order). InvalidArgument for a
// plan or data it cannot run (no candidates, too few rows for the split, labels
// that are not classes); a candidate that fails to fit is reported in its result
// and the others go on.
Result<TrainOutcome> Train(const Dataset& data, const TrainPlan& plan,
                           const TrainObserver& observer);

// "alpha=0.5 max_depth=6": a spec's numeric parameters, for progress and reports.
std::string FormatParams(const ModelSpec& spec);

}  // namespace rtml::ml
