#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtml/ml/model_spec.h"
#include "testing.h"

namespace rtml::ml {
namespace {

TEST(BaselineModelsTest, LastValueRepeatsItsFeature) {
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel({.type = "last_value",
                                              .features = {"rsi_14", "close"},
                                              .text_params = {{"feature", "close"}}}));
  ASSERT_OK(model->Fit(Dataset{}, Dataset{}));
  EXPECT_EQ(model->Predict(std::vector<double>{55, 61000.5}), 61000.5);
  ASSERT_OK_AND_ASSIGN(auto loaded, LoadModel(*model->Save()));
  EXPECT_EQ(loaded->Predict(std::vector<double>{1, 2}), 2);
  EXPECT_THAT(MakeModel({.type = "moving_average", .features = {"close"}}).status().message(),
              ::testing::HasSubstr("name the feature it repeats, e.g. params: {feature: sma_20}"));
}

TEST(BaselineModelsTest, MeanPredictsTheTrainingMeanAndUpdatesRunningly) {
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel({.type = "mean", .features = {"x"}}));
  Dataset train{.feature_names = {"x"}};
  for (int i = 1; i <= 4; ++i) train.Add(std::vector<double>{0}, i, i);
  ASSERT_OK(model->Fit(train, Dataset{}));
  EXPECT_EQ(model->Predict(std::vector<double>{7}), 2.5);
  Dataset more{.feature_names = {"x"}};
  more.Add(std::vector<double>{0}, 10, 5);
  ASSERT_OK(model->Update(more));
  EXPECT_DOUBLE_EQ(model->Predict(std::vector<double>{0}), 4);  // (1+2+3+4+10)/5
  ASSERT_OK_AND_ASSIGN(auto loaded, LoadModel(*model->Save()));
  EXPECT_EQ(loaded->Predict(std::vector<double>{0}), model->Predict(std::vector<double>{0}));
}

}  // namespace
}  // namespace rtml::ml
