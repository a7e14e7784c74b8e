// Pipeline configs: what a user writes is what runs, and every mistake is caught
// before anything runs, with the file and the place in it.
#include "rtml/process/pipeline_config.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace rtml::process {
namespace {

constexpr std::string_view kMarket = R"(
name: market
stages:
  - name: candles
    kind: candles
    input: trades
    output: candles
    windows: [1s, 60s, 300s/60s]
    grace: 2s
    late: update
    allowed_lateness: 5m
    emit: current
    fill_gaps: true
  - name: features
    kind: features
    candle_seconds: [60]
    features: [rsi_14, ema_21, macd_12_26_9, bbands_20_2]
)";

std::string ErrorOf(std::string_view yaml) {
  const Result<PipelineConfig> config = ParsePipelineConfig(yaml, "p.yaml");
  return config.ok() ? "OK" : config.status().message();
}

TEST(PipelineConfigTest, ReadsEverySetting) {
  ASSERT_OK_AND_ASSIGN(const PipelineConfig config, ParsePipelineConfig(kMarket, "market.yaml"));
  EXPECT_EQ(config.name, "market");
  ASSERT_EQ(config.stages.size(), 2u);
  const auto& candles = std::get<CandlesStageOptions>(config.stages[0].options);
  EXPECT_EQ(config.stages[0].name, "candles");
  EXPECT_EQ(candles.input, "trades");
  EXPECT_EQ(candles.dlq, "candles.dlq");
  ASSERT_EQ(candles.aggregator.windows.size(), 3u);
  EXPECT_EQ(candles.aggregator.windows[2], WindowSpec::Hopping(300'000, 60'000));
  EXPECT_EQ(candles.aggregator.grace_ms, 2'000);
  EXPECT_EQ(candles.aggregator.late, LatePolicy::kUpdate);
  EXPECT_EQ(candles.aggregator.allowed_lateness_ms, 300'000);
  EXPECT_EQ(candles.aggregator.emit, EmitMode::kCurrent);
  EXPECT_TRUE(candles.aggregator.fill_gaps);
  const auto& features = std::get<FeaturesStageOptions>(config.stages[1].options);
  EXPECT_EQ(features.input, "candles");
  EXPECT_EQ(features.output, "features");
  EXPECT_EQ(features.candle_seconds, std::vector<int64_t>{60});
  EXPECT_EQ(features.features.size(), 4u);
  EXPECT_EQ(config.stages[1].outputs(), (std::vector<std::string>{"features", "features.dlq"}));
}

TEST(PipelineConfigTest, DefaultsAreThoseDocumented) {
  ASSERT_OK_AND_ASSIGN(
      const PipelineConfig config,
      ParsePipelineConfig("name: p\nstages:\n  - {name: c, kind: candles}\n", "p"));
  const auto& candles = std::get<CandlesStageOptions>(config.stages[0].options);
  EXPECT_EQ(candles.output, "candles");
  EXPECT_EQ(candles.aggregator.windows,
            (std::vector<WindowSpec>{WindowSpec::Tumbling(1'000), WindowSpec::Tumbling(60'000),
                                     WindowSpec::Tumbling(300'000)}));
  EXPECT_EQ(candles.aggregator.late, LatePolicy::kDeadLetter);
  EXPECT_EQ(candles.aggregator.emit, EmitMode::kFinal);
  EXPECT_FALSE(candles.aggregator.fill_gaps);
}

TEST(PipelineConfigTest, MistakesNameTheFileAndThePlace) {
  const std::string stage = "name: p\nstages:\n  - name: f\n    kind: features\n";
  EXPECT_EQ(ErrorOf(stage + "    features: [rsi_14, rsx_14]\n")
                .rfind("p.yaml: stages[0].features[1]: ", 0),
            0u)
      << ErrorOf(stage + "    features: [rsi_14, rsx_14]\n");
  EXPECT_NE(ErrorOf(stage + "    features: [rsi_0]\n").find("stages[0].features[0]"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(stage + "    features: [rsi_14]\n    candle_secs: [60]\n"),
            "p.yaml: stages[0].candle_secs: unknown setting");
  EXPECT_NE(ErrorOf(stage).find("stages[0].features: declare at least one"), std::string::npos);
  EXPECT_NE(ErrorOf(stage + "    features: [rsi_14]\n    candle_seconds: [sixty]\n")
                .find("candle_seconds[0]: 'sixty' is not a positive whole number"),
            std::string::npos);
  const std::string candles = "name: p\nstages:\n  - name: c\n    kind: candles\n";
  EXPECT_NE(ErrorOf(candles + "    grace: 2 seconds\n").find("stages[0].grace: "),
            std::string::npos);
  EXPECT_NE(ErrorOf(candles + "    windows: [1s, 1m/2m]\n").find("stages[0]"), std::string::npos);
  EXPECT_EQ(ErrorOf(candles + "    late: drop\n"),
            "p.yaml: stages[0].late: expected dlq or update");
  EXPECT_EQ(ErrorOf(candles + "    emit: all\n"),
            "p.yaml: stages[0].emit: expected final or current");
  EXPECT_NE(ErrorOf(candles + "    output: 'bad topic'\n").find("stages[0].output: "),
            std::string::npos);
  EXPECT_EQ(
      ErrorOf("name: p\nstages:\n  - {name: c, kind: candles}\n  - {name: c, kind: candles}\n"),
      "p.yaml: stages[1]: a second stage named 'c'");
  EXPECT_EQ(ErrorOf("name: p\nstages:\n  - {name: c, kind: joins}\n"),
            "p.yaml: stages[0].kind: expected candles, features, store or predict, not 'joins'");
  EXPECT_EQ(ErrorOf("stages: []\n"), "p.yaml: name: the pipeline needs a name");
  EXPECT_EQ(ErrorOf("name: p\n"), "p.yaml: stages: declare at least one stage");
  EXPECT_EQ(ErrorOf("name: p\nstages: [{name: c, kind: candles}]\nextra: 1\n"),
            "p.yaml: extra: unknown setting");
  EXPECT_NE(ErrorOf("name: [unclosed\n").find("p.yaml: not YAML"), std::string::npos);
  EXPECT_FALSE(LoadPipelineConfig("/nonexistent/p.yaml").ok());
}

constexpr std::string_view kWithStore = R"(
name: market
stages:
  - name: features
    kind: features
    features: [rsi_14, macd_12_26_9]
  - name: store
    kind: store
    group: market
    online: redis://cache:6379/1
feature_groups:
  - name: market
    version: 3
    from_stage: features
    key: [pair, candle_seconds]
    event_time: window_end_ms
    ttl: 15m
  - name: sensors
    key: {sensor: string}
    event_time: ts_ms
    features: {temperature: double, status: string, readings: int64}
)";

TEST(PipelineConfigTest, FeatureGroupsTakeTheirSchemaFromAStageOrDeclareIt) {
  ASSERT_OK_AND_ASSIGN(const PipelineConfig config, ParsePipelineConfig(kWithStore, "p.yaml"));
  ASSERT_EQ(config.feature_groups.size(), 2u);
  const features::FeatureGroup& market = config.feature_groups[0];
  EXPECT_EQ(market.version, 3);
  EXPECT_EQ(market.ttl_ms, 15 * 60'000);
  ASSERT_EQ(market.key.size(), 2u);
  EXPECT_EQ(market.key[1].type, features::ValueType::kInt64);
  // The candle's fields but key and event time, then every indicator output.
  std::vector<std::string> names;
  for (const features::Column& column : market.features) names.push_back(column.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"window_start_ms", "open", "high", "low", "close", "volume",
                                      "vwap", "trade_count", "rsi_14", "macd_12_26_9",
                                      "macd_signal_12_26_9", "macd_hist_12_26_9"}));
  const features::FeatureGroup& sensors = config.feature_groups[1];
  EXPECT_EQ(sensors.version, 1);
  ASSERT_EQ(sensors.features.size(), 3u);
  EXPECT_EQ(sensors.features[1].name, "status");
  EXPECT_EQ(sensors.features[2].type, features::ValueType::kInt64);

  const auto& store = std::get<StoreStageOptions>(config.stages[1].options);
  EXPECT_EQ(store.group, market);
  EXPECT_EQ(store.input, "features");
  EXPECT_EQ(store.online_uri, "redis://cache:6379/1");
  EXPECT_EQ(store.offline_uri, "");
  EXPECT_EQ(config.stages[1].outputs(), std::vector<std::string>{"features.store.dlq"});
}

TEST(PipelineConfigTest, FeatureGroupMistakesNameThePlace) {
  const std::string base(kWithStore);
  const auto with = [&](std::string_view from, std::string_view to) {
    std::string yaml = base;
    yaml.replace(yaml.find(from), from.size(), to);
    return ErrorOf(yaml);
  };
  EXPECT_EQ(with("group: market", "group: prices"),
            "p.yaml: stages[1].group: 'prices' is not under feature_groups (declared: market, "
            "sensors)");
  EXPECT_EQ(with("from_stage: features", "from_stage: candles"),
            "p.yaml: feature_groups[0].from_stage: no features stage 'candles'");
  EXPECT_EQ(with("key: [pair, candle_seconds]", "key: [pair, symbol]"),
            "p.yaml: feature_groups[0].key: 'symbol' is not a field of stage features's records");
  EXPECT_EQ(with("event_time: window_end_ms", "event_time: end"),
            "p.yaml: feature_groups[0].event_time: 'end' is not a field of stage features's "
            "records");
  EXPECT_EQ(with("readings: int64", "readings: integer"),
            "p.yaml: feature_groups[1].features.readings: unknown type 'integer' (known: int64, "
            "double, string)");
  EXPECT_NE(with("name: sensors", "name: Sensors").find("feature_groups[1]: "), std::string::npos);
  EXPECT_EQ(with("ttl: 15m", "ttl: 15m\n    colour: blue"),
            "p.yaml: feature_groups[0].colour: unknown setting");
  EXPECT_EQ(with("version: 3", "version: three"),
            "p.yaml: feature_groups[0].version: 'three' is not a whole number");
}

}  // namespace
}  // namespace rtml::process

namespace rtml::process {
namespace {

TEST(PipelineConfigTest, PredictStagesNameTheirModelAndHorizon) {
  ASSERT_OK_AND_ASSIGN(const PipelineConfig config, ParsePipelineConfig(R"(
name: live
stages:
  - name: predict
    kind: predict
    model: btc-close-5m
    version: 3
    horizon: 5m
    where: {candle_seconds: 60}
)",
                                                                        "p.yaml"));
  const auto& predict = std::get<PredictStageOptions>(config.stages[0].options);
  EXPECT_EQ(predict.model, "btc-close-5m");
  EXPECT_EQ(predict.version, 3);
  EXPECT_EQ(predict.alias, "production");
  EXPECT_EQ(predict.horizon_ms, 300'000);
  EXPECT_EQ(predict.where, (std::map<std::string, std::string>{{"candle_seconds", "60"}}));
  EXPECT_EQ(predict.target, "close");
  EXPECT_EQ(config.stages[0].input(), "features");
  EXPECT_EQ(config.stages[0].outputs(),
            (std::vector<std::string>{"predictions", "predictions.eval", "predictions.dlq"}));

  const Result<PipelineConfig> nameless =
      ParsePipelineConfig("name: p\nstages:\n  - {name: s, kind: predict}\n", "p.yaml");
  EXPECT_EQ(nameless.status().message(),
            "p.yaml: stages[0].model: name the registered model to score with");
}

TEST(PipelineConfigTest, TrainingSchedulesReadTheirConfigBesideThePipeline) {
  ASSERT_OK_AND_ASSIGN(const PipelineConfig config, ParsePipelineConfig(R"(
name: live
stages:
  - {name: candles, kind: candles}
training:
  - {config: btc.yaml, every: 1h}
  - {config: /etc/rtml/eth.yaml, every: 90s}
)",
                                                                        "/srv/demo/live.yaml"));
  ASSERT_EQ(config.training.size(), 2u);
  EXPECT_EQ(config.training[0].config, "/srv/demo/btc.yaml");
  EXPECT_EQ(config.training[0].every_ms, 3'600'000);
  EXPECT_EQ(config.training[1].config, "/etc/rtml/eth.yaml");
  EXPECT_EQ(config.training[1].every_ms, 90'000);

  const std::string stages = "name: p\nstages:\n  - {name: c, kind: candles}\n";
  EXPECT_EQ(ErrorOf(stages + "training:\n  - {every: 1h}\n"),
            "p.yaml: training[0].config: name an `rtml train` config file");
  EXPECT_EQ(ErrorOf(stages + "training:\n  - {config: a.yaml}\n"),
            "p.yaml: training[0].every: give a period of at least 1s, e.g. 1h");
  EXPECT_NE(
      ErrorOf(stages + "training:\n  - {config: a.yaml, every: 1h, when: now}\n").find("when"),
      std::string::npos);
}

}  // namespace
}  // namespace rtml::process
