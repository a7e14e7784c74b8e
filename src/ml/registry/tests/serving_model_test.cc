// ServingModel: scores only rows whose features are exactly the ones the model was
// trained on, in its order, and says what differs otherwise.
#include "rtml/ml/serving_model.h"

#include <cstring>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fitted_models.h"
#include "rtml/ml/model_spec.h"
#include "testing.h"

namespace rtml::ml {
namespace {

using testing::Fit;
using testing::Fitted;
using testing::Generated;
using testing::Metadata;

std::unique_ptr<ServingModel> Serving(const Fitted& fitted, ModelVersion version) {
  auto model = LoadModel(fitted.artifact);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  auto serving = ServingModel::Make(std::move(version), std::move(model).value());
  EXPECT_TRUE(serving.ok()) << serving.status().ToString();
  return serving.ok() ? std::move(serving).value() : nullptr;
}

class ServingModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fitted_ = Fit("ridge", Generated(300, 5));
    ASSERT_NE(fitted_.model, nullptr);
    ModelVersion version = Metadata("btc-close-5m", fitted_);
    version.version = 3;
    serving_ = Serving(fitted_, version);
    ASSERT_NE(serving_, nullptr);
  }

  Fitted fitted_;
  std::unique_ptr<ServingModel> serving_;
};

TEST_F(ServingModelTest, CheckFeaturesNamesWhatIsMissingExtraOrReordered) {
  EXPECT_OK(serving_->CheckFeatures({"close", "rsi_14", "ema_21"}));
  const std::string head = "model btc-close-5m v3 scores [close, rsi_14, ema_21] but was given ";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"close", "rsi_7", "ema_21"}, "[close, rsi_7, ema_21]: missing rsi_14; unexpected rsi_7"},
      {{"close", "rsi_14"}, "[close, rsi_14]: missing ema_21"},
      {{"close", "rsi_14", "ema_21", "volume"},
       "[close, rsi_14, ema_21, volume]: unexpected volume"},
      {{"close", "ema_21", "rsi_14"},
       "[close, ema_21, rsi_14]: the same features in another order (position 2 is ema_21, not "
       "rsi_14)"},
      {{"close", "rsi_14", "ema_21", "close"}, "[close, rsi_14, ema_21, close]: given twice close"},
      {{}, "[]: missing close, rsi_14, ema_21"},
  };
  for (const auto& [names, tail] : cases) {
    const Status status = serving_->CheckFeatures(names);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(), head + tail);
  }
}

TEST_F(ServingModelTest, ScoresOnlyRowsInTheModelsOrder) {
  const Dataset rows = Generated(100, 6);
  for (size_t i = 0; i < rows.rows(); ++i) {
    ASSERT_OK_AND_ASSIGN(const double score,
                         serving_->Score({"close", "rsi_14", "ema_21"}, rows.Row(i)));
    const double want = fitted_.model->Predict(rows.Row(i));
    ASSERT_EQ(std::memcmp(&score, &want, sizeof want), 0) << i;
  }
  const std::vector<double> row = {1, 2, 3};
  EXPECT_EQ(serving_->Score({"rsi_14", "close", "ema_21"}, row).status().code(),
            StatusCode::kInvalidArgument);
  const Status short_row =
      serving_->Score({"close", "rsi_14", "ema_21"}, std::span(row).first(2)).status();
  EXPECT_EQ(short_row.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(short_row.message(), "model btc-close-5m v3: a row of 2 values for 3 features");
}

TEST_F(ServingModelTest, AddsTheReferenceFeature) {
  ModelVersion version = Metadata("delta", fitted_);
  version.reference_feature = "ema_21";
  const auto serving = Serving(fitted_, version);
  ASSERT_NE(serving, nullptr);
  const std::vector<double> row = {1.5, -0.25, 100};
  EXPECT_EQ(serving->Predict(row), fitted_.model->Predict(row) + 100);
}

TEST_F(ServingModelTest, MakeRefusesMetadataThatDoesNotFitTheModel) {
  ModelVersion version = Metadata("m", fitted_);
  version.features = {"close", "rsi_14"};
  auto model = LoadModel(fitted_.artifact);
  ASSERT_TRUE(model.ok());
  Result<std::unique_ptr<ServingModel>> made =
      ServingModel::Make(version, std::move(model).value());
  EXPECT_EQ(made.status().code(), StatusCode::kCorruption);
  version = Metadata("m", fitted_);
  version.reference_feature = "open";
  model = LoadModel(fitted_.artifact);
  ASSERT_TRUE(model.ok());
  made = ServingModel::Make(version, std::move(model).value());
  EXPECT_EQ(made.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace rtml::ml
