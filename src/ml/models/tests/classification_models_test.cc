// Classifiers: logistic regression recovers a known linear boundary (two classes) and
// a known softmax (three) and reaches the accuracy of the rule that generated the
// labels; the majority baseline answers the most frequent class; XGBoost classifies
// (binary:logistic, multi:softmax) better than the majority, with its own tree walk
// equal to the library bit for bit. All load back to bit-identical predictions and
// refuse labels that are not classes.
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

double Sigmoid(double z) { return 1 / (1 + std::exp(-z)); }
double Logit(double p) { return std::log(p / (1 - p)); }

// Two classes: P(1) = sigmoid(0.5 + 1.5 (a - 10) - 0.01 (b - 1000)), c is noise; the
// features are on very different scales. `truth` gets each row's P(1).
constexpr double kTrueWeights[] = {1.5, -0.01, 0};
Dataset TwoClasses(size_t rows, uint64_t seed, std::vector<double>* truth = nullptr) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> a(10, 2), b(1000, 300), c(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  Dataset data{.feature_names = {"a", "b", "c"}};
  for (size_t i = 0; i < rows; ++i) {
    const double xa = a(rng), xb = b(rng), xc = c(rng);
    const double p = Sigmoid(0.5 + kTrueWeights[0] * (xa - 10) + kTrueWeights[1] * (xb - 1000));
    data.Add(std::vector<double>{xa, xb, xc}, u(rng) < p ? 1 : 0, static_cast<int64_t>(i));
    if (truth != nullptr) truth->push_back(p);
  }
  return data;
}

// Three classes drawn from a softmax of (0, 2a - b, -a + 1.5b + 0.5) over a, b ~ N(0, 1);
// c is noise. `bayes` gets each row's most probable class.
Dataset ThreeClasses(size_t rows, uint64_t seed, std::vector<int>* bayes = nullptr) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  Dataset data{.feature_names = {"a", "b", "c"}};
  for (size_t i = 0; i < rows; ++i) {
    const double a = n(rng), b = n(rng), c = 5 * n(rng);
    const double score[3] = {0, 2 * a - b, -a + 1.5 * b + 0.5};
    double sum = 0, p[3];
    for (int k = 0; k < 3; ++k) sum += p[k] = std::exp(score[k]);
    const double draw = u(rng) * sum;
    const int label = draw < p[0] ? 0 : draw < p[0] + p[1] ? 1 : 2;
    data.Add(std::vector<double>{a, b, c}, label, static_cast<int64_t>(i));
    if (bayes != nullptr) {
      bayes->push_back(static_cast<int>(std::max_element(score, score + 3) - score));
    }
  }
  return data;
}

std::vector<int> Classes(const Model& model, const Dataset& data) {
  std::vector<double> predicted(data.rows());
  model.PredictBatch(data, predicted);
  std::vector<int> out;
  for (const double p : predicted) out.push_back(model.ClassOf(p));
  return out;
}

std::vector<int> Labels(const Dataset& data) { return {data.y.begin(), data.y.end()}; }

double Accuracy(const Model& model, const Dataset& data) {
  return EvaluateClassification(Labels(data), Classes(model, data), model.classes()).accuracy;
}

std::unique_ptr<Model> Fitted(const ModelSpec& spec, const Dataset& train) {
  Result<std::unique_ptr<Model>> model = MakeModel(spec);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  if (!model.ok()) return nullptr;
  const Status fit = (*model)->Fit(train, Dataset{});
  EXPECT_TRUE(fit.ok()) << fit.ToString();
  return std::move(*model);
}

void ExpectSamePredictions(const Model& a, const Model& b, const Dataset& data) {
  for (size_t i = 0; i < data.rows(); ++i) {
    const double p = a.Predict(data.Row(i)), q = b.Predict(data.Row(i));
    ASSERT_EQ(std::memcmp(&p, &q, sizeof p), 0) << "row " << i << ": " << p << " vs " << q;
  }
}

TEST(LogisticTest, TwoClassesRecoverTheBoundaryAndTheProbabilities) {
  std::vector<double> truth;
  const Dataset train = TwoClasses(100'000, 1), test = TwoClasses(20'000, 2, &truth);
  const auto model = Fitted({.type = "logistic", .features = {"a", "b", "c"}}, train);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->classes(), 2);
  // The coefficients in the features' own units, read off the log-odds around the
  // means: the true direction, and each near its value.
  const std::vector<double> centre{10, 1000, 0};
  const double base = Logit(model->Predict(centre));
  std::vector<double> weights;
  double dot = 0, norm = 0, true_norm = 0;
  for (size_t j = 0; j < 3; ++j) {
    std::vector<double> moved = centre;
    moved[j] += 1;
    weights.push_back(Logit(model->Predict(moved)) - base);
    dot += weights[j] * kTrueWeights[j];
    norm += weights[j] * weights[j];
    true_norm += kTrueWeights[j] * kTrueWeights[j];
  }
  EXPECT_GT(dot / std::sqrt(norm * true_norm), 0.999);
  EXPECT_NEAR(weights[0], 1.5, 0.05);
  EXPECT_NEAR(weights[1], -0.01, 0.0005);
  EXPECT_NEAR(weights[2], 0, 0.02);
  EXPECT_NEAR(base, 0.5, 0.05);
  // Its probabilities are the generator's, and its accuracy that of the true rule.
  double gap = 0;
  for (size_t i = 0; i < test.rows(); ++i) gap += std::abs(model->Predict(test.Row(i)) - truth[i]);
  EXPECT_LT(gap / static_cast<double>(test.rows()), 0.01);
  std::vector<int> bayes;
  for (const double p : truth) bayes.push_back(p >= 0.5 ? 1 : 0);
  const double bayes_accuracy = EvaluateClassification(Labels(test), bayes, 2).accuracy;
  EXPECT_GT(Accuracy(*model, test), bayes_accuracy - 0.005);
  // The noise feature matters least.
  const auto importance = model->FeatureImportance();
  ASSERT_EQ(importance.size(), 3u);
  EXPECT_LT(importance[2].second, importance[0].second / 50);
  EXPECT_LT(importance[2].second, importance[1].second / 50);
}

// Newton's method converges in a handful of steps: stopped after 15, it is already
// where 500 would leave it, to the bit.
TEST(LogisticTest, NewtonConvergesInFewSteps) {
  const Dataset train = TwoClasses(100'000, 3), test = TwoClasses(2'000, 4);
  const auto full = Fitted({.type = "logistic", .features = {"a", "b", "c"}}, train);
  const auto short_fit = Fitted(
      {.type = "logistic", .features = {"a", "b", "c"}, .params = {{"max_iter", 15}}}, train);
  ASSERT_NE(full, nullptr);
  ASSERT_NE(short_fit, nullptr);
  ExpectSamePredictions(*full, *short_fit, test);
}

TEST(LogisticTest, ThreeClassesReachTheAccuracyOfTheTrueRule) {
  std::vector<int> bayes;
  const Dataset train = ThreeClasses(100'000, 5), test = ThreeClasses(20'000, 6, &bayes);
  const auto model = Fitted({.type = "logistic", .features = {"a", "b", "c"}}, train);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->classes(), 3);
  const std::vector<int> predicted = Classes(*model, test);
  const double bayes_accuracy = EvaluateClassification(Labels(test), bayes, 3).accuracy;
  EXPECT_GT(EvaluateClassification(Labels(test), predicted, 3).accuracy, bayes_accuracy - 0.005);
  // It decides as the true rule does almost everywhere (not just as often right).
  EXPECT_GT(EvaluateClassification(bayes, predicted, 3).accuracy, 0.99);
  const auto importance = model->FeatureImportance();
  ASSERT_EQ(importance.size(), 3u);
  EXPECT_LT(importance[2].second, importance[0].second / 20);
  // L-BFGS converges well within its default 500 steps: stopped after 100, its
  // weights are already those of the full fit, to the bit.
  const auto short_fit = Fitted(
      {.type = "logistic", .features = {"a", "b", "c"}, .params = {{"max_iter", 100}}}, train);
  ASSERT_NE(short_fit, nullptr);
  EXPECT_EQ(short_fit->FeatureImportance(), importance);
}

TEST(LogisticTest, SavedAndLoadedPredictBitForBit) {
  for (const Dataset& train : {TwoClasses(5'000, 7), ThreeClasses(5'000, 8)}) {
    const auto model = Fitted(
        {.type = "logistic", .features = {"a", "b", "c"}, .params = {{"alpha", 0.01}}}, train);
    ASSERT_NE(model, nullptr);
    ASSERT_OK_AND_ASSIGN(const std::string bytes, model->Save());
    ASSERT_OK_AND_ASSIGN(auto loaded, LoadModel(bytes));
    EXPECT_EQ(loaded->type(), "logistic");
    EXPECT_EQ(loaded->classes(), model->classes());
    ExpectSamePredictions(*model, *loaded, train);
    ASSERT_OK_AND_ASSIGN(const std::string again, loaded->Save());
    EXPECT_EQ(again, bytes);
  }
}

TEST(LogisticTest, AStrongerPenaltyShrinksTheWeights) {
  const Dataset train = TwoClasses(5'000, 9);
  const auto weak = Fitted({.type = "logistic", .features = {"a", "b", "c"}}, train);
  const auto strong =
      Fitted({.type = "logistic", .features = {"a", "b", "c"}, .params = {{"alpha", 1}}}, train);
  ASSERT_NE(weak, nullptr);
  ASSERT_NE(strong, nullptr);
  EXPECT_LT(strong->FeatureImportance()[0].second, weak->FeatureImportance()[0].second / 2);
}

TEST(LogisticTest, LabelsThatAreNotClassesAndBadDataAreClearErrors) {
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel({.type = "logistic", .features = {"a", "b", "c"}}));
  Dataset data = TwoClasses(100, 10);
  data.y[7] = 0.5;
  EXPECT_THAT(model->Fit(data, Dataset{}).message(),
              HasSubstr("logistic: row 7 has label 0.5; a class label is an integer in [0, "));
  data.y[7] = -1;
  EXPECT_THAT(model->Fit(data, Dataset{}).message(), HasSubstr("row 7 has label -1"));
  data.y[7] = 2;
  ASSERT_OK_AND_ASSIGN(
      auto two,
      MakeModel({.type = "logistic", .features = {"a", "b", "c"}, .params = {{"classes", 2}}}));
  EXPECT_THAT(two->Fit(data, Dataset{}).message(),
              HasSubstr("row 7 has label 2; a class label is an integer in [0, 2) (classes: 2)"));
  for (double& y : data.y) y = 1;
  EXPECT_THAT(model->Fit(data, Dataset{}).message(),
              HasSubstr("no training row has class 0 (of 2); each class needs rows - a "
                        "classifier needs at least two classes"));
  data = ThreeClasses(100, 11);
  for (double& y : data.y) y = y == 1 ? 0 : y;
  EXPECT_THAT(model->Fit(data, Dataset{}).message(),
              HasSubstr("no training row has class 1 (of 3)"));
  data = TwoClasses(100, 12);
  data.x[3 * 4 + 1] = std::nan("");
  EXPECT_THAT(model->Fit(data, Dataset{}).message(),
              HasSubstr("row 4: feature 'b' is not a finite number"));
  EXPECT_THAT(model->Fit(Dataset{.feature_names = {"a", "b", "c"}}, Dataset{}).message(),
              HasSubstr("logistic: no training rows"));
  EXPECT_THAT(model->Fit(Dataset{.feature_names = {"a"}}, Dataset{}).message(),
              HasSubstr("the rows have 1 features, the model reads 3"));
}

TEST(LogisticTest, BadParametersAreClearErrors) {
  const auto message = [](std::map<std::string, double> params) {
    return MakeModel({.type = "logistic", .features = {"a"}, .params = std::move(params)})
        .status()
        .message();
  };
  EXPECT_THAT(message({{"classes", 1}}), HasSubstr("classes must be a whole number in [2, "));
  EXPECT_THAT(message({{"classes", 2.5}}), HasSubstr("classes must be a whole number"));
  EXPECT_THAT(message({{"alpha", -1}}), HasSubstr("alpha must be 0 or more"));
  EXPECT_THAT(message({{"max_iter", 0}}), HasSubstr("max_iter must be a whole number in [1, "));
  EXPECT_THAT(message({{"tol", 0}}), HasSubstr("tol must be above 0"));
  EXPECT_THAT(message({{"C", 1}}),
              HasSubstr("unknown parameter 'C' (accepted: alpha, classes, max_iter, tol)"));
  EXPECT_THAT(MakeModel({.type = "logistic"}).status().message(),
              HasSubstr("declare its features"));
}

TEST(MajorityTest, AnswersTheMostFrequentTrainingClass) {
  Dataset three{.feature_names = {"x"}};
  for (int i = 0; i < 10; ++i) three.Add(std::vector<double>{0}, i < 2 ? 0 : i < 7 ? 1 : 2, i);
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel({.type = "majority", .features = {"x"}}));
  ASSERT_OK(model->Fit(three, Dataset{}));
  EXPECT_EQ(model->classes(), 3);
  EXPECT_EQ(model->Predict(std::vector<double>{5}), 1);
  EXPECT_EQ(Accuracy(*model, three), 0.5);

  // Two classes: the share of class 1, which ClassOf reads as the majority.
  Dataset two{.feature_names = {"x"}};
  for (int i = 0; i < 10; ++i) two.Add(std::vector<double>{0}, i < 3 ? 1 : 0, i);
  ASSERT_OK(model->Fit(two, Dataset{}));
  EXPECT_EQ(model->classes(), 2);
  EXPECT_EQ(model->Predict(std::vector<double>{0}), 0.3);
  EXPECT_EQ(model->ClassOf(model->Predict(std::vector<double>{0})), 0);
  EXPECT_EQ(Accuracy(*model, two), 0.7);
  // Updated with 6 rows of class 1: 9 of 16.
  Dataset more{.feature_names = {"x"}};
  for (int i = 0; i < 6; ++i) more.Add(std::vector<double>{0}, 1, 10 + i);
  ASSERT_OK(model->Update(more));
  EXPECT_EQ(model->Predict(std::vector<double>{0}), 9.0 / 16);
  EXPECT_EQ(model->ClassOf(model->Predict(std::vector<double>{0})), 1);
  ASSERT_OK_AND_ASSIGN(auto loaded, LoadModel(*model->Save()));
  EXPECT_EQ(loaded->classes(), 2);
  EXPECT_EQ(loaded->Predict(std::vector<double>{0}), 9.0 / 16);
  more.y[2] = 2;
  EXPECT_THAT(loaded->Update(more).message(), HasSubstr("majority: row 2 has label 2"));

  // On the generated problems: exactly the test share of the training majority.
  const Dataset train = ThreeClasses(5'000, 13), test = ThreeClasses(5'000, 14);
  ASSERT_OK(model->Fit(train, Dataset{}));
  const int majority = model->ClassOf(model->Predict(test.Row(0)));
  EXPECT_EQ(Accuracy(*model, test),
            static_cast<double>(std::count(test.y.begin(), test.y.end(), majority)) /
                static_cast<double>(test.rows()));
  EXPECT_THAT(MakeModel({.type = "majority", .params = {{"classes", 1}}}).status().message(),
              HasSubstr("classes must be a whole number in [2, "));
}

// Trains XGBoost for `objective`, as every test below does.
std::unique_ptr<Model> FittedTrees(const std::string& objective, const Dataset& train,
                                   std::map<std::string, double> params = {}) {
  params.emplace("n_estimators", 50);
  return Fitted({.type = "xgboost",
                 .features = {"a", "b", "c"},
                 .params = std::move(params),
                 .text_params = {{"objective", objective}}},
                train);
}

TEST(XGBoostClassificationTest, BeatsTheMajorityAndEqualsTheLibraryBitForBit) {
  const Dataset two_train = TwoClasses(5'000, 15), two_test = TwoClasses(3'000, 16);
  const Dataset three_train = ThreeClasses(5'000, 17), three_test = ThreeClasses(3'000, 18);
  for (const auto& [objective, train, test, classes] :
       std::vector<std::tuple<std::string, const Dataset*, const Dataset*, int>>{
           {"binary:logistic", &two_train, &two_test, 2},
           {"multi:softmax", &three_train, &three_test, 3}}) {
    std::map<std::string, double> params;
    if (classes > 2) params["num_class"] = classes;
    const auto trees = FittedTrees(objective, *train, params);
    ASSERT_NE(trees, nullptr);
    EXPECT_EQ(trees->classes(), classes);
    const auto majority = Fitted({.type = "majority", .features = {"a", "b", "c"}}, *train);
    ASSERT_NE(majority, nullptr);
    EXPECT_GT(Accuracy(*trees, *test), Accuracy(*majority, *test) + 0.1) << objective;
    for (size_t i = 0; i < test->rows(); ++i) {
      std::vector<double> row(test->Row(i).begin(), test->Row(i).end());
      if (i % 5 == 0) row[i % 3] = std::nan("");
      const double own = trees->Predict(row);
      ASSERT_OK_AND_ASSIGN(const double library, XGBoostLibraryPredict(*trees, row));
      ASSERT_EQ(std::memcmp(&own, &library, sizeof own), 0)
          << objective << " row " << i << ": " << own << " vs " << library;
    }
    ASSERT_OK_AND_ASSIGN(auto loaded, LoadModel(*trees->Save()));
    EXPECT_EQ(loaded->classes(), classes);
    ExpectSamePredictions(*trees, *loaded, *test);
  }
  const auto regression = FittedTrees("reg:squarederror", two_train);
  ASSERT_NE(regression, nullptr);
  EXPECT_EQ(regression->classes(), 0);
}

// Early stopping cuts whole rounds - every class's tree of a round - so the kept
// model still predicts as the library does.
TEST(XGBoostClassificationTest, EarlyStoppingKeepsWholeRoundsOfClassTrees) {
  const Dataset train = ThreeClasses(3'000, 19), valid = ThreeClasses(1'000, 20),
                test = ThreeClasses(1'000, 21);
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel({.type = "xgboost",
                                              .features = {"a", "b", "c"},
                                              .params = {{"num_class", 3},
                                                         {"n_estimators", 2000},
                                                         {"learning_rate", 0.3},
                                                         {"early_stopping_rounds", 10}},
                                              .text_params = {{"objective", "multi:softmax"}}}));
  ASSERT_OK(model->Fit(train, valid));
  ASSERT_OK_AND_ASSIGN(const std::string bytes, model->Save());
  EXPECT_LT(bytes.size(), 3'000'000u);  // far fewer than 2,000 rounds
  for (size_t i = 0; i < test.rows(); ++i) {
    const double own = model->Predict(test.Row(i));
    ASSERT_OK_AND_ASSIGN(const double library, XGBoostLibraryPredict(*model, test.Row(i)));
    ASSERT_EQ(own, library) << "row " << i;
  }
}

TEST(XGBoostClassificationTest, LabelsAndParametersThatDoNotFitAreClearErrors) {
  const auto spec = [](std::string objective, std::map<std::string, double> params) {
    return ModelSpec{.type = "xgboost",
                     .features = {"a", "b", "c"},
                     .params = std::move(params),
                     .text_params = {{"objective", std::move(objective)}}};
  };
  EXPECT_THAT(MakeModel(spec("multi:softmax", {})).status().message(),
              HasSubstr("multi:softmax needs params num_class"));
  EXPECT_THAT(MakeModel(spec("binary:logistic", {{"num_class", 3}})).status().message(),
              HasSubstr("num_class is for objective multi:softmax only, not binary:logistic"));
  EXPECT_THAT(MakeModel(spec("multi:softmax", {{"num_class", 1}})).status().message(),
              HasSubstr("num_class must be a whole number in [2, "));
  ASSERT_OK_AND_ASSIGN(auto multi, MakeModel(spec("multi:softmax", {{"num_class", 3}})));
  Dataset data = ThreeClasses(200, 22);
  data.y[9] = 3;
  EXPECT_THAT(multi->Fit(data, Dataset{}).message(),
              HasSubstr("xgboost multi:softmax: row 9 has label 3; a class label is an integer "
                        "in [0, 3) (classes: 3)"));
  ASSERT_OK_AND_ASSIGN(auto binary, MakeModel(spec("binary:logistic", {})));
  data = TwoClasses(200, 22);
  data.y[9] = 0.25;
  EXPECT_THAT(binary->Fit(data, Dataset{}).message(),
              HasSubstr("xgboost binary:logistic: row 9 has label 0.25"));
}

// The JSON of a multi:softmax model trained by Debian's `xgboost` tool imports to a
// model that predicts the tool's classes; a multi:softprob one is refused, as it
// predicts one probability per class.
TEST(XGBoostClassificationTest, ImportsAMultiSoftmaxModelTrainedByTheXGBoostTool) {
  rtml::testing::TempDir dir;
  const Dataset data = ThreeClasses(800, 23);
  {
    std::ofstream csv(dir.str() + "/train.csv");
    csv.precision(17);
    for (size_t i = 0; i < data.rows(); ++i) {
      csv << data.y[i] << ',' << data.Row(i)[0] << ',' << data.Row(i)[1] << ',' << data.Row(i)[2]
          << '\n';
    }
    for (const char* objective : {"softmax", "softprob"}) {
      std::ofstream(dir.str() + "/" + objective + ".conf")
          << "booster = gbtree\nobjective = multi:" << objective
          << "\nnum_class = 3\nnum_round = 30\nmax_depth = 4\nnthread = 1\n"
             "data = \"train.csv?format=csv&label_column=0\"\nmodel_out = "
          << objective << ".json\n";
    }
    std::ofstream(dir.str() + "/pred.conf")
        << "task = pred\nmodel_in = softmax.json\nnthread = 1\n"
           "test:data = \"train.csv?format=csv&label_column=0\"\nname_pred = pred.txt\n";
  }
  for (const char* conf : {"softmax.conf", "softprob.conf", "pred.conf"}) {
    const auto run = rtml::testing::RunCommand("cd " + dir.str() + " && xgboost " + conf + " 2>&1");
    ASSERT_EQ(run.exit_code, 0) << "Debian's xgboost tool (apt-get install xgboost): " << run.out;
  }
  const auto read = [&](const std::string& name) {
    std::ifstream file(dir.str() + "/" + name);
    return std::string((std::istreambuf_iterator<char>(file)), {});
  };
  ASSERT_OK_AND_ASSIGN(auto model, ImportXGBoostJson(read("softmax.json"), {"a", "b", "c"}));
  EXPECT_EQ(model->classes(), 3);
  std::ifstream predictions(dir.str() + "/pred.txt");
  std::string line;
  size_t i = 0;
  for (; std::getline(predictions, line); ++i) {
    ASSERT_LT(i, data.rows());
    ASSERT_EQ(model->Predict(data.Row(i)), std::strtod(line.c_str(), nullptr)) << "row " << i;
  }
  EXPECT_EQ(i, data.rows());
  const Result<std::unique_ptr<Model>> softprob =
      ImportXGBoostJson(read("softprob.json"), {"a", "b", "c"});
  ASSERT_FALSE(softprob.ok());
  EXPECT_EQ(softprob.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(softprob.status().message(),
              HasSubstr("objective multi:softprob is not supported (supported: "));
}

}  // namespace
}  // namespace rtml::ml
