// `rtml train --datasource` over librdkafka's mock cluster (a separate process
// speaking the Kafka protocol): labelled JSON records spread over two partitions and
// CSV values with a header recover the known coefficients, as on the embedded log;
// an unusable record goes to the dead-letter topic on Kafka too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.h"
#include "labelled_records.h"
#include "mock_kafka_process.h"
#include "rtml/ml/model_registry.h"
#include "rtml/stream/topic_reader.h"

namespace rtml::cli {
namespace {

using rtml::testing::MockKafkaProcess;
using testing::CliResult;
using testing::CliRunner;
using testing::Layout;

TEST(KafkaTrainTest, TrainsFromJsonAndCsvTopicsOnKafka) {
  ASSERT_OK_AND_ASSIGN(
      const std::unique_ptr<MockKafkaProcess> cluster,
      MockKafkaProcess::Start(RTML_MOCK_KAFKA_BIN, 1,
                              {"json-rows:2", "json-rows.dlq:1", "csv-rows:1", "csv-rows.dlq:1"}));
  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<stream::Broker> broker,
                       stream::OpenBroker(cluster->uri()));
  std::vector<std::string> json = testing::RegressionRecords(Layout::kJson, 3000, 11);
  json.insert(json.begin() + 1500, R"({"x1":1,"x2":2,"x3":3})");  // no label
  ASSERT_OK(testing::ProduceValues(*broker, "json-rows", json));
  ASSERT_OK(testing::ProduceValues(*broker, "csv-rows",
                                   testing::RegressionRecords(Layout::kCsvWithHeader, 3000, 12)));

  CliRunner cli;
  const std::string registry = cli.dir().str() + "/models";
  const std::string spec = cli.WriteFile("ls.yaml", "type: least_squares\n");
  const std::string common = " --label y --model " + spec + " --broker " + cluster->uri() +
                             " --registry " + registry + " --quiet";
  CliResult run = cli.Run("train --datasource json-rows" + common);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, ::testing::HasSubstr("1 of 3001 records rejected"));
  run = cli.Run("train --datasource csv-rows --format csv" + common);
  ASSERT_EQ(run.exit_code, 0) << run.err;

  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<ml::ModelRegistry> models,
                       ml::ModelRegistry::Open(registry));
  for (const char* name : {"json-rows", "csv-rows"}) {
    ASSERT_OK_AND_ASSIGN(const std::unique_ptr<ml::ServingModel> model, models->Load(name, "1"));
    EXPECT_TRUE(testing::HasTrueCoefficients(*model)) << name;
  }
  int letters = 0;
  ASSERT_OK(stream::ReadTopicToEnd(*broker, "json-rows.dlq", stream::SeekTarget::Beginning(),
                                   [&](const stream::ConsumedRecord& record) {
                                     ++letters;
                                     EXPECT_THAT(std::string(record.value),
                                                 ::testing::HasSubstr("missing label field 'y'"));
                                     return Status::Ok();
                                   }));
  EXPECT_EQ(letters, 1);
}

}  // namespace
}  // namespace rtml::cli
