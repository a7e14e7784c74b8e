// Linear models recover known coefficients from noisy data, resist outliers (Huber),
// select features (lasso), and predict bit for bit the same after save and load.
#include <cmath>
#include <cstring>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtml/ml/metrics.h"
#include "rtml/ml/model_spec.h"
#include "testing.h"

namespace rtml::ml {
namespace {

using ::testing::HasSubstr;

// y = 3 + 2 a - 0.5 b + 0 c + noise, with features on very different scales.
Dataset Synthetic(size_t rows, double noise, uint64_t seed, double outlier_share = 0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> a(10, 2), b(1000, 300), c(0, 0.01), e(0, noise);
  std::uniform_real_distribution<double> u(0, 1);
  Dataset data{.feature_names = {"a", "b", "c"}};
  for (size_t i = 0; i < rows; ++i) {
    const double xa = a(rng), xb = b(rng), xc = c(rng);
    double y = 3 + 2 * xa - 0.5 * xb + e(rng);
    if (u(rng) < outlier_share) y += 5000;
    data.Add(std::vector<double>{xa, xb, xc}, y, static_cast<int64_t>(i));
  }
  return data;
}

// The model's coefficients in the features' own units, read off its predictions.
std::vector<double> Coefficients(const Model& model) {
  const std::vector<double> zero(3, 0.0);
  const double intercept = model.Predict(zero);
  std::vector<double> out{intercept};
  for (size_t j = 0; j < 3; ++j) {
    std::vector<double> unit = zero;
    unit[j] = 1;
    out.push_back(model.Predict(unit) - intercept);
  }
  return out;
}

std::unique_ptr<Model> Fitted(const std::string& type, const Dataset& train,
                              std::map<std::string, double> params = {}) {
  Result<std::unique_ptr<Model>> model =
      MakeModel({.type = type, .features = {"a", "b", "c"}, .params = std::move(params)});
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_TRUE((*model)->Fit(train, Dataset{}).ok());
  return std::move(*model);
}

TEST(LinearModelsTest, LeastSquaresAndRidgeRecoverTheCoefficients) {
  const Dataset train = Synthetic(5000, 1.0, 1);
  for (const auto& [type, params] :
       std::vector<std::pair<std::string, std::map<std::string, double>>>{
           {"least_squares", {}}, {"ridge", {{"alpha", 1e-4}}}, {"lasso", {{"alpha", 1e-3}}}}) {
    const std::vector<double> c = Coefficients(*Fitted(type, train, params));
    EXPECT_NEAR(c[1], 2, 0.02) << type;
    EXPECT_NEAR(c[2], -0.5, 0.001) << type;
    EXPECT_NEAR(c[0], 3, 0.5) << type;
  }
}

TEST(LinearModelsTest, RidgeShrinksAndLassoZeroesUselessFeatures) {
  const Dataset train = Synthetic(2000, 1.0, 2);
  const auto small = Coefficients(*Fitted("ridge", train, {{"alpha", 1e-4}}));
  const auto large = Coefficients(*Fitted("ridge", train, {{"alpha", 10}}));
  EXPECT_LT(std::abs(large[1]), std::abs(small[1]));
  // c carries nothing: lasso drops it exactly.
  const auto lasso = Fitted("lasso", train, {{"alpha", 0.5}});
  EXPECT_EQ(Coefficients(*lasso)[3], 0);
}

TEST(LinearModelsTest, HuberIgnoresOutliersThatPullLeastSquares) {
  const Dataset train = Synthetic(3000, 1.0, 3, /*outlier_share=*/0.05);
  const auto ols = Coefficients(*Fitted("least_squares", train));
  const auto huber = Coefficients(*Fitted("huber", train));
  EXPECT_NEAR(huber[1], 2, 0.05);
  EXPECT_NEAR(huber[2], -0.5, 0.002);
  EXPECT_GT(std::abs(ols[0] - 3), 100);  // the outliers moved its intercept by ~250
  EXPECT_NEAR(huber[0], 3, 2);
}

TEST(LinearModelsTest, SavedAndLoadedModelsPredictBitForBit) {
  const Dataset train = Synthetic(500, 1.0, 5);
  const Dataset test = Synthetic(200, 1.0, 6);
  for (const char* type : {"least_squares", "ridge", "lasso", "huber"}) {
    auto model = Fitted(type, train);
    ASSERT_OK_AND_ASSIGN(const std::string bytes, model->Save());
    ASSERT_OK_AND_ASSIGN(auto loaded, LoadModel(bytes));
    EXPECT_EQ(loaded->type(), type);
    EXPECT_EQ(loaded->feature_names(), model->feature_names());
    for (size_t i = 0; i < test.rows(); ++i) {
      const double p = model->Predict(test.Row(i));
      const double q = loaded->Predict(test.Row(i));
      ASSERT_EQ(std::memcmp(&p, &q, sizeof p), 0) << type << " row " << i;
    }
    ASSERT_OK_AND_ASSIGN(const std::string again, loaded->Save());
    EXPECT_EQ(again, bytes);
  }
}

TEST(LinearModelsTest, BadSpecsAndDataAreClearErrors) {
  EXPECT_THAT(
      MakeModel({.type = "ridge", .features = {"a"}, .params = {{"lambda", 1}}}).status().message(),
      HasSubstr("unknown parameter 'lambda' (accepted: alpha, max_iter, tol)"));
  EXPECT_THAT(
      MakeModel({.type = "ridge", .features = {"a"}, .params = {{"alpha", -1}}}).status().message(),
      HasSubstr("alpha must be 0 or more"));
  EXPECT_THAT(MakeModel({.type = "ridge"}).status().message(), HasSubstr("declare its features"));
  EXPECT_THAT(MakeModel({.type = "forest", .features = {"a"}}).status().message(),
              HasSubstr("unknown model type 'forest' (known: last_value"));
  Dataset nan = Synthetic(10, 1, 7);
  nan.x[4] = std::nan("");
  auto model = MakeModel({.type = "least_squares", .features = {"a", "b", "c"}}).value();
  EXPECT_THAT(model->Fit(nan, Dataset{}).message(), HasSubstr("row 1: feature 'b'"));
  EXPECT_FALSE(model->Fit(Synthetic(1, 1, 8), Dataset{}).ok());
  EXPECT_EQ(LoadModel("not a model").status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace rtml::ml
