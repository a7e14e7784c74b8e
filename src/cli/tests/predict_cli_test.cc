// The predict stage of `rtml pipeline run`: trades -> candles -> features ->
// predictions. With no version in the registry the baseline serves (the close stays,
// version 0) from the first warm record; once a version is promoted the stage scores
// with it - every prediction names its model and version and equals that model's own
// prediction of the record's features; every prediction is judged when its target
// time comes, next to the baseline; `rtml predictions stats` and `serve` (REST)
// report them.
#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.h"
#include "rtml/ingest/net/http_client.h"
#include "rtml/ml/model_registry.h"
#include "rtml/ml/model_spec.h"
#include "rtml/stream/topic_reader.h"
#include "synthetic_trades.h"

namespace rtml::cli {
namespace {

using testing::CliResult;
using testing::CliRunner;

constexpr std::string_view kConfig = R"(
name: live
stages:
  - {name: candles, kind: candles, windows: [1s]}
  - {name: features, kind: features, features: [ema_5, rsi_3]}
  - name: predict
    kind: predict
    model: close-1s
    horizon: 1s
    where: {candle_seconds: 1}
)";

// Every record of a topic, parsed.
std::vector<std::string> Values(stream::Broker& broker, const std::string& topic) {
  std::vector<std::string> values;
  EXPECT_OK(stream::ReadTopicToEnd(broker, topic, stream::SeekTarget::Beginning(),
                                   [&](const stream::ConsumedRecord& record) {
                                     values.emplace_back(record.value);
                                     return Status::Ok();
                                   }));
  return values;
}

// Registers a least-squares model of close-1s on close, ema_5 and rsi_3 that predicts
// about `lift` above the close; returns it.
Result<std::unique_ptr<ml::Model>> RegisterModel(ml::ModelRegistry& registry, double lift) {
  ml::Dataset rows{.feature_names = {"close", "ema_5", "rsi_3"}};
  for (int i = 0; i < 50; ++i) {
    rows.Add(std::vector<double>{100.0 + i, 99.0 + i, 40.0 + i % 7}, 100 + lift + i + 0.1 * (i % 7),
             i);
  }
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<ml::Model> model,
                        ml::MakeModel({.type = "least_squares", .features = rows.feature_names}));
  RTML_RETURN_IF_ERROR(model->Fit(rows, {}));
  RTML_ASSIGN_OR_RETURN(const std::string artifact, model->Save());
  RTML_RETURN_IF_ERROR(
      registry.Register({.name = "close-1s", .task = "regression"}, artifact).status());
  return model;
}

TEST(PredictCliTest, TheBaselineServesFirstThenThePromotedModel) {
  CliRunner cli;
  const std::string registry = cli.dir().str() + "/models";
  const std::string trades = cli.WriteFile("trades.jsonl", testing::SyntheticTrades(20'000));
  ASSERT_EQ(cli.Run("replay " + trades + " --speed max").exit_code, 0);
  const std::string config = cli.WriteFile("live.yaml", std::string(kConfig));
  CliResult run = cli.Run("pipeline run " + config + " --until-end --registry " + registry);
  ASSERT_EQ(run.exit_code, 0) << run.err;

  std::unique_ptr<stream::Broker> broker = cli.OpenBroker();
  const std::vector<std::string> features = Values(*broker, "features");
  const std::vector<std::string> predictions = Values(*broker, "predictions");
  ASSERT_GT(features.size(), 100u);
  simdjson::dom::parser parser;
  size_t warm = 0;
  for (const std::string& record : features) {
    const simdjson::dom::element json = parser.parse(record).value();
    warm += !json["ema_5"].is_null() && !json["rsi_3"].is_null();
  }
  // The baseline reads only the close: every record gets a prediction, the close.
  ASSERT_EQ(predictions.size(), features.size());
  for (size_t i = 0; i < predictions.size(); ++i) {
    simdjson::dom::parser a, b;
    const simdjson::dom::element p = a.parse(predictions[i]).value();
    const simdjson::dom::element f = b.parse(features[i]).value();
    EXPECT_EQ(p["model_version"].get_int64().value(), 0);
    EXPECT_EQ(p["prediction"].get_double().value(), f["close"].get_double().value());
    EXPECT_EQ(p["target_ts_ms"].get_int64().value(), f["window_end_ms"].get_int64().value() + 1000);
  }

  // Each prediction judged a second later: the baseline's error is its own.
  const std::vector<std::string> judged = Values(*broker, "predictions.eval");
  EXPECT_GT(judged.size(), predictions.size() / 2);
  EXPECT_LT(judged.size(), predictions.size());  // the newest still wait for their time
  for (const std::string& record : judged) {
    simdjson::dom::parser a;
    const simdjson::dom::element j = a.parse(record).value();
    EXPECT_EQ(j["abs_error"].get_double().value(), j["baseline_abs_error"].get_double().value());
    EXPECT_EQ(j["target_ts_ms"].get_int64().value(), j["ts_ms"].get_int64().value() + 1000);
  }

  // A model of three features, registered and promoted: the stage scores with it.
  ASSERT_OK_AND_ASSIGN(auto models, ml::ModelRegistry::Open(registry));
  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<ml::Model> model, RegisterModel(*models, 0.5));
  ASSERT_OK(models->Promote("close-1s", "production", 1));

  const std::string again = cli.WriteFile(
      "again.yaml",
      std::string(kConfig).replace(std::string(kConfig).find("name: live"), 10, "name: again") +
          "    output: predictions.v1\n    evaluation: predictions.v1.eval\n");
  run = cli.Run("pipeline run " + again + " --until-end --stage predict --registry " + registry);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> scored = Values(*broker, "predictions.v1");
  EXPECT_GT(warm, 50u);
  EXPECT_LT(warm, features.size());
  EXPECT_EQ(scored.size(), warm);  // records still warming up are skipped
  size_t checked = 0;
  for (const std::string& record : features) {
    simdjson::dom::parser fp;
    const simdjson::dom::element f = fp.parse(record).value();
    if (f["ema_5"].is_null() || f["rsi_3"].is_null()) continue;
    ASSERT_LT(checked, scored.size());
    simdjson::dom::parser pp;
    const simdjson::dom::element p = pp.parse(scored[checked++]).value();
    EXPECT_EQ(std::string_view(p["model"].get_string().value()), "close-1s");
    EXPECT_EQ(p["model_version"].get_int64().value(), 1);
    const std::vector<double> row = {f["close"].get_double().value(),
                                     f["ema_5"].get_double().value(),
                                     f["rsi_3"].get_double().value()};
    EXPECT_EQ(p["prediction"].get_double().value(), model->Predict(row));
  }
  EXPECT_EQ(checked, scored.size());
  EXPECT_GT(Values(*broker, "predictions.v1.eval").size(), scored.size() / 2);

  // The live error of each version that served, next to the baseline's.
  const CliResult baseline = cli.Run("predictions stats");
  ASSERT_EQ(baseline.exit_code, 0) << baseline.err;
  EXPECT_THAT(baseline.out,
              ::testing::ContainsRegex(
                  "close-1s +baseline +2 +[0-9]+ +[0-9.e-]+ +[0-9.e-]+ +1.000x +0.0%"));
  const CliResult model_run = cli.Run("predictions stats --topic predictions.v1.eval --pair " +
                                      testing::SyntheticPairs(2)[0]);
  ASSERT_EQ(model_run.exit_code, 0) << model_run.err;
  EXPECT_THAT(model_run.out, ::testing::ContainsRegex("close-1s +1 +1 +[0-9]+ "));

  // The same over REST: the latest predictions of a pair, and the metrics.
  const CliRunner::Background server = cli.Start("predictions serve --port 0");
  const std::string banner = testing::WaitForLines(server.err_path, 1);
  const size_t at = banner.find("http://");
  ASSERT_NE(at, std::string::npos) << banner;
  const std::string url = banner.substr(at, banner.find("/predictions", at) - at);
  const std::string pair = testing::SyntheticPairs(2)[0];
  Result<ingest::net::HttpResponse> latest{Status::Unavailable("not asked yet")};
  for (int i = 0; i < 100; ++i) {  // the server follows the topics from their start
    latest = ingest::net::HttpGet(url + "/predictions?pair=" + pair + "&recent=3",
                                  std::chrono::seconds(5));
    if (latest.ok() && latest->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->status, 200) << latest->body;
  EXPECT_THAT(latest->body, ::testing::HasSubstr("\"model\":\"close-1s\",\"model_version\":0"));
  // It has read both topics through once the metrics count every prediction.
  const std::string total = "rtml_predictions_total{model=\"close-1s\",version=\"0\"} " +
                            std::to_string(predictions.size()) + "\n";
  Result<ingest::net::HttpResponse> metrics{Status::Unavailable("not asked yet")};
  for (int i = 0; i < 200; ++i) {
    metrics = ingest::net::HttpGet(url + "/metrics", std::chrono::seconds(5));
    if (metrics.ok() && metrics->body.find(total) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  EXPECT_THAT(metrics->body, ::testing::HasSubstr(total));
  EXPECT_THAT(metrics->body,
              ::testing::HasSubstr("rtml_live_mae{model=\"close-1s\",version=\"0\"}"));
  ASSERT_EQ(kill(server.pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(server.pid, &status, 0), server.pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(PredictCliTest, AHotSwapUnderLoadLosesAndRepeatsNothing) {
  // A running pipeline scores with version 1 while trades stream in; version 2 is
  // promoted mid-stream. Every warm features record gets exactly one prediction, by
  // version 1 up to one point in the stream and by version 2 after it, each equal to
  // its version's own prediction.
  CliRunner cli;
  const std::string registry = cli.dir().str() + "/models";
  ASSERT_OK_AND_ASSIGN(auto models, ml::ModelRegistry::Open(registry));
  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<ml::Model> v1, RegisterModel(*models, 0.5));
  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<ml::Model> v2, RegisterModel(*models, 3));
  ASSERT_OK(models->Promote("close-1s", "production", 1));
  const std::string config = cli.WriteFile("live.yaml", std::string(kConfig));
  const CliRunner::Background pipeline =
      cli.Start("pipeline run " + config + " --registry " + registry + " --port 0");
  // Its topics exist once its REST is up (the stages are made first).
  for (int i = 0; i < 200; ++i) {
    if (testing::ReadFileOrEmpty(pipeline.err_path).find("REST http://") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  std::stringstream lines(testing::SyntheticTrades(30'000));
  constexpr int kBatches = 30;
  constexpr int kPerBatch = 1000;
  for (int batch = 0; batch < kBatches; ++batch) {
    std::string input;
    std::string line;
    for (int i = 0; i < kPerBatch && std::getline(lines, line); ++i) input += line + "\n";
    const CliResult produced =
        cli.Run("produce trades --key-field pair --timestamp-field ts_ms", input);
    ASSERT_EQ(produced.exit_code, 0) << produced.err;
    if (batch == kBatches / 2) ASSERT_OK(models->Promote("close-1s", "production", 2));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  // Until the stage has scored every warm features record.
  std::unique_ptr<stream::Broker> broker = cli.OpenBroker();
  std::vector<std::string> features, predictions;
  size_t warm = 0;
  for (int i = 0; i < 300; ++i) {
    features = Values(*broker, "features");
    predictions = Values(*broker, "predictions");
    simdjson::dom::parser parser;
    warm = 0;
    for (const std::string& record : features) {
      const simdjson::dom::element json = parser.parse(record).value();
      warm += !json["ema_5"].is_null() && !json["rsi_3"].is_null();
    }
    if (warm > 0 && predictions.size() >= warm) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The pipeline's own REST: its stages and the version serving.
  const std::string banner = testing::ReadFileOrEmpty(pipeline.err_path);
  const size_t at = banner.find("REST http://");
  ASSERT_NE(at, std::string::npos) << banner;
  const std::string url = banner.substr(at + 5, banner.find("/metrics", at) - at - 5);
  Result<ingest::net::HttpResponse> metrics{Status::Unavailable("not asked yet")};
  const std::string version_two = "rtml_model_version{model=\"close-1s\"} 2\n";
  for (int i = 0; i < 100; ++i) {  // the server follows the predictions topic
    metrics = ingest::net::HttpGet(url + "/metrics", std::chrono::seconds(5));
    if (metrics.ok() && metrics->body.find(version_two) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  EXPECT_THAT(metrics->body, ::testing::HasSubstr(version_two));
  EXPECT_THAT(
      metrics->body,
      ::testing::ContainsRegex("rtml_stage_records_in_total\\{stage=\"live.candles\"\\} 30000\n"));
  EXPECT_THAT(metrics->body,
              ::testing::HasSubstr("rtml_stage_lag_seconds{stage=\"live.predict\"}"));
  EXPECT_THAT(metrics->body,
              ::testing::HasSubstr("rtml_prediction_latency_seconds_bucket{model=\"close-1s\""));
  const Result<ingest::net::HttpResponse> latest = ingest::net::HttpGet(
      url + "/predictions?pair=" + testing::SyntheticPairs(2)[0], std::chrono::seconds(5));
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_THAT(latest->body, ::testing::HasSubstr("\"model_version\":2"));
  EXPECT_EQ(testing::StopAndWait(pipeline.pid, SIGTERM), 0)
      << testing::ReadFileOrEmpty(pipeline.err_path);
  ASSERT_GT(warm, 500u);
  ASSERT_EQ(predictions.size(), warm);

  int64_t last_version = 0;
  int switches = 0;
  size_t scored = 0;
  std::map<int64_t, size_t> by_version;
  for (const std::string& record : features) {
    simdjson::dom::parser fp, pp;
    const simdjson::dom::element f = fp.parse(record).value();
    if (f["ema_5"].is_null() || f["rsi_3"].is_null()) continue;
    const simdjson::dom::element p = pp.parse(predictions[scored++]).value();
    ASSERT_EQ(p["ts_ms"].get_int64().value(), f["window_end_ms"].get_int64().value());
    const int64_t version = p["model_version"].get_int64().value();
    ++by_version[version];
    switches += last_version != 0 && version != last_version;
    last_version = version;
    const std::vector<double> row = {f["close"].get_double().value(),
                                     f["ema_5"].get_double().value(),
                                     f["rsi_3"].get_double().value()};
    EXPECT_EQ(p["prediction"].get_double().value(), (version == 1 ? v1 : v2)->Predict(row));
  }
  EXPECT_EQ(switches, 1);
  EXPECT_GT(by_version[1], 100u);
  EXPECT_GT(by_version[2], 100u);
  EXPECT_EQ(by_version[1] + by_version[2], warm);
}

TEST(PredictCliTest, ARunningPipelineRetrainsOnSchedule) {
  // `training:` in the config: a run at start and then every 2 s, beside the stages,
  // each reported in one line; a version registered only through the gate.
  CliRunner cli;
  const std::string trades = cli.WriteFile("trades.jsonl", testing::SyntheticTrades(20'000));
  ASSERT_EQ(cli.Run("replay " + trades + " --speed max").exit_code, 0);
  const std::string pair = testing::SyntheticPairs(2)[0];
  const std::string train = cli.WriteFile("train.yaml",
                                          "name: close-1s\n"
                                          "data: {feature_group: market, where: {pair: " +
                                              pair +
                                              ", candle_seconds: 1}}\n"
                                              "target: {feature: close, ahead: 1s}\n"
                                              "candidates: [{type: ridge, params: {alpha: 1}}]\n"
                                              "promote: production\n");
  const std::string config = cli.WriteFile(
      "market.yaml", std::string(kConfig) +
                         "  - {name: store, kind: store, group: market}\n"
                         "feature_groups:\n"
                         "  - {name: market, version: 1, from_stage: features,\n"
                         "     key: [pair, candle_seconds], event_time: window_end_ms}\n"
                         "training:\n"
                         "  - {config: " +
                         train + ", every: 2s}\n");
  const std::string dir = cli.dir().str();
  const CliRunner::Background pipeline = cli.Start("pipeline run " + config + " --store " + dir +
                                                   "/features --registry " + dir + "/models");
  const std::regex report("trained " + train + " in [0-9.]+s: registered ([^ ]+)");
  std::string err;
  for (int i = 0; i < 300; ++i) {
    err = testing::ReadFileOrEmpty(pipeline.err_path);
    if (std::distance(std::sregex_iterator(err.begin(), err.end(), report),
                      std::sregex_iterator()) >= 2) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(testing::StopAndWait(pipeline.pid, SIGTERM), 0) << err;
  EXPECT_THAT(err, ::testing::HasSubstr("retraining on schedule"));
  std::vector<std::string> outcomes;
  for (auto it = std::sregex_iterator(err.begin(), err.end(), report); it != std::sregex_iterator();
       ++it) {
    outcomes.push_back((*it)[1]);
  }
  ASSERT_GE(outcomes.size(), 2u) << err;
  // Each run either registered a version as production or said why not.
  const CliResult listed = cli.Run("models list --registry " + dir + "/models");
  for (const std::string& outcome : outcomes) {
    if (outcome == "nothing") continue;
    EXPECT_EQ(outcome.substr(0, 9), "close-1s@") << outcome;
  }
  const bool any_registered =
      std::any_of(outcomes.begin(), outcomes.end(), [](const auto& o) { return o != "nothing"; });
  EXPECT_EQ(listed.out.find("close-1s") != std::string::npos, any_registered) << listed.out;
}

}  // namespace
}  // namespace rtml::cli
