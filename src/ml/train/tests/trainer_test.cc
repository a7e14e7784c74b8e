// A training run picks the candidate that is best on validation, tests it once
// against the baseline, and accepts it only when it beats the baseline by the
// margin; random search finds better hyperparameters, deterministically for a seed;
// walk-forward folds, classification and learning a change from a reference feature
// all run through the same path; bad plans and data are clear errors.
#include "rtml/ml/trainer.h"

#include <cmath>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing.h"

namespace rtml::ml {
namespace {

using ::testing::HasSubstr;

// y = 1 + 2 a - 3 b + noise; c is noise.
Dataset Linear(size_t rows, double noise, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> x(0, 1), e(0, noise);
  Dataset data{.feature_names = {"a", "b", "c"}};
  for (size_t i = 0; i < rows; ++i) {
    const double a = x(rng), b = x(rng), c = x(rng);
    data.Add(std::vector<double>{a, b, c}, 1 + 2 * a - 3 * b + e(rng), static_cast<int64_t>(i));
  }
  return data;
}

ModelSpec Spec(std::string type, std::map<std::string, double> params = {}) {
  return {.type = std::move(type), .features = {"a", "b", "c"}, .params = std::move(params)};
}

TrainPlan RegressionPlan(std::vector<Candidate> candidates) {
  return {.task = Task::kRegression,
          .candidates = std::move(candidates),
          .baseline = {.type = "mean", .features = {"a", "b", "c"}}};
}

TEST(TrainerTest, AcceptsTheBestCandidateWhenItBeatsTheBaseline) {
  const Dataset data = Linear(3000, 0.5, 1);
  TrainPlan plan = RegressionPlan({{Spec("mean")}, {Spec("least_squares")}});
  ASSERT_OK_AND_ASSIGN(TrainOutcome outcome, Train(data, plan, {}));
  EXPECT_EQ(outcome.chosen, 1);
  EXPECT_TRUE(outcome.accepted) << outcome.verdict;
  EXPECT_THAT(outcome.verdict, HasSubstr("least_squares accepted"));
  // Noise 0.5: the model's test MAE is near 0.4; the mean's near that of y's spread.
  EXPECT_LT(outcome.candidates[1].test.regression.mae, 0.5);
  EXPECT_GT(outcome.baseline_test.regression.mae, 2.0);
  // The split is by time: train, then validation, then test.
  EXPECT_EQ(outcome.split.train.end, outcome.split.validation.begin);
  EXPECT_EQ(outcome.split.validation.end, outcome.split.test.begin);
  EXPECT_EQ(outcome.split.test.end, data.rows());
  ASSERT_NE(outcome.model, nullptr);
  EXPECT_EQ(outcome.model->type(), "least_squares");
  const std::map<std::string, double> metrics = outcome.Metrics(Task::kRegression);
  EXPECT_EQ(metrics.at("test.mae"), outcome.candidates[1].test.regression.mae);
  EXPECT_EQ(metrics.at("baseline.test.mae"), outcome.baseline_test.regression.mae);
  EXPECT_TRUE(metrics.contains("validation.rmse"));
}

TEST(TrainerTest, RegistersNothingAndSaysWhyWhenTheBaselineIsNotBeaten) {
  // The target is noise: no model can beat the training mean by 20%.
  std::mt19937_64 rng(2);
  std::normal_distribution<double> x(0, 1);
  Dataset noise{.feature_names = {"a", "b", "c"}};
  for (int i = 0; i < 2000; ++i) {
    noise.Add(std::vector<double>{x(rng), x(rng), x(rng)}, x(rng), i);
  }
  TrainPlan plan = RegressionPlan({{Spec("ridge", {{"alpha", 0.001}})}});
  plan.margin = 0.2;
  ASSERT_OK_AND_ASSIGN(TrainOutcome outcome, Train(noise, plan, {}));
  EXPECT_FALSE(outcome.accepted);
  EXPECT_THAT(outcome.verdict,
              HasSubstr("nothing accepted: the best candidate, ridge, has test mae"));
  EXPECT_THAT(outcome.verdict, HasSubstr("the margin is 20%"));

  // A real signal with a margin it clears.
  plan.margin = 0.5;
  ASSERT_OK_AND_ASSIGN(TrainOutcome clear, Train(Linear(2000, 0.5, 3), plan, {}));
  EXPECT_TRUE(clear.accepted) << clear.verdict;
}

TEST(TrainerTest, RandomSearchFindsBetterParametersDeterministically) {
  const Dataset data = Linear(1500, 0.5, 4);
  // Starting from a ridge penalty that flattens the model, the search must find a
  // small one.
  Candidate ridge{.spec = Spec("ridge", {{"alpha", 1e6}}),
                  .search = {{.name = "alpha", .low = 1e-4, .high = 10, .log = true}}};
  TrainPlan plan = RegressionPlan({ridge});
  plan.trials = 8;
  plan.seed = 7;
  std::vector<TrainProgress> seen;
  TrainObserver observer{.trial = [&](const TrainProgress& p) { seen.push_back(p); }};
  ASSERT_OK_AND_ASSIGN(TrainOutcome first, Train(data, plan, observer));
  ASSERT_EQ(seen.size(), 8u);
  EXPECT_EQ(seen[0].params, "alpha=1e+06");
  EXPECT_EQ(seen[7].trial, 8);
  EXPECT_EQ(seen[7].best_loss, first.candidates[0].search_loss);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i].best_loss, seen[i - 1].best_loss);
  EXPECT_LT(first.candidates[0].spec.params.at("alpha"), 10.0);
  EXPECT_LT(first.candidates[0].search_loss, seen[0].loss / 2);
  EXPECT_EQ(first.candidates[0].trials, 8);

  ASSERT_OK_AND_ASSIGN(TrainOutcome again, Train(data, plan, {}));
  EXPECT_EQ(again.candidates[0].spec.params, first.candidates[0].spec.params);
  plan.seed = 8;
  ASSERT_OK_AND_ASSIGN(TrainOutcome other, Train(data, plan, {}));
  EXPECT_NE(other.candidates[0].spec.params, first.candidates[0].spec.params);
}

TEST(TrainerTest, IntegerRangesDrawWholeNumbersWithinBounds) {
  Candidate xgb{
      .spec = {.type = "xgboost", .features = {"a", "b", "c"}, .params = {{"n_estimators", 5}}},
      .search = {{.name = "max_depth", .low = 2, .high = 5, .integer = true}}};
  TrainPlan plan = RegressionPlan({xgb});
  plan.trials = 5;
  std::vector<std::string> params;
  TrainObserver observer{.trial = [&](const TrainProgress& p) { params.push_back(p.params); }};
  ASSERT_OK(Train(Linear(600, 0.5, 5), plan, observer).status());
  ASSERT_EQ(params.size(), 5u);
  for (size_t i = 1; i < params.size(); ++i) {
    EXPECT_THAT(params[i], ::testing::ContainsRegex("max_depth=[2-5]( |$)")) << params[i];
  }
}

TEST(TrainerTest, TheTimeBudgetStopsTheSearchAfterAtLeastOneTrialEach) {
  Candidate slow{
      .spec = {.type = "xgboost", .features = {"a", "b", "c"}, .params = {{"n_estimators", 50}}},
      .search = {{.name = "learning_rate", .low = 0.01, .high = 0.3, .log = true}}};
  TrainPlan plan = RegressionPlan({slow, {Spec("least_squares")}});
  plan.trials = 1000;
  plan.budget_seconds = 0.001;
  ASSERT_OK_AND_ASSIGN(TrainOutcome outcome, Train(Linear(2000, 0.5, 6), plan, {}));
  EXPECT_EQ(outcome.candidates[0].trials, 1);
  EXPECT_EQ(outcome.candidates[1].trials, 1);
}

TEST(TrainerTest, WalkForwardFoldsScoreCandidates) {
  TrainPlan plan = RegressionPlan({{Spec("mean")}, {Spec("ridge", {{"alpha", 0.1}})}});
  plan.folds = 4;
  ASSERT_OK_AND_ASSIGN(TrainOutcome outcome, Train(Linear(2000, 0.5, 8), plan, {}));
  EXPECT_EQ(outcome.chosen, 1);
  EXPECT_TRUE(std::isfinite(outcome.candidates[1].search_loss));
  EXPECT_LT(outcome.candidates[1].search_loss, outcome.candidates[0].search_loss);
}

TEST(TrainerTest, LearnsTheChangeFromAReferenceFeature) {
  // A random walk p; the target is p ten steps ahead, which drifts by 0.3 * m
  // (m is known now). Repeating p (the baseline) misses the drift; a linear model
  // of the change finds it.
  std::mt19937_64 rng(9);
  std::normal_distribution<double> step(0, 1);
  Dataset data{.feature_names = {"p", "m"}};
  double p = 1000;
  for (int i = 0; i < 4000; ++i) {
    p += step(rng);
    const double m = step(rng) * 5;
    data.Add(std::vector<double>{p, m}, p + 0.3 * m + 0.2 * step(rng), i);
  }
  TrainPlan plan{
      .task = Task::kRegression,
      .candidates = {{.spec = {.type = "least_squares", .features = {"p", "m"}}}},
      .baseline = {.type = "last_value", .features = {"p", "m"}, .text_params = {{"feature", "p"}}},
      .reference_feature = "p"};
  ASSERT_OK_AND_ASSIGN(TrainOutcome outcome, Train(data, plan, {}));
  EXPECT_TRUE(outcome.accepted) << outcome.verdict;
  EXPECT_LT(outcome.candidates[0].test.regression.mae, 0.25);
  EXPECT_GT(outcome.baseline_test.regression.mae, 1.0);
  // Directional accuracy is measured from the reference: the model knows the drift.
  EXPECT_GT(outcome.candidates[0].test.regression.directional_accuracy, 0.9);
  // The model itself predicts the change.
  EXPECT_NEAR(outcome.model->Predict(std::vector<double>{1000, 10}), 3.0, 0.1);
}

TEST(TrainerTest, ClassifiesAgainstTheMajorityClass) {
  std::mt19937_64 rng(10);
  std::normal_distribution<double> x(0, 1);
  Dataset data{.feature_names = {"a", "b", "c"}};
  for (int i = 0; i < 3000; ++i) {
    const double a = x(rng), b = x(rng), c = x(rng);
    data.Add(std::vector<double>{a, b, c}, a + 0.5 * b + 0.3 * x(rng) > 0.4 ? 1 : 0, i);
  }
  TrainPlan plan{.task = Task::kClassification,
                 .candidates = {{.spec = {.type = "xgboost",
                                          .features = {"a", "b", "c"},
                                          .params = {{"n_estimators", 40}},
                                          .text_params = {{"objective", "binary:logistic"}}}}},
                 .baseline = {.type = "majority", .features = {"a", "b", "c"}},
                 .metric = Metric::kAccuracy};
  ASSERT_OK_AND_ASSIGN(TrainOutcome outcome, Train(data, plan, {}));
  EXPECT_TRUE(outcome.accepted) << outcome.verdict;
  EXPECT_GT(outcome.candidates[0].test.classification.accuracy, 0.85);
  EXPECT_LT(outcome.baseline_test.classification.accuracy, 0.75);
  EXPECT_EQ(outcome.candidates[0].test.classification.confusion.size(), 2u);
  EXPECT_TRUE(outcome.Metrics(Task::kClassification).contains("baseline.test.f1"));
}

TEST(TrainerTest, BadPlansAndDataAreClearErrors) {
  const Dataset data = Linear(500, 0.5, 11);
  EXPECT_THAT(Train(data, RegressionPlan({}), {}).status().message(),
              HasSubstr("no candidate models"));

  TrainPlan plan = RegressionPlan({{Spec("ridge")}});
  plan.reference_feature = "price";
  EXPECT_THAT(Train(data, plan, {}).status().message(),
              HasSubstr("reference feature 'price' is not among the features"));

  Dataset with_nan = data;
  with_nan.x[7] = NAN;
  EXPECT_EQ(Train(with_nan, RegressionPlan({{Spec("ridge")}}), {}).status().code(),
            StatusCode::kInvalidArgument);

  TrainPlan classify = RegressionPlan({{Spec("ridge")}});
  classify.task = Task::kClassification;
  EXPECT_THAT(Train(data, classify, {}).status().message(),
              HasSubstr("classification labels must be classes"));

  TrainPlan tiny = RegressionPlan({{Spec("ridge")}});
  EXPECT_EQ(Train(data.Slice(0, 2), tiny, {}).status().code(), StatusCode::kInvalidArgument);

  // A candidate that cannot fit is reported; the run goes on with the others.
  TrainPlan mixed = RegressionPlan(
      {{.spec = {.type = "ridge", .features = {"a", "zz"}}}, {Spec("least_squares")}});
  ASSERT_OK_AND_ASSIGN(TrainOutcome outcome, Train(data, mixed, {}));
  EXPECT_EQ(outcome.chosen, 1);
  EXPECT_FALSE(outcome.candidates[0].error.empty());
}

}  // namespace
}  // namespace rtml::ml
