// The market flow on the real month of FTX BTC-PERP 1-minute candles (45,031 bars,
// ../shared/data/ohlcv): the features stage's indicators, the close 5 minutes ahead as
// the target, a time-ordered split (train, then validation, then test), and the
// linear and XGBoost models next to the last-value baseline (the current close).
// With the labels shuffled within the training rows, what the models learn is noise:
// on the test rows they must do no better than the baseline - had the features held
// the future, the models would still find it.
#include <cmath>
#include <cstdio>
#include <random>

#include <gtest/gtest.h>

#include "rtml/ml/metrics.h"
#include "rtml/ml/model_spec.h"
#include "rtml/ml/time_split.h"
#include "rtml/process/candle_file.h"
#include "rtml/process/indicators/indicator.h"
#include "testing.h"

namespace rtml::ml {
namespace {

constexpr int kHorizonBars = 5;  // 5 one-minute bars: the close 5 minutes ahead
const std::vector<std::string> kIndicators = {"sma_10",      "ema_21",  "rsi_14", "macd_12_26_9",
                                              "bbands_20_2", "atr_14",  "roc_10", "stoch_14_3_3",
                                              "obv",         "willr_14"};

// Rows from the first bar where every indicator is warm to the last bar that has a
// close 5 bars later. The model learns the change close[t + 5] - close[t] (trees cannot
// extrapolate to price levels they never saw; a change they can) and the predicted
// price is close[t] plus it. Every feature of row t comes from bars up to t only.
Dataset MarketDataset(const std::vector<process::Candle>& candles) {
  std::vector<std::unique_ptr<process::Indicator>> indicators;
  Dataset data{.feature_names = {"close", "volume"}};
  for (const std::string& name : kIndicators) {
    indicators.push_back(std::move(process::MakeIndicator(name)).value());
    for (const std::string& output : indicators.back()->output_names()) {
      data.feature_names.push_back(output);
    }
  }
  std::vector<double> row;
  for (size_t t = 0; t + kHorizonBars < candles.size(); ++t) {
    row = {candles[t].close, candles[t].volume};
    bool warm = true;
    for (auto& indicator : indicators) {
      indicator->Update(candles[t]);
      for (size_t i = 0; i < indicator->output_names().size(); ++i) {
        row.push_back(indicator->value(i));
        warm = warm && std::isfinite(row.back());
      }
    }
    if (warm) {
      data.Add(row, candles[t + kHorizonBars].close - candles[t].close, candles[t].window_end_ms);
    }
  }
  return data;
}

struct Scores {
  RegressionMetrics baseline, model;
};

Scores TrainAndTest(const ModelSpec& spec, const Dataset& train, const Dataset& validation,
                    const Dataset& test) {
  auto model = std::move(MakeModel(spec)).value();
  EXPECT_OK(model->Fit(train, validation));
  // Prices: the baseline is the current close (last_value), a model adds its change.
  auto baseline = std::move(MakeModel({.type = "last_value",
                                       .features = train.feature_names,
                                       .text_params = {{"feature", "close"}}}))
                      .value();
  std::vector<double> predicted(test.rows()), repeated(test.rows()), current(test.rows()),
      actual(test.rows());
  model->PredictBatch(test, predicted);
  baseline->PredictBatch(test, repeated);
  for (size_t i = 0; i < test.rows(); ++i) {
    current[i] = test.Row(i)[0];
    predicted[i] += current[i];
    actual[i] = current[i] + test.y[i];
  }
  return {EvaluateRegression(actual, repeated, current),
          EvaluateRegression(actual, predicted, current)};
}

TEST(MarketFlowTest, ModelsNextToTheBaselineAndShuffledLabelsTeachNothing) {
  ASSERT_REAL_DATA(rtml::testing::RealDataDir() / "ohlcv");
  ASSERT_OK_AND_ASSIGN(const std::vector<process::Candle> candles,
                       process::ReadCandleFile((rtml::testing::RealDataDir() / "ohlcv" /
                                                "ftx_btc-perp_20211231-20220201_1m.csv.gz")
                                                   .string()));
  ASSERT_EQ(candles.size(), 45'031u);
  const Dataset data = MarketDataset(candles);
  ASSERT_OK(data.Validate());
  ASSERT_GT(data.rows(), 44'900u);
  ASSERT_OK_AND_ASSIGN(const TrainValidationTest split, SplitByTime(data.rows(), 0.15, 0.15));
  const Dataset train = data.Slice(split.train.begin, split.train.end);
  const Dataset validation = data.Slice(split.validation.begin, split.validation.end);
  const Dataset test = data.Slice(split.test.begin, split.test.end);
  ASSERT_LT(train.time_ms.back(), validation.time_ms.front());
  ASSERT_LT(validation.time_ms.back(), test.time_ms.front());

  Dataset shuffled = train;
  std::shuffle(shuffled.y.begin(), shuffled.y.end(), std::mt19937_64(13));

  const std::vector<ModelSpec> specs = {
      {.type = "least_squares", .features = data.feature_names},
      {.type = "ridge", .features = data.feature_names, .params = {{"alpha", 0.01}}},
      {.type = "huber", .features = data.feature_names},
      {.type = "xgboost",
       .features = data.feature_names,
       .params = {{"n_estimators", 300}, {"max_depth", 4}, {"early_stopping_rounds", 20}}}};
  std::printf("%zu rows: train %zu, validation %zu, test %zu; %zu features\n", data.rows(),
              train.rows(), validation.rows(), test.rows(), data.features());
  for (const ModelSpec& spec : specs) {
    const Scores real = TrainAndTest(spec, train, validation, test);
    const Scores noise = TrainAndTest(spec, shuffled, validation, test);
    std::printf(
        "%-14s test MAE %8.3f (baseline %8.3f, ratio %.3f), direction %.1f%% | "
        "shuffled labels: MAE %10.3f (ratio %.3f)\n",
        spec.type.c_str(), real.model.mae, real.baseline.mae, real.model.mae / real.baseline.mae,
        100 * real.model.directional_accuracy, noise.model.mae,
        noise.model.mae / noise.baseline.mae);
    // Trained on the real labels, a model is in the baseline's league: a 5-minute-ahead
    // price is nearly a random walk, so doing far better would mean the features see
    // the future (the control below shows what that looks like)...
    EXPECT_LT(real.model.mae, 1.5 * real.baseline.mae) << spec.type;
    EXPECT_GT(real.model.mae, 0.9 * real.baseline.mae) << spec.type;
    // ...and trained on shuffled labels it falls to the baseline or worse.
    EXPECT_GE(noise.model.mae, real.baseline.mae) << spec.type;
  }

  // The control: one feature that leaks the future (the close 5 bars ahead, as a bug
  // aligning rows one way and labels another would) and least squares beats the
  // baseline by far - which the checks above would flag.
  const auto leak = [](const Dataset& from) {
    Dataset out{.feature_names = from.feature_names};
    out.feature_names.push_back("leaked_future_close");
    std::vector<double> row;
    for (size_t i = 0; i < from.rows(); ++i) {
      row.assign(from.Row(i).begin(), from.Row(i).end());
      row.push_back(row[0] + from.y[i]);
      out.Add(row, from.y[i], from.time_ms[i]);
    }
    return out;
  };
  const Dataset leaky_train = leak(train);
  const Scores leaky =
      TrainAndTest({.type = "least_squares", .features = leaky_train.feature_names}, leaky_train,
                   leak(validation), leak(test));
  std::printf("control with a leaked future close: MAE %.3f (ratio %.3f)\n", leaky.model.mae,
              leaky.model.mae / leaky.baseline.mae);
  EXPECT_LT(leaky.model.mae, 0.1 * leaky.baseline.mae);
}

}  // namespace
}  // namespace rtml::ml
