// The store stage on the Kafka backend: trades -> candles -> features -> feature
// store over librdkafka's mock cluster (a separate process speaking the Kafka
// protocol), with the store stage SIGKILLed at random moments and restarted. The
// stores end as those of the same pipeline over the same trades on the embedded log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.h"
#include "market_store.h"
#include "mock_kafka_process.h"
#include "synthetic_trades.h"

namespace rtml::cli {
namespace {

using rtml::testing::MockKafkaProcess;
using testing::CliResult;
using testing::CliRunner;

TEST(KafkaStoreTest, StoreStageOnKafkaSurvivesSigkillsAndMatchesTheEmbeddedRun) {
  const std::string trades = testing::SyntheticTrades(40'000, 4);

  CliRunner reference;
  const std::string reference_store = " --store " + reference.dir().str() + "/features";
  {
    const std::string file = reference.WriteFile("trades.jsonl", trades);
    ASSERT_EQ(reference.Run("replay " + file + " --speed max").exit_code, 0);
    const std::string config = reference.WriteFile("market.yaml", testing::MarketStoreConfig());
    const CliResult run =
        reference.Run("pipeline run " + config + " --until-end" + reference_store);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  const std::string expected = testing::StoreDump(reference, reference_store);
  ASSERT_GT(std::count(expected.begin(), expected.end(), '\n'), 5000);

  ASSERT_OK_AND_ASSIGN(
      const std::unique_ptr<MockKafkaProcess> cluster,
      MockKafkaProcess::Start(
          RTML_MOCK_KAFKA_BIN, 3,
          {"trades:4", "trades.dlq:4", "candles:4", "candles.dlq:4", "features:4", "features.dlq:4",
           "features.store.dlq:4", "market.candles.checkpoints:1", "market.features.checkpoints:1",
           "market.store.checkpoints:1"}));
  CliRunner cli;
  const std::string kafka = " --broker " + cluster->uri();
  const std::string store = " --store " + cli.dir().str() + "/features";
  const std::string file = cli.WriteFile("trades.jsonl", trades);
  ASSERT_EQ(cli.Run("replay " + file + " --speed max" + kafka).exit_code, 0);
  const std::string config = cli.WriteFile("market.yaml", testing::MarketStoreConfig());
  for (const char* stage : {"candles", "features"}) {
    const CliResult run =
        cli.Run("pipeline run " + config + " --until-end --stage " + stage + kafka);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  // The mock cluster keeps a few MB per partition and drops older records: the
  // precondition is that it still holds every feature record.
  const CliResult described = cli.Run("topics describe features" + kafka);
  for (const char* partition : {"\n0 +0 ", "\n1 +0 ", "\n2 +0 ", "\n3 +0 "}) {
    EXPECT_THAT(described.out, ::testing::ContainsRegex(partition)) << described.out;
  }
  const testing::KillReport killed = testing::KillAtRandomMoments(
      cli,
      "pipeline run " + config + " --until-end --stage store --checkpoint-interval 50ms" + kafka +
          store,
      /*seed=*/3, /*attempts=*/30, 100, 400);
  ASSERT_EQ(killed.failure, "");
  // The kills came mid-way: some runs had checkpointed before they died.
  const CliResult checkpoints = cli.Run("topics describe market.store.checkpoints" + kafka);
  EXPECT_THAT(checkpoints.out, ::testing::ContainsRegex("\n0 +0 +[1-9]")) << checkpoints.out;
  const CliResult last =
      cli.Run("pipeline run " + config + " --until-end --stage store" + kafka + store);
  ASSERT_EQ(last.exit_code, 0) << last.err;
  std::printf("store stage killed %d times on Kafka\n", killed.kills);
  EXPECT_GE(killed.kills, 1);
  EXPECT_TRUE(testing::SameDump(testing::StoreDump(cli, store), expected));
}

}  // namespace
}  // namespace rtml::cli
