// `rtml train` from a topic of labelled records (the generic, Kafka-ML flow): a
// regression with known coefficients, as JSON and as CSV, is recovered; a
// classification beats the majority class; records that cannot be used are
// dead-lettered with their reason and counted while the rest still trains; every
// bad input is a clear error; a model that does not beat the baseline is not
// registered, and the run says why. From a feature group (the market flow), the
// model of a price ahead learns the change and is registered with its reference.
#include <signal.h>
#include <sys/wait.h>

#include <cmath>
#include <random>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.h"
#include "labelled_records.h"
#include "rtml/features/feature_store.h"
#include "rtml/ml/model_registry.h"
#include "rtml/stream/topic_reader.h"

namespace rtml::cli {
namespace {

using testing::CliResult;
using testing::CliRunner;
using ::testing::HasSubstr;
using testing::Layout;

class TrainCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = cli_.OpenBroker();
    registry_ = cli_.dir().str() + "/models";
    least_squares_ = cli_.WriteFile("ls.yaml", "type: least_squares\n");
    ridge_ = cli_.WriteFile("ridge.yaml", "type: ridge\nparams: {alpha: 0.0001}\n");
  }

  CliResult Train(const std::string& args) const {
    return cli_.Run("train " + args + " --registry " + registry_ + " --quiet");
  }

  std::unique_ptr<ml::ServingModel> Load(const std::string& name, const std::string& version) {
    auto registry = ml::ModelRegistry::Open(registry_);
    EXPECT_TRUE(registry.ok()) << registry.status().ToString();
    auto model = (*registry)->Load(name, version);
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    return model.ok() ? std::move(*model) : nullptr;
  }

  void ExpectTrueCoefficients(const std::string& name) {
    const std::unique_ptr<ml::ServingModel> model = Load(name, "latest");
    ASSERT_NE(model, nullptr);
    EXPECT_TRUE(testing::HasTrueCoefficients(*model));
  }

  CliRunner cli_;
  std::unique_ptr<stream::Broker> broker_;
  std::string registry_, least_squares_, ridge_;
};

TEST_F(TrainCliTest, JsonRecordsRecoverTheCoefficients) {
  ASSERT_OK(testing::ProduceValues(*broker_, "sensors",
                                   testing::RegressionRecords(Layout::kJson, 4000, 1)));
  const CliResult run =
      Train("--datasource sensors --label y --model " + least_squares_ + " --model " + ridge_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("accepted: test mae"));
  EXPECT_THAT(run.out, HasSubstr("registered sensors v1"));
  EXPECT_THAT(run.out, HasSubstr("baseline"));
  ExpectTrueCoefficients("sensors");
  const std::unique_ptr<ml::ServingModel> model = Load("sensors", "1");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->version().source, "topic:sensors");
  EXPECT_EQ(model->version().target, "y");
  EXPECT_EQ(model->version().task, "regression");
  // Time-ordered: the data range is the records' times.
  EXPECT_EQ(model->version().data_from_ms, 1'767'225'600'000);
}

TEST_F(TrainCliTest, CsvRecordsWithAHeaderOrNamedColumnsRecoverTheCoefficients) {
  ASSERT_OK(testing::ProduceValues(*broker_, "with-header",
                                   testing::RegressionRecords(Layout::kCsvWithHeader, 4000, 2)));
  CliResult run =
      Train("--datasource with-header --format csv --label y --model " + least_squares_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ExpectTrueCoefficients("with-header");

  ASSERT_OK(testing::ProduceValues(*broker_, "values",
                                   testing::RegressionRecords(Layout::kCsvValues, 4000, 3)));
  run = Train("--datasource values --format csv --columns x1,x2,x3,y --label y --model " +
              least_squares_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ExpectTrueCoefficients("values");
}

TEST_F(TrainCliTest, ClassificationBeatsTheMajorityClass) {
  ASSERT_OK(testing::ProduceValues(*broker_, "labels", testing::ClassificationRecords(6000, 4)));
  const std::string logistic = cli_.WriteFile("logistic.yaml", "type: logistic\n");
  const std::string trees =
      cli_.WriteFile("trees.yaml",
                     "type: xgboost\nparams: {n_estimators: 30, max_depth: 3, objective: "
                     "binary:logistic}\n");
  const CliResult run = Train("--datasource labels --label label --task classification --model " +
                              logistic + " --model " + trees);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("TEST_ACCURACY"));
  const std::unique_ptr<ml::ServingModel> model = Load("labels", "latest");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->version().task, "classification");
  // The rule's own accuracy is about 0.86; the majority class holds about 0.57.
  EXPECT_GT(model->version().metrics.at("test.accuracy"), 0.82);
  EXPECT_LT(model->version().metrics.at("baseline.test.accuracy"), 0.65);
  EXPECT_EQ(model->model().classes(), 2);
}

TEST_F(TrainCliTest, UnusableRecordsAreDeadLetteredWithTheirReasonAndTheRestTrains) {
  std::vector<std::string> records = testing::RegressionRecords(Layout::kJson, 4000, 5);
  const std::vector<std::string> bad = {
      R"({"x1":1,"x2":2,"x3":3})",            // no label
      R"({"x1":"abc","x2":2,"x3":3,"y":1})",  // not a number
      R"({"x1":1,"x2":"NaN","x3":3,"y":1})",  // NaN as text
      R"({"x1":1,"x2":2,"x3":3,"y":null})",   // null label
      R"({"x1":1e999,"x2":2,"x3":3,"y":1})",  // not finite
      "x1=1 x2=2",                            // not JSON
      R"({"x1":1,"x3":3,"y":1})",             // a feature missing
  };
  for (size_t i = 0; i < bad.size(); ++i) records.insert(records.begin() + 100 + 300 * i, bad[i]);
  // First of all, an unlabelled record with a field the others lack: the features are
  // those of the first record that has a label, not of this one.
  records.insert(records.begin(), R"({"x1":1,"x2":2,"x3":3,"junk":5})");
  ASSERT_OK(testing::ProduceValues(*broker_, "dirty", records));
  const CliResult run = Train("--datasource dirty --label y --model " + least_squares_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("8 of 4008 records rejected, dead-lettered to dirty.dlq"));
  EXPECT_THAT(run.err, HasSubstr("missing label field 'y'"));
  ExpectTrueCoefficients("dirty");

  std::vector<std::string> letters;
  ASSERT_OK(stream::ReadTopicToEnd(*broker_, "dirty.dlq", stream::SeekTarget::Beginning(),
                                   [&](const stream::ConsumedRecord& record) {
                                     letters.emplace_back(record.value);
                                     return Status::Ok();
                                   }));
  ASSERT_EQ(letters.size(), bad.size() + 1);
  EXPECT_THAT(letters[0], HasSubstr("junk"));
  EXPECT_THAT(letters[1], HasSubstr("missing label field 'y'"));
  EXPECT_THAT(letters[1], HasSubstr("topic:dirty"));
  EXPECT_THAT(letters[2], HasSubstr("feature field 'x1' is not a number"));
  EXPECT_THAT(letters[3], HasSubstr("feature field 'x2' is not a number"));
  EXPECT_THAT(letters[4], HasSubstr("label field 'y' is not a number"));
  EXPECT_THAT(letters[6], HasSubstr("not a JSON object"));
  EXPECT_THAT(letters[7], HasSubstr("missing feature field 'x2'"));
}

TEST_F(TrainCliTest, BadInputIsAClearErrorAndRegistersNothing) {
  ASSERT_OK(testing::ProduceValues(*broker_, "sensors",
                                   testing::RegressionRecords(Layout::kJson, 500, 6)));
  const std::string forest = cli_.WriteFile("forest.yaml", "type: forest\n");
  CliResult run = Train("--datasource sensors --label y --model " + forest);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("unknown model type 'forest' (known: "));

  run = Train("--datasource sensors --label target --model " + least_squares_);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("holds no usable record: 500 rejected (missing label field "
                                 "'target': 500)"));

  run =
      Train("--datasource sensors --label y --from 2030-01-01T00:00:00Z --model " + least_squares_);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("holds no records in the range"));

  run = Train("--datasource sensors --label y --format xml --model " + least_squares_);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("format 'xml' is not json or csv"));

  run = Train("--datasource sensors --model " + least_squares_);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--label"));

  run = Train("--datasource sensors --label y --task classification --model " + least_squares_);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("is not a class"));

  run = Train("--datasource nowhere --label y --model " + least_squares_);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.err, HasSubstr("nowhere"));

  run = Train("--label y --model " + least_squares_);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("give either --config FILE or --datasource TOPIC"));

  EXPECT_THAT(cli_.Run("models list --registry " + registry_).out,
              ::testing::Not(HasSubstr("sensors")));
}

TEST_F(TrainCliTest, AModelThatDoesNotBeatTheBaselineIsNotRegistered) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> x(0, 1);
  std::vector<std::string> noise;
  for (int i = 0; i < 2000; ++i) {
    noise.push_back("{\"a\":" + std::to_string(x(rng)) + ",\"y\":" + std::to_string(x(rng)) + "}");
  }
  ASSERT_OK(testing::ProduceValues(*broker_, "noise", noise));
  const CliResult run =
      Train("--datasource noise --label y --margin 0.05 --model " + least_squares_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("nothing accepted: the best candidate, least_squares, has test "
                                 "mae"));
  EXPECT_THAT(run.out, HasSubstr("the margin is 5%"));
  EXPECT_THAT(run.out, HasSubstr("registered nothing"));
  auto registry = ml::ModelRegistry::Open(registry_);
  ASSERT_TRUE(registry.ok());
  EXPECT_EQ((*registry)->ListVersions("noise").status().code(), StatusCode::kNotFound);
}

// A feature group of a random-walk price whose next moves follow a known signal.
void WriteMarketGroup(const std::string& store_dir) {
  auto store = features::FeatureStore::Open(features::DefaultOfflineUri(store_dir),
                                            features::DefaultOnlineUri(store_dir));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  features::FeatureGroup group{.name = "market",
                               .version = 1,
                               .key = {{"pair", features::ValueType::kString}},
                               .event_time = "ts_ms",
                               .features = {{"close", features::ValueType::kDouble},
                                            {"signal", features::ValueType::kDouble},
                                            {"noise", features::ValueType::kDouble}}};
  ASSERT_OK((*store)->RegisterGroup(group).status());
  std::mt19937_64 rng(8);
  std::normal_distribution<double> z(0, 1);
  std::vector<features::FeatureRow> rows;
  for (const char* pair : {"BTCUSD", "ETHUSD"}) {
    double close = 1000;
    std::vector<double> signal(3000);
    for (double& s : signal) s = z(rng);
    for (int t = 0; t < 3000; ++t) {
      // The move over the next minute is 0.8 x the signal known at t, plus noise.
      if (t > 0) close += 0.8 * signal[t - 1] + 0.3 * z(rng);
      rows.push_back({.key = {std::string(pair)},
                      .event_time_ms = 1'767'225'600'000 + t * 60'000LL,
                      .values = {close, signal[t], z(rng)}});
    }
  }
  ASSERT_OK((*store)->Write(group, rows));
}

TEST_F(TrainCliTest, MarketFlowLearnsThePriceAheadFromAFeatureGroup) {
  const std::string store = cli_.dir().str() + "/features";
  WriteMarketGroup(store);
  const std::string config = cli_.WriteFile("train.yaml", R"(
name: btc-close-1m
data:
  feature_group: market
  where: {pair: BTCUSD}
target: {feature: close, ahead: 1m}
candidates:
  - type: ridge
    params: {alpha: 0.001}
    search: {alpha: {low: 0.00001, high: 1, log: true}}
  - type: xgboost
    params: {n_estimators: 40, max_depth: 3}
search: {trials: 3, seed: 1}
gate: {metric: mae, margin: 0.1}
promote: production
)");
  const CliResult run = Train("--config " + config + " --store " + store);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("2999 rows, 3 features"));  // the last row has no future
  EXPECT_THAT(run.out, HasSubstr("registered btc-close-1m v1 as production"));
  const std::unique_ptr<ml::ServingModel> model = Load("btc-close-1m", "production");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->version().reference_feature, "close");
  EXPECT_EQ(model->version().feature_group, "market");
  EXPECT_EQ(model->version().source, "features:market@1");
  EXPECT_EQ(model->version().target, "close+60s");
  // The baseline repeats the close; the model adds 0.8 x the signal to it.
  EXPECT_LT(model->version().metrics.at("test.mae"),
            0.5 * model->version().metrics.at("baseline.test.mae"));
  // The signal decides the sign of the move about 88% of the time.
  EXPECT_GT(model->version().metrics.at("test.directional_accuracy"), 0.85);
  const std::vector<std::string> names = {"close", "signal", "noise"};
  ASSERT_OK_AND_ASSIGN(const double ahead, model->Score(names, std::vector<double>{2000, 1, 0}));
  EXPECT_NEAR(ahead, 2000.8, 0.2);

  // The direction of the same price is a classification against the majority.
  const std::string direction = cli_.WriteFile("direction.yaml", R"(
name: btc-up-1m
data: {feature_group: market, where: {pair: BTCUSD}}
target: {feature: close, ahead: 1m, as: direction}
candidates: [{type: logistic}]
)");
  const CliResult up = Train("--config " + direction + " --store " + store);
  ASSERT_EQ(up.exit_code, 0) << up.err;
  const std::unique_ptr<ml::ServingModel> classifier = Load("btc-up-1m", "latest");
  ASSERT_NE(classifier, nullptr);
  EXPECT_GT(classifier->version().metrics.at("test.accuracy"), 0.85);
}

TEST_F(TrainCliTest, ConfigMistakesNameTheirPlace) {
  const std::string config = cli_.WriteFile("bad.yaml", R"(
name: m
data: {feature_group: market}
target: {feature: close, ahead: 1m}
candidates: [{type: ridge}]
serch: {trials: 3}
)");
  CliResult run = Train("--config " + config);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr(config + ": serch: unknown setting"));
  const std::string range = cli_.WriteFile("range.yaml", R"(
name: m
data: {topic: t, label: y}
candidates: [{type: ridge, search: {alpha: {low: 5, high: 1}}}]
)");
  run = Train("--config " + range);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("candidates[0].search.alpha.high: expected low <= high"));
}

TEST_F(TrainCliTest, EveryRetrainsOnAScheduleUntilStopped) {
  ASSERT_OK(testing::ProduceValues(*broker_, "sensors",
                                   testing::RegressionRecords(Layout::kJson, 1000, 9)));
  const CliRunner::Background job =
      cli_.Start("train --datasource sensors --label y --model " + least_squares_ +
                 " --every 1s --quiet --registry " + registry_);
  // Two runs register two versions.
  std::string out;
  for (int i = 0; i < 300 && out.find("registered sensors v2") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    out = testing::ReadFileOrEmpty(job.out_path);
  }
  EXPECT_THAT(out, HasSubstr("registered sensors v2"));
  ASSERT_EQ(kill(job.pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(job.pid, &status, 0), job.pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace rtml::cli
