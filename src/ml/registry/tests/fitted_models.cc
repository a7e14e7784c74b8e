#include "fitted_models.h"

#include <cmath>
#include <random>

#include "rtml/ml/model_spec.h"
#include "testing.h"

namespace rtml::ml::testing {

Dataset Generated(size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-2, 2);
  std::normal_distribution<double> noise(0, 0.05);
  Dataset data{.feature_names = {"close", "rsi_14", "ema_21"}};
  for (size_t i = 0; i < rows; ++i) {
    const double a = u(rng), b = u(rng), c = u(rng);
    data.Add(std::vector<double>{a, b, c}, 3 * a - 2 * b + std::sin(c) + noise(rng),
             static_cast<int64_t>(i) * 60'000);
  }
  return data;
}

Fitted Fit(const std::string& type, const Dataset& train) {
  ModelSpec spec{.type = type, .features = train.feature_names};
  if (type == "ridge") spec.params = {{"alpha", 0.5}};
  if (type == "xgboost") spec.params = {{"n_estimators", 30}, {"max_depth", 3}};
  Fitted fitted;
  Result<std::unique_ptr<Model>> model = MakeModel(spec);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  if (!model.ok()) return fitted;
  EXPECT_OK((*model)->Fit(train, Dataset{}));
  Result<std::string> artifact = (*model)->Save();
  EXPECT_TRUE(artifact.ok()) << artifact.status().ToString();
  fitted.model = std::move(model).value();
  if (artifact.ok()) fitted.artifact = std::move(artifact).value();
  return fitted;
}

ModelVersion Metadata(const std::string& name, const Fitted& fitted) {
  ModelVersion version;
  version.name = name;
  version.type = std::string(fitted.model->type());
  version.task = "regression";
  version.features = fitted.model->feature_names();
  version.feature_group = "candles_1m";
  version.feature_group_version = 1;
  version.source = "features:candles_1m@1";
  version.target = "close+300s";
  version.params = {{"alpha", "0.5"}};
  version.metrics = {{"test.mae", 0.125}, {"baseline.test.mae", 1.5}};
  version.data_from_ms = 1'700'000'000'000;
  version.data_to_ms = 1'700'086'400'000;
  version.training_seconds = 0.25;
  return version;
}

}  // namespace rtml::ml::testing
