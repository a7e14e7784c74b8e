// The store stage and `rtml features list|describe|get|export|verify` end to end:
// trades -> candles -> features -> feature store, on the embedded default and on
// real PostgreSQL and Redis servers. Killing the store stage with SIGKILL at random
// moments and restarting it leaves the stores of a run that was never killed.

#include <algorithm>
#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.h"
#include "market_store.h"
#include "postgres_server.h"
#include "redis_server.h"
#include "synthetic_trades.h"

namespace rtml::cli {
namespace {

using testing::CliResult;
using testing::CliRunner;
using ::testing::HasSubstr;
using testing::SyntheticTrades;

enum class Backend { kEmbedded, kServers };

// The servers, started once per test binary and stopped at exit.
rtml::testing::PostgresServer& Postgres() {
  static auto server = rtml::testing::PostgresServer::Start();
  if (!server.ok()) {
    ADD_FAILURE() << server.status().ToString();
    std::abort();
  }
  return **server;
}
rtml::testing::RedisServer& Redis() {
  static auto server = rtml::testing::RedisServer::Start();
  if (!server.ok()) {
    ADD_FAILURE() << server.status().ToString();
    std::abort();
  }
  return **server;
}

class FeatureStoreCliTest : public ::testing::TestWithParam<Backend> {
 protected:
  // Store flags for a fresh, empty store named `name` (a database / Redis db).
  std::string StoreFlags(const CliRunner& cli, const std::string& name, int redis_db) {
    if (GetParam() == Backend::kEmbedded) return " --store " + cli.dir().str() + "/features";
    Result<std::string> database = Postgres().CreateDatabase(name);
    EXPECT_TRUE(database.ok()) << database.status().ToString();
    EXPECT_TRUE(Redis().FlushAll().ok());
    return " --offline '" + (database.ok() ? *database : "") + "' --online '" +
           Redis().uri(redis_db) + "'";
  }

  // Trades in the broker, candles and features computed; returns the config path.
  std::string Prepare(const CliRunner& cli, int trades) {
    const std::string file = cli.WriteFile("trades.jsonl", SyntheticTrades(trades));
    EXPECT_EQ(cli.Run("replay " + file + " --speed max").exit_code, 0);
    const std::string config = cli.WriteFile("market.yaml", testing::MarketStoreConfig("10m"));
    for (const char* stage : {"candles", "features"}) {
      const CliResult run = cli.Run("pipeline run " + config + " --until-end --stage " + stage);
      EXPECT_EQ(run.exit_code, 0) << run.err;
    }
    return config;
  }
};

TEST_P(FeatureStoreCliTest, StoreStageFillsBothStoresAndTheCommandsReadThem) {
  CliRunner cli;
  const std::string config = Prepare(cli, 20'000);
  const std::string store = StoreFlags(cli, "commands", 1);
  const CliResult run = cli.Run("pipeline run " + config + " --until-end --stage store" + store);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto features = cli.RecordsByKey("features");
  const size_t records = features.at("BTCUSD").size() + features.at("ETHUSD").size();
  EXPECT_THAT(run.err, HasSubstr("market.store: " + std::to_string(records) + " records in"));

  const CliResult list = cli.Run("features list" + store);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("market  1"));
  EXPECT_THAT(list.out, HasSubstr(std::to_string(records)));
  const CliResult describe = cli.Run("features describe market" + store);
  EXPECT_THAT(describe.out, HasSubstr("macd_signal_12_26_9"));
  EXPECT_THAT(describe.out, HasSubstr("window_end_ms"));

  // The online row of BTCUSD at 60 s is the newest 60 s feature record. Its TTL is
  // long past for synthetic history, so read it with --online directly via verify,
  // and show get's TTL message.
  const CliResult get = cli.Run("features get market 'BTCUSD|60'" + store);
  EXPECT_NE(get.exit_code, 0);
  EXPECT_THAT(get.err, HasSubstr("older than the TTL"));
  const CliResult verify = cli.Run("features verify market" + store);
  ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("4 keys offline, 4 online, 4 agree, 0 differ"));

  // Export over time: one row per feature record, each with its own values.
  const CliResult exported = cli.Run("features export market --format jsonl" + store);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(static_cast<size_t>(std::count(exported.out.begin(), exported.out.end(), '\n')),
            records);
  // Labels file: one label right at a row's time and one a second before the first.
  const std::string labels = cli.WriteFile(
      "labels.csv", "pair,candle_seconds,ts_ms,y\nBTCUSD,60,99999999999999,1\nBTCUSD,60,0,0\n");
  const CliResult joined =
      cli.Run("features export market --labels " + labels + " --format csv" + store);
  ASSERT_EQ(joined.exit_code, 0) << joined.err;
  EXPECT_THAT(joined.err, HasSubstr("0 matched, 1 without a row at or before the label's time, "
                                    "1 older than the TTL"));

  // A rerun writes nothing new and changes nothing.
  const std::string before = testing::StoreDump(cli, store);
  const CliResult again = cli.Run("pipeline run " + config + " --until-end --stage store" + store);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(testing::SameDump(testing::StoreDump(cli, store), before));
}

TEST_P(FeatureStoreCliTest, SigkilledStoreStageEndsWithTheStoresOfAnUninterruptedRun) {
  constexpr int kTrades = 150'000;
  CliRunner reference;
  const std::string reference_config = Prepare(reference, kTrades);
  const std::string reference_store = StoreFlags(reference, "reference", 2);
  ASSERT_EQ(
      reference
          .Run("pipeline run " + reference_config + " --until-end --stage store" + reference_store)
          .exit_code,
      0);
  const std::string expected = testing::StoreDump(reference, reference_store);

  CliRunner cli;
  const std::string config = Prepare(cli, kTrades);
  const std::string store = StoreFlags(cli, "killed", 3);
  const testing::KillReport killed = testing::KillAtRandomMoments(
      cli,
      "pipeline run " + config + " --until-end --stage store --checkpoint-interval 20ms" + store,
      /*seed=*/5, /*attempts=*/60, 30, 150);
  ASSERT_EQ(killed.failure, "");
  const int kills = killed.kills;
  EXPECT_GE(kills, 5);
  std::printf("killed %d times\n", kills);
  const CliResult last = cli.Run("pipeline run " + config + " --until-end --stage store" + store);
  ASSERT_EQ(last.exit_code, 0) << last.err;
  EXPECT_TRUE(testing::SameDump(testing::StoreDump(cli, store), expected))
      << "after " << kills << " kills";
}

TEST_P(FeatureStoreCliTest, RecordsThatDoNotFitTheGroupAreDeadLetteredWithTheReason) {
  CliRunner cli;
  const std::string config = Prepare(cli, 5'000);
  const std::string store = StoreFlags(cli, "dead_letters", 4);
  const CliResult produced =
      cli.Run("produce features --key-field pair",
              "{\"pair\":\"BTCUSD\",\"candle_seconds\":\"sixty\",\"window_end_ms\":1}\n"
              "{\"pair\":\"BTCUSD\",\"candle_seconds\":60}\n");
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  const CliResult run = cli.Run("pipeline run " + config + " --until-end --stage store" + store);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("(2 dead letters"));
  const auto letters = cli.RecordsByKey("features.store.dlq");
  ASSERT_EQ(letters.at("BTCUSD").size(), 2u);
  EXPECT_THAT(letters.at("BTCUSD")[0], HasSubstr("'candle_seconds' is not an integer"));
  EXPECT_THAT(letters.at("BTCUSD")[1], HasSubstr("event time field 'window_end_ms' is missing"));
  // The good records are all stored.
  const CliResult verify = cli.Run("features verify market" + store);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, FeatureStoreCliTest,
                         ::testing::Values(Backend::kEmbedded, Backend::kServers),
                         [](const auto& param) {
                           return param.param == Backend::kEmbedded ? "Embedded"
                                                                    : "PostgresAndRedis";
                         });

// The servers go away mid-run (Redis, then PostgreSQL) and come back: the store
// stage waits for them, retrying, and ends with every row, as a run that never saw
// them go.
TEST(FeatureStoreServersTest, ServersThatDropMidRunAreRetriedWithoutLosingRows) {
  CliRunner reference;
  const std::string file = reference.WriteFile("trades.jsonl", SyntheticTrades(150'000));
  const auto prepare = [&](const CliRunner& cli) {
    EXPECT_EQ(cli.Run("replay " + file + " --speed max").exit_code, 0);
    const std::string config = cli.WriteFile("market.yaml", testing::MarketStoreConfig("10m"));
    for (const char* stage : {"candles", "features"}) {
      EXPECT_EQ(cli.Run("pipeline run " + config + " --until-end --stage " + stage).exit_code, 0);
    }
    return config;
  };
  const auto store_of = [](const std::string& database, int db) {
    Result<std::string> uri = Postgres().CreateDatabase(database);
    EXPECT_TRUE(uri.ok()) << uri.status().ToString();
    return " --offline '" + (uri.ok() ? *uri : "") + "' --online '" + Redis().uri(db) + "'";
  };
  ASSERT_OK(Redis().FlushAll());
  const std::string reference_config = prepare(reference);
  const std::string reference_store = store_of("drop_reference", 5);
  ASSERT_EQ(
      reference
          .Run("pipeline run " + reference_config + " --until-end --stage store" + reference_store)
          .exit_code,
      0);
  const CliResult expected =
      reference.Run("features export market --format jsonl" + reference_store);
  ASSERT_EQ(expected.exit_code, 0) << expected.err;

  CliRunner cli;
  const std::string config = prepare(cli);
  const std::string store = store_of("drop_run", 6);
  const CliRunner::Background run = cli.Start(
      "pipeline run " + config + " --until-end --stage store --checkpoint-interval 20ms" + store);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_OK(Redis().Stop());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_OK(Redis().Restart());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_OK(Postgres().Stop());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_OK(Postgres().Restart());
  const int code = testing::StopAndWait(run.pid, 0);
  const std::string err = testing::ReadFileOrEmpty(run.err_path);
  ASSERT_EQ(code, 0) << err;
  // Both outages were noticed (and waited out), each naming its server.
  EXPECT_THAT(err, ::testing::ContainsRegex("redis://127.0.0.1:[0-9]+/6[^\n]*retrying in")) << err;
  EXPECT_THAT(err, ::testing::ContainsRegex("postgresql://[^\n]*retrying in")) << err;
  const CliResult got = cli.Run("features export market --format jsonl" + store);
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_TRUE(testing::SameDump(got.out, expected.out));
  const CliResult verify = cli.Run("features verify market" + store);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST(FeatureStoreCliErrorsTest, BadAndUnreachableStoresAreClearErrorsAtStart) {
  CliRunner cli;
  const CliResult bad = cli.Run("features list --offline mysql://db/x");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, HasSubstr("sqlite://PATH or postgresql://"));
  const CliResult down =
      cli.Run("features list --online redis://127.0.0.1:1/0 --store " + cli.dir().str() + "/s");
  EXPECT_NE(down.exit_code, 0);
  EXPECT_THAT(down.err, HasSubstr("127.0.0.1:1"));
  const CliResult unknown = cli.Run("features describe nope --store " + cli.dir().str() + "/s");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.err, HasSubstr("no feature group nope"));
}

}  // namespace
}  // namespace rtml::cli
