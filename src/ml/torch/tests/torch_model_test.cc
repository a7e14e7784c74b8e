// TorchScript networks through libtorch: a perceptron learns what the mean cannot,
// classifies, reports its epochs, saves and loads back to bit-identical predictions,
// trains the same for the same seed, and refuses bad modules and parameters with a
// clear error. The modules are built here in C++ (TorchScript source and registered
// weights), as torch.jit.script would make them, so the test needs no Python.
#include <torch/script.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <numbers>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtml/ml/metrics.h"
#include "rtml/ml/model_spec.h"
#include "test_modules.h"
#include "testing.h"

namespace rtml::ml {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// forward(x) = x @ w + b: its predictions can be computed by hand.
torch::jit::Module Linear(std::vector<float> weights, float bias) {
  torch::jit::Module module("Linear");
  const auto n = static_cast<int64_t>(weights.size());
  module.register_parameter("w", torch::from_blob(weights.data(), {n, 1}).clone(), false);
  module.register_parameter("b", torch::full({1}, bias), false);
  module.define(R"(
def forward(self, x):
    return torch.addmm(self.b, x, self.w)
)");
  return module;
}

std::string Saved(const torch::jit::Module& module, const testing::TempDir& dir,
                  const std::string& name) {
  const std::string path = (dir.path() / name).string();
  module.save(path);
  return path;
}

std::string Bytes(const torch::jit::Module& module) {
  std::ostringstream out;
  module.save(out);
  return out.str();
}

// y = sin(2a) + b c + noise, a, b, c uniform in [-2, 2].
Dataset Regression(size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-2, 2);
  std::normal_distribution<double> noise(0, 0.1);
  Dataset data{.feature_names = {"a", "b", "c"}};
  for (size_t i = 0; i < rows; ++i) {
    const double a = u(rng), b = u(rng), c = u(rng);
    data.Add(std::vector<double>{a, b, c}, std::sin(2 * a) + b * c + noise(rng),
             static_cast<int64_t>(i));
  }
  return data;
}

// Points in [-2, 2]²; with 2 classes, 1 inside the circle of radius 1.3 (about 1/3 of
// the rows); with 3, the third of the plane by angle.
Dataset Classes(size_t rows, int classes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-2, 2);
  Dataset data{.feature_names = {"a", "b"}};
  for (size_t i = 0; i < rows; ++i) {
    const double a = u(rng), b = u(rng);
    const double label =
        classes == 2
            ? (a * a + b * b < 1.3 * 1.3 ? 1 : 0)
            : std::floor((std::atan2(b, a) + std::numbers::pi) / (2 * std::numbers::pi / 3));
    data.Add(std::vector<double>{a, b}, std::min(label, classes - 1.0), static_cast<int64_t>(i));
  }
  return data;
}

std::vector<double> Predictions(const Model& model, const Dataset& data) {
  std::vector<double> out(data.rows());
  model.PredictBatch(data, out);
  return out;
}

double Mae(const Model& model, const Dataset& data) {
  return EvaluateRegression(data.y, Predictions(model, data)).mae;
}

double Accuracy(const Model& model, const Dataset& data) {
  size_t right = 0;
  for (size_t i = 0; i < data.rows(); ++i) {
    right += model.ClassOf(model.Predict(data.Row(i))) == static_cast<int>(data.y[i]);
  }
  return static_cast<double>(right) / static_cast<double>(data.rows());
}

double MajorityRate(const Dataset& data, int classes) {
  std::vector<size_t> counts(static_cast<size_t>(classes));
  for (const double y : data.y) ++counts[static_cast<size_t>(y)];
  return static_cast<double>(*std::max_element(counts.begin(), counts.end())) /
         static_cast<double>(data.rows());
}

bool BitIdentical(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

ModelSpec MlpSpec(const std::string& module, std::map<std::string, double> params) {
  return {.type = "torchscript",
          .features = {"a", "b", "c"},
          .params = std::move(params),
          .text_params = {{"module", module}}};
}

TEST(TorchModelTest, APerceptronLearnsANonlinearTargetFarBetterThanTheMean) {
  const testing::TempDir dir;
  const Dataset train = Regression(3000, 1), validation = Regression(500, 2),
                test = Regression(1000, 3);
  ASSERT_OK_AND_ASSIGN(auto net, MakeModel(MlpSpec(Saved(Mlp(3, 32, 1, 1), dir, "mlp.pt"),
                                                   {{"epochs", 25}, {"learning_rate", 0.01}})));
  std::vector<EpochReport> reports;
  net->ObserveEpochs([&](const EpochReport& report) { reports.push_back(report); });
  ASSERT_OK(net->Fit(train, validation));
  ASSERT_OK_AND_ASSIGN(auto mean, MakeModel({.type = "mean", .features = {"a", "b", "c"}}));
  ASSERT_OK(mean->Fit(train, Dataset{}));

  const double net_mae = Mae(*net, test), mean_mae = Mae(*mean, test);
  EXPECT_LT(net_mae * 4, mean_mae) << net_mae << " vs the mean's " << mean_mae;
  EXPECT_EQ(net->classes(), 0);

  // Every epoch reported, the loss (of the standardised target: the mean scores 1)
  // falling and the validation loss following it.
  ASSERT_EQ(reports.size(), 25u);
  for (size_t i = 0; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i].epoch, static_cast<int>(i + 1));
    EXPECT_EQ(reports[i].epochs, 25);
    EXPECT_TRUE(std::isfinite(reports[i].validation_loss));
  }
  EXPECT_LT(reports.front().train_loss, 1.0);
  EXPECT_LT(reports.back().train_loss * 3, reports.front().train_loss);
  EXPECT_LT(reports.back().validation_loss * 3, reports.front().validation_loss);
  for (size_t i = 1; i < 5; ++i) EXPECT_LT(reports[i].train_loss, reports[i - 1].train_loss) << i;

  // One row at a time predicts what the batch does (to float precision).
  const std::vector<double> batch = Predictions(*net, test);
  for (size_t i = 0; i < 50; ++i) EXPECT_NEAR(net->Predict(test.Row(i)), batch[i], 1e-5) << i;
}

TEST(TorchModelTest, SavedAndLoadedPredictsBitForBit) {
  const testing::TempDir dir;
  const Dataset train = Regression(1000, 4), test = Regression(500, 5);
  ASSERT_OK_AND_ASSIGN(auto net, MakeModel(MlpSpec(Saved(Mlp(3, 16, 1, 2, 0.1), dir, "mlp.pt"),
                                                   {{"epochs", 4}, {"learning_rate", 0.01}})));
  EXPECT_FALSE(net->Save().ok()) << "saved before it was fitted";
  ASSERT_OK(net->Fit(train, Dataset{}));
  ASSERT_OK_AND_ASSIGN(const std::string bytes, net->Save());
  ASSERT_OK_AND_ASSIGN(auto loaded, LoadModel(bytes));
  EXPECT_EQ(loaded->type(), "torchscript");
  EXPECT_EQ(loaded->feature_names(), net->feature_names());
  const std::vector<double> before = Predictions(*net, test), after = Predictions(*loaded, test);
  for (size_t i = 0; i < test.rows(); ++i) {
    ASSERT_TRUE(BitIdentical(before[i], after[i])) << i;
    const double one = net->Predict(test.Row(i)), again = loaded->Predict(test.Row(i));
    ASSERT_TRUE(BitIdentical(one, again)) << i;
  }
  // And once more: a loaded model saves what it loaded.
  ASSERT_OK_AND_ASSIGN(const std::string resaved, loaded->Save());
  ASSERT_OK_AND_ASSIGN(auto reloaded, LoadModel(resaved));
  EXPECT_TRUE(BitIdentical(reloaded->Predict(test.Row(0)), before[0]));

  // Damaged bytes are an error, not a crash.
  std::string damaged = bytes;
  damaged[damaged.size() - 40] = 'x';
  EXPECT_FALSE(LoadModel(damaged).ok());
  const size_t module = bytes.find("\nmodule\t") + 8;
  std::string truncated = bytes.substr(0, module + 200) + "\n";
  const auto broken = LoadModel(truncated);
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.status().message(), HasSubstr("not a TorchScript module"));
}

TEST(TorchModelTest, ClassifiesWellAboveTheMajorityRate) {
  const testing::TempDir dir;
  const Dataset train = Classes(3000, 2, 6), test = Classes(1000, 2, 7);
  ASSERT_OK_AND_ASSIGN(
      auto net, MakeModel({.type = "torchscript",
                           .features = {"a", "b"},
                           .params = {{"classes", 2}, {"epochs", 20}, {"learning_rate", 0.01}},
                           .text_params = {{"module", Saved(Mlp(2, 16, 2, 3), dir, "c2.pt")},
                                           {"loss", "cross_entropy"}}}));
  ASSERT_OK(net->Fit(train, Dataset{}));
  EXPECT_EQ(net->classes(), 2);
  const double majority = MajorityRate(test, 2);
  EXPECT_GT(majority, 0.6);
  EXPECT_GT(Accuracy(*net, test), majority + 0.2);
  // The probability of class 1.
  for (size_t i = 0; i < test.rows(); ++i) {
    const double p = net->Predict(test.Row(i));
    ASSERT_TRUE(p >= 0 && p <= 1) << p;
  }
  ASSERT_OK_AND_ASSIGN(auto loaded, LoadModel(net->Save().value()));
  EXPECT_EQ(loaded->classes(), 2);
  EXPECT_TRUE(BitIdentical(loaded->Predict(test.Row(3)), net->Predict(test.Row(3))));

  // Three classes: the predicted class itself (cross_entropy is the default loss).
  const Dataset train3 = Classes(1500, 3, 8), test3 = Classes(500, 3, 9);
  ASSERT_OK_AND_ASSIGN(
      auto net3, MakeModel({.type = "torchscript",
                            .features = {"a", "b"},
                            .params = {{"classes", 3}, {"epochs", 15}, {"learning_rate", 0.01}},
                            .text_params = {{"module", Saved(Mlp(2, 16, 3, 4), dir, "c3.pt")}}}));
  ASSERT_OK(net3->Fit(train3, Dataset{}));
  for (size_t i = 0; i < test3.rows(); ++i) {
    const double c = net3->Predict(test3.Row(i));
    ASSERT_TRUE(c == 0 || c == 1 || c == 2) << c;
  }
  EXPECT_GT(Accuracy(*net3, test3), MajorityRate(test3, 3) + 0.3);
}

TEST(TorchModelTest, TheSameSeedTrainsTheSameNetwork) {
  const testing::TempDir dir;
  const Dataset train = Regression(800, 10), test = Regression(200, 11);
  const std::string module = Saved(Mlp(3, 16, 1, 5, 0.1), dir, "mlp.pt");
  // Through YAML, as a user writes it.
  const auto spec = [&](int seed) {
    return ParseModelSpec("type: torchscript\nfeatures: [a, b, c]\nparams: {module: " + module +
                              ", epochs: 3, batch_size: 32, seed: " + std::to_string(seed) + "}\n",
                          "net.yaml")
        .value();
  };
  ASSERT_OK_AND_ASSIGN(auto first, MakeModel(spec(7)));
  ASSERT_OK_AND_ASSIGN(auto second, MakeModel(spec(7)));
  ASSERT_OK_AND_ASSIGN(auto other, MakeModel(spec(8)));
  ASSERT_OK(first->Fit(train, Dataset{}));
  ASSERT_OK(second->Fit(train, Dataset{}));
  ASSERT_OK(other->Fit(train, Dataset{}));
  const std::vector<double> a = Predictions(*first, test), b = Predictions(*second, test),
                            c = Predictions(*other, test);
  size_t differ = 0;
  for (size_t i = 0; i < test.rows(); ++i) {
    ASSERT_TRUE(BitIdentical(a[i], b[i])) << i;
    differ += a[i] != c[i];
  }
  EXPECT_GT(differ, test.rows() / 2) << "another seed shuffles the batches otherwise";
  // Fitting again starts from the module's weights, not from the last fit.
  ASSERT_OK(first->Fit(train, Dataset{}));
  EXPECT_TRUE(BitIdentical(first->Predict(test.Row(0)), a[0]));
}

TEST(TorchModelTest, UpdateTrainsMoreEpochsOnNewRows) {
  const testing::TempDir dir;
  const Dataset train = Regression(1500, 12);
  // Later the target moves up by 1.
  Dataset shifted = Regression(1500, 13), shifted_test = Regression(500, 14);
  for (double& y : shifted.y) y += 1;
  for (double& y : shifted_test.y) y += 1;
  ASSERT_OK_AND_ASSIGN(
      auto net,
      MakeModel(MlpSpec(Saved(Mlp(3, 16, 1, 6), dir, "mlp.pt"),
                        {{"epochs", 10}, {"learning_rate", 0.01}, {"update_epochs", 3}})));
  EXPECT_FALSE(net->Update(shifted).ok()) << "updated before it was fitted";
  ASSERT_OK(net->Fit(train, Dataset{}));
  const double before = Mae(*net, shifted_test);
  std::vector<EpochReport> reports;
  net->ObserveEpochs([&](const EpochReport& report) { reports.push_back(report); });
  ASSERT_OK(net->Update(shifted));
  EXPECT_LT(Mae(*net, shifted_test) * 1.5, before);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports.back().epochs, 3);
  EXPECT_TRUE(std::isnan(reports.back().validation_loss));
}

TEST(TorchModelTest, AnImportedModulePredictsWhatItComputes) {
  // 1a + 2b + 3c + 0.5 on the raw features: nothing standardised.
  const std::string bytes = Bytes(Linear({1, 2, 3}, 0.5f));
  ASSERT_OK_AND_ASSIGN(auto model, ImportTorchScript(bytes, {"a", "b", "c"}));
  EXPECT_EQ(model->Predict(std::vector<double>{1, 1, 1}), 6.5);
  EXPECT_EQ(model->Predict(std::vector<double>{2, 0, -1}), -0.5);
  ASSERT_OK_AND_ASSIGN(auto loaded, LoadModel(model->Save().value()));
  EXPECT_EQ(loaded->Predict(std::vector<double>{1, 1, 1}), 6.5);

  // Logits [0, x @ w]: P(class 1) = sigmoid(x @ w).
  torch::jit::Module logits("Logits");
  logits.register_parameter("w", torch::ones({2, 1}), false);
  logits.define(R"(
def forward(self, x):
    z = torch.mm(x, self.w)
    return torch.cat([torch.zeros_like(z), z], 1)
)");
  ASSERT_OK_AND_ASSIGN(auto classifier, ImportTorchScript(Bytes(logits), {"a", "b"}, 2));
  EXPECT_NEAR(classifier->Predict(std::vector<double>{1, 0.5}), 1 / (1 + std::exp(-1.5)), 1e-7);
  EXPECT_EQ(classifier->ClassOf(classifier->Predict(std::vector<double>{-1, -0.5})), 0);

  // The same module read as 2 features, or as a 3-class classifier, is refused.
  const auto two = ImportTorchScript(bytes, {"a", "b"});
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(two.status().message(), HasSubstr("forward fails on a batch of 2 features"));
  EXPECT_FALSE(ImportTorchScript(Bytes(logits), {"a", "b"}, 3).ok());
  EXPECT_FALSE(ImportTorchScript("not a module", {"a"}).ok());
}

TEST(TorchModelTest, BadModulesAndParametersAreClearErrors) {
  const testing::TempDir dir;
  const std::string mlp = Saved(Mlp(3, 8, 1, 7), dir, "mlp.pt");
  const std::string garbage = (dir.path() / "garbage.pt").string();
  std::ofstream(garbage) << "this is not a TorchScript module";
  torch::jit::Module identity("Identity");
  identity.define("def forward(self, x):\n    return x\n");
  const std::string wide = Saved(identity, dir, "identity.pt");

  const auto error = [](const ModelSpec& spec) {
    const auto made = MakeModel(spec);
    EXPECT_FALSE(made.ok());
    return made.ok() ? std::string("(made)") : made.status().ToString();
  };
  const auto spec = [](const std::string& module, std::map<std::string, double> params = {},
                       std::map<std::string, std::string> texts = {}) {
    texts["module"] = module;
    return ModelSpec{.type = "torchscript",
                     .features = {"a", "b", "c"},
                     .params = std::move(params),
                     .text_params = std::move(texts)};
  };
  const std::string missing = (dir.path() / "missing.pt").string();
  EXPECT_THAT(error(spec(missing)),
              AllOf(HasSubstr("invalid argument"), HasSubstr("cannot read module '" + missing),
                    HasSubstr("No such file")));
  EXPECT_THAT(error({.type = "torchscript", .features = {"a"}}), HasSubstr("name the module file"));
  EXPECT_THAT(error(spec(garbage)),
              AllOf(HasSubstr("invalid argument"), HasSubstr("is not a TorchScript module: ")));
  EXPECT_THAT(error(spec(wide)),
              HasSubstr("forward returned [2, 3] for a batch of 2 rows; a regression module "
                        "returns [batch] or [batch, 1]"));
  EXPECT_THAT(error(spec(mlp, {{"classes", 2}})),
              HasSubstr("a classifier of 2 classes returns [batch, 2] logits"));
  EXPECT_THAT(error({.type = "torchscript",
                     .features = {"a", "b", "c", "d"},
                     .text_params = {{"module", mlp}}}),
              AllOf(HasSubstr("forward fails on a batch of 4 features: "),
                    HasSubstr("cannot be multiplied")));
  EXPECT_THAT(error(spec(mlp, {}, {{"loss", "hinge"}})),
              HasSubstr("unknown loss 'hinge' (accepted: mse, l1, huber, cross_entropy)"));
  EXPECT_THAT(error(spec(mlp, {}, {{"optimizer", "rmsprop"}})),
              HasSubstr("unknown optimizer 'rmsprop' (accepted: sgd, adam)"));
  EXPECT_THAT(error(spec(mlp, {{"epochs", 0}})), HasSubstr("epochs must be a whole number"));
  EXPECT_THAT(error(spec(mlp, {{"batch_size", 1.5}})), HasSubstr("batch_size must be"));
  EXPECT_THAT(error(spec(mlp, {{"learning_rate", 0}})), HasSubstr("learning_rate must be above 0"));
  EXPECT_THAT(error(spec(mlp, {{"weight_decay", -1}})), HasSubstr("weight_decay must be"));
  EXPECT_THAT(error(spec(mlp, {{"classes", 1}})), HasSubstr("classes must be 0 (regression)"));
  EXPECT_THAT(error(spec(mlp, {}, {{"loss", "cross_entropy"}})),
              HasSubstr("cross_entropy needs classes"));
  EXPECT_THAT(error(spec(mlp, {{"classes", 2}}, {{"loss", "mse"}})),
              HasSubstr("a classifier (classes >= 2) trains with loss cross_entropy"));
  EXPECT_THAT(error(spec(mlp, {{"dropout", 0.5}})), HasSubstr("unknown parameter 'dropout'"));
  EXPECT_THAT(error(spec(mlp, {}, {{"epochs", "many"}})), HasSubstr("epochs must be a number"));
  EXPECT_THAT(error({.type = "torchscript", .text_params = {{"module", mlp}}}),
              HasSubstr("declare its features"));
  // libtorch's reasons come as one line.
  for (const std::string& path : {garbage, wide}) {
    EXPECT_THAT(error(spec(path)), Not(HasSubstr("\n")));
  }

  // Rows it cannot fit.
  ASSERT_OK_AND_ASSIGN(auto net, MakeModel(spec(mlp, {{"epochs", 1}})));
  EXPECT_THAT(net->Fit(Dataset{.feature_names = {"a", "b", "c"}}, Dataset{}).ToString(),
              HasSubstr("no training rows"));
  EXPECT_THAT(net->Fit(Classes(10, 2, 1), Dataset{}).ToString(),
              HasSubstr("the training rows have 2 features, the model reads 3"));
  ASSERT_OK_AND_ASSIGN(
      auto classifier,
      MakeModel({.type = "torchscript",
                 .features = {"a", "b"},
                 .params = {{"classes", 2}},
                 .text_params = {{"module", Saved(Mlp(2, 4, 2, 8), dir, "c.pt")}}}));
  Dataset labels = Classes(10, 2, 1);
  labels.y[4] = 2;
  EXPECT_THAT(classifier->Fit(labels, Dataset{}).ToString(), HasSubstr("row 4 has label 2"));
  // A module without parameters has nothing to train.
  torch::jit::Module fixed("Fixed");
  fixed.define("def forward(self, x):\n    return x.sum(1)\n");
  ASSERT_OK_AND_ASSIGN(auto untrainable, MakeModel(spec(Saved(fixed, dir, "fixed.pt"))));
  EXPECT_THAT(untrainable->Fit(Regression(10, 1), Dataset{}).ToString(),
              HasSubstr("the module has no parameters to train"));
}

}  // namespace
}  // namespace rtml::ml
