// Gradient-boosted trees through XGBoost: they learn what a linear model cannot, stop
// early on a validation set, rank features, and load back to bit-identical
// predictions.
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model_families.h"
#include "rtml/ml/metrics.h"
#include "rtml/ml/model_spec.h"
#include "testing.h"

namespace rtml::ml {
namespace {

using ::testing::HasSubstr;

// y = 10 sin(a) + b² + noise; c is noise only.
Dataset Nonlinear(size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-3, 3);
  std::normal_distribution<double> e(0, 0.1);
  Dataset data{.feature_names = {"a", "b", "c"}};
  for (size_t i = 0; i < rows; ++i) {
    const double a = u(rng), b = u(rng), c = u(rng);
    data.Add(std::vector<double>{a, b, c}, 10 * std::sin(a) + b * b + e(rng),
             static_cast<int64_t>(i));
  }
  return data;
}

double TestMae(const Model& model, const Dataset& test) {
  std::vector<double> predicted(test.rows());
  model.PredictBatch(test, predicted);
  return EvaluateRegression(test.y, predicted).mae;
}

TEST(XGBoostModelTest, LearnsWhatALinearModelCannot) {
  const Dataset train = Nonlinear(4000, 1), test = Nonlinear(1000, 2);
  ASSERT_OK_AND_ASSIGN(auto trees, MakeModel({.type = "xgboost",
                                              .features = {"a", "b", "c"},
                                              .params = {{"n_estimators", 200}}}));
  ASSERT_OK(trees->Fit(train, Dataset{}));
  ASSERT_OK_AND_ASSIGN(auto linear,
                       MakeModel({.type = "least_squares", .features = {"a", "b", "c"}}));
  ASSERT_OK(linear->Fit(train, Dataset{}));
  const double tree_mae = TestMae(*trees, test);
  const double linear_mae = TestMae(*linear, test);
  EXPECT_LT(tree_mae, 0.5);
  EXPECT_LT(tree_mae * 5, linear_mae);
  // The noise feature gains least.
  const auto importance = trees->FeatureImportance();
  ASSERT_EQ(importance.size(), 3u);
  EXPECT_LT(importance[2].second, importance[0].second);
  EXPECT_LT(importance[2].second, importance[1].second);
}

TEST(XGBoostModelTest, SavedAndLoadedPredictBitForBitAndEarlyStoppingKeepsTheBestRounds) {
  const Dataset train = Nonlinear(2000, 3), valid = Nonlinear(500, 4), test = Nonlinear(300, 5);
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel({.type = "xgboost",
                                              .features = {"a", "b", "c"},
                                              .params = {{"n_estimators", 2000},
                                                         {"learning_rate", 0.3},
                                                         {"early_stopping_rounds", 10}}}));
  ASSERT_OK(model->Fit(train, valid));
  ASSERT_OK_AND_ASSIGN(const std::string bytes, model->Save());
  // Far fewer than 2,000 trees were kept.
  EXPECT_LT(bytes.size(), 2'000'000u);
  ASSERT_OK_AND_ASSIGN(auto loaded, LoadModel(bytes));
  for (size_t i = 0; i < test.rows(); ++i) {
    const double p = model->Predict(test.Row(i)), q = loaded->Predict(test.Row(i));
    ASSERT_EQ(std::memcmp(&p, &q, sizeof p), 0) << i;
  }
  EXPECT_LT(TestMae(*loaded, test), 0.6);
}

// Predict walks the trees itself; it must be XGBoost's answer to the bit, for
// regression and for probabilities, including rows with missing (NaN) values,
// which take each split's default way.
TEST(XGBoostModelTest, OwnTreeWalkEqualsTheLibraryBitForBit) {
  const Dataset train = Nonlinear(3000, 7);
  Dataset classes = train;
  for (double& y : classes.y) y = y > 3 ? 1 : 0;
  for (const auto& [objective, data] : std::vector<std::pair<std::string, const Dataset*>>{
           {"reg:squarederror", &train}, {"binary:logistic", &classes}}) {
    ASSERT_OK_AND_ASSIGN(auto model, MakeModel({.type = "xgboost",
                                                .features = {"a", "b", "c"},
                                                .params = {{"n_estimators", 200}},
                                                .text_params = {{"objective", objective}}}));
    ASSERT_OK(model->Fit(*data, Dataset{}));
    const Dataset test = Nonlinear(2000, 8);
    for (size_t i = 0; i < test.rows(); ++i) {
      std::vector<double> row(test.Row(i).begin(), test.Row(i).end());
      if (i % 5 == 0) row[i % 3] = std::nan("");
      const double own = model->Predict(row);
      ASSERT_OK_AND_ASSIGN(const double library, XGBoostLibraryPredict(*model, row));
      ASSERT_EQ(std::memcmp(&own, &library, sizeof own), 0)
          << objective << " row " << i << ": " << own << " vs " << library;
    }
  }
}

TEST(XGBoostModelTest, BadParametersAreClearErrors) {
  EXPECT_THAT(MakeModel({.type = "xgboost", .features = {"a"}, .params = {{"trees", 5}}})
                  .status()
                  .message(),
              HasSubstr("unknown parameter 'trees' (accepted: n_estimators"));
  EXPECT_THAT(MakeModel({.type = "xgboost", .features = {"a"}, .params = {{"learning_rate", 2}}})
                  .status()
                  .message(),
              HasSubstr("learning_rate must be in"));
  EXPECT_THAT(
      MakeModel(
          {.type = "xgboost", .features = {"a"}, .text_params = {{"objective", "multi:softmax"}}})
          .status()
          .message(),
      HasSubstr("is not accepted (objective:"));
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel({.type = "xgboost", .features = {"a", "b"}}));
  EXPECT_THAT(model->Fit(Nonlinear(10, 6), Dataset{}).message(),
              HasSubstr("the rows have 3 features, the model reads 2"));
}

}  // namespace
}  // namespace rtml::ml

namespace rtml::ml {
namespace {

using ::testing::HasSubstr;

// A model trained elsewhere - by Debian's `xgboost` command-line tool - imported from
// its JSON predicts what that tool predicts, to the float.
TEST(XGBoostImportTest, ModelTrainedByTheXGBoostToolPredictsAsTheToolDoes) {
  rtml::testing::TempDir dir;
  const Dataset data = Nonlinear(800, 9);
  {
    std::ofstream csv(dir.str() + "/train.csv");
    csv.precision(17);
    for (size_t i = 0; i < data.rows(); ++i) {
      csv << data.y[i] << ',' << data.Row(i)[0] << ',' << data.Row(i)[1] << ',' << data.Row(i)[2]
          << '\n';
    }
    std::ofstream(dir.str() + "/train.conf")
        << "booster = gbtree\nobjective = reg:squarederror\nnum_round = 50\nmax_depth = 4\n"
           "data = \"train.csv?format=csv&label_column=0\"\nmodel_out = model.json\n";
    std::ofstream(dir.str() + "/pred.conf")
        << "task = pred\nmodel_in = model.json\n"
           "test:data = \"train.csv?format=csv&label_column=0\"\nname_pred = pred.txt\n";
  }
  for (const char* conf : {"train.conf", "pred.conf"}) {
    const auto run = rtml::testing::RunCommand("cd " + dir.str() + " && xgboost " + conf + " 2>&1");
    ASSERT_EQ(run.exit_code, 0) << "Debian's xgboost tool (apt-get install xgboost): " << run.out;
  }
  std::ifstream json_file(dir.str() + "/model.json");
  const std::string json((std::istreambuf_iterator<char>(json_file)), {});
  ASSERT_OK_AND_ASSIGN(auto model, ImportXGBoostJson(json, {"a", "b", "c"}));
  std::ifstream predictions(dir.str() + "/pred.txt");
  std::string line;
  size_t i = 0;
  for (; std::getline(predictions, line); ++i) {
    ASSERT_LT(i, data.rows());
    EXPECT_EQ(static_cast<float>(model->Predict(data.Row(i))), std::strtof(line.c_str(), nullptr))
        << "row " << i;
  }
  EXPECT_EQ(i, data.rows());
  EXPECT_THAT(ImportXGBoostJson("{}", {"a"}).status().message(), HasSubstr("not a gbtree model"));
}

}  // namespace
}  // namespace rtml::ml
