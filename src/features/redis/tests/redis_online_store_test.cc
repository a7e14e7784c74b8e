// The Redis online store against a real redis-server (Debian's package) that the
// suite starts on a free port; every test starts from an empty server.
#include "redis/redis_online_store.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "child_process.h"
#include "redis_server.h"
#include "testing.h"

namespace rtml::features {
namespace {

using ::rtml::testing::RedisServer;
using ::testing::HasSubstr;
using ::testing::Not;

FeatureGroup MarketGroup(int32_t version = 1) {
  return {.name = "market",
          .version = version,
          .key = {{"pair", ValueType::kString}, {"candle_seconds", ValueType::kInt64}},
          .event_time = "window_end_ms",
          .features = {{"close", ValueType::kDouble},
                       {"trade_count", ValueType::kInt64},
                       {"note", ValueType::kString}}};
}

FeatureRow Candle(const std::string& pair, int64_t event_time_ms, double close,
                  int64_t trade_count = 1) {
  return {.key = {pair, int64_t{60}},
          .event_time_ms = event_time_ms,
          .values = {close, trade_count, Value()}};
}

std::vector<Value> KeyOf(const std::string& pair) { return {pair, int64_t{60}}; }

// Every row of the group by key text; a key visited twice fails the test.
std::map<std::string, FeatureRow> ScanRows(OnlineStore& store, const FeatureGroup& group) {
  std::map<std::string, FeatureRow> rows;
  const Status status = store.ScanAll(group, [&](FeatureRow&& row) {
    const std::string key = KeyText(row.key);
    EXPECT_TRUE(rows.emplace(key, std::move(row)).second) << "key " << key << " visited twice";
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return rows;
}

// What the store must hold after `rows`: per key, the newest row, the later one of
// two with the same event time.
void ApplyToModel(std::span<const FeatureRow> rows, std::map<std::string, FeatureRow>& model) {
  for (const FeatureRow& row : rows) {
    auto [it, inserted] = model.try_emplace(KeyText(row.key), row);
    if (!inserted && it->second.event_time_ms <= row.event_time_ms) it->second = row;
  }
}

class RedisOnlineStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = RedisServer::Start();
    if (server.ok()) {
      server_ = std::move(server).value();
    } else {
      start_error_ = server.status().ToString();
    }
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    ASSERT_NE(server_, nullptr) << "redis-server did not start: " << start_error_;
    ASSERT_OK(server_->Restart());  // a failed test may have left it stopped
    ASSERT_OK(server_->FlushAll());
    ASSERT_OK_AND_ASSIGN(store_, OpenRedisOnlineStore(server_->uri()));
  }

  std::optional<FeatureRow> MustGet(const FeatureGroup& group, const std::vector<Value>& key) {
    auto row = store_->Get(group, key);
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    return row.ok() ? *row : std::nullopt;
  }

  static inline std::unique_ptr<RedisServer> server_;
  static inline std::string start_error_;
  std::unique_ptr<OnlineStore> store_;
};

TEST_F(RedisOnlineStoreTest, GetReturnsTheUpsertedRowOrNothing) {
  const FeatureGroup group = MarketGroup();
  const std::vector<FeatureRow> rows = {Candle("BTCUSDT", 60'000, 42'000.5, 17),
                                        Candle("ETHUSDT", 60'000, 2'500.25, 9)};
  ASSERT_OK(store_->Upsert(group, rows));
  EXPECT_EQ(MustGet(group, KeyOf("BTCUSDT")), rows[0]);
  EXPECT_EQ(MustGet(group, KeyOf("ETHUSDT")), rows[1]);
  EXPECT_EQ(MustGet(group, KeyOf("SOLUSDT")), std::nullopt);
  EXPECT_OK(store_->Upsert(group, {}));
}

TEST_F(RedisOnlineStoreTest, NewerReplacesSameTimeCorrectsOlderIsIgnored) {
  const FeatureGroup group = MarketGroup();
  ASSERT_OK(store_->Upsert(group, std::vector{Candle("BTCUSDT", 60'000, 1.0)}));
  ASSERT_OK(store_->Upsert(group, std::vector{Candle("BTCUSDT", 120'000, 2.0)}));
  EXPECT_EQ(MustGet(group, KeyOf("BTCUSDT")), Candle("BTCUSDT", 120'000, 2.0)) << "newer";
  ASSERT_OK(store_->Upsert(group, std::vector{Candle("BTCUSDT", 120'000, 2.5)}));
  EXPECT_EQ(MustGet(group, KeyOf("BTCUSDT")), Candle("BTCUSDT", 120'000, 2.5)) << "correction";
  ASSERT_OK(store_->Upsert(group, std::vector{Candle("BTCUSDT", 60'000, 9.0)}));
  EXPECT_EQ(MustGet(group, KeyOf("BTCUSDT")), Candle("BTCUSDT", 120'000, 2.5)) << "late row";

  // Within one call the rows apply in order, by the same rules.
  ASSERT_OK(store_->Upsert(
      group, std::vector{Candle("ETHUSDT", 180'000, 1.0), Candle("ETHUSDT", 120'000, 2.0),
                         Candle("ETHUSDT", 180'000, 3.0)}));
  EXPECT_EQ(MustGet(group, KeyOf("ETHUSDT")), Candle("ETHUSDT", 180'000, 3.0));
}

TEST_F(RedisOnlineStoreTest, ScanAllVisitsEveryKeyOnce) {
  const FeatureGroup group = MarketGroup();
  std::vector<FeatureRow> rows;
  // More keys than one HSCAN page, and each written twice.
  for (int i = 0; i < 5000; ++i) rows.push_back(Candle("P" + std::to_string(i), 60'000, i));
  for (int i = 0; i < 5000; ++i) rows.push_back(Candle("P" + std::to_string(i), 120'000, -i));
  ASSERT_OK(store_->Upsert(group, rows));
  std::map<std::string, FeatureRow> expected;
  ApplyToModel(rows, expected);
  EXPECT_EQ(ScanRows(*store_, group), expected);
  EXPECT_TRUE(ScanRows(*store_, MarketGroup(7)).empty());
}

TEST_F(RedisOnlineStoreTest, ScanAllStopsAtTheVisitorsError) {
  const FeatureGroup group = MarketGroup();
  ASSERT_OK(store_->Upsert(group, std::vector{Candle("A", 1, 1), Candle("B", 1, 1)}));
  int visits = 0;
  const Status status = store_->ScanAll(group, [&](FeatureRow&&) {
    ++visits;
    return Status::Internal("enough");
  });
  EXPECT_EQ(status.message(), "enough");
  EXPECT_EQ(visits, 1);
}

TEST_F(RedisOnlineStoreTest, RowsRoundTripExactly) {
  const FeatureGroup group = {
      .name = "exact",
      .key = {{"id", ValueType::kInt64}, {"name", ValueType::kString}},
      .event_time = "ts",
      .features = {{"x", ValueType::kDouble}, {"n", ValueType::kInt64}, {"s", ValueType::kString}}};
  const std::vector<double> doubles = {0.1,
                                       1.0 / 3.0,
                                       -2.5e-300,
                                       std::numeric_limits<double>::denorm_min(),
                                       std::numeric_limits<double>::max(),
                                       std::numeric_limits<double>::lowest(),
                                       123456789.123456789};
  const std::vector<std::string> strings = {
      "plain", "say \"hi\"", "back\\slash", "a|b|c", "€ 日本語 🚀", "tab\tnew\nline", "", "\x01"};
  std::vector<FeatureRow> rows;
  for (size_t i = 0; i < doubles.size(); ++i) {
    rows.push_back({.key = {int64_t(i), strings[i % strings.size()]},
                    .event_time_ms = -1'000 + int64_t(i),
                    .values = {doubles[i], std::numeric_limits<int64_t>::min() + int64_t(i),
                               strings[(i + 3) % strings.size()]}});
  }
  rows.push_back({.key = {std::numeric_limits<int64_t>::max(), "nulls"},
                  .event_time_ms = 1'700'000'000'000,
                  .values = {Value(), Value(), Value()}});
  ASSERT_OK(store_->Upsert(group, rows));
  for (const FeatureRow& row : rows) {
    const auto got = MustGet(group, row.key);
    ASSERT_TRUE(got.has_value()) << KeyText(row.key);
    EXPECT_EQ(*got, row);
    if (const auto* x = std::get_if<double>(&row.values[0])) {
      ASSERT_TRUE(std::holds_alternative<double>(got->values[0]));
      EXPECT_EQ(std::bit_cast<uint64_t>(std::get<double>(got->values[0])),
                std::bit_cast<uint64_t>(*x));
    }
  }
  std::map<std::string, FeatureRow> expected;
  ApplyToModel(rows, expected);
  EXPECT_EQ(ScanRows(*store_, group), expected);
}

TEST_F(RedisOnlineStoreTest, GroupsVersionsAndDatabasesKeepTheirOwnRows) {
  const FeatureGroup v1 = MarketGroup(1);
  const FeatureGroup v2 = MarketGroup(2);
  FeatureGroup other = MarketGroup(1);
  other.name = "market_other";
  ASSERT_OK(store_->Upsert(v1, std::vector{Candle("BTCUSDT", 60'000, 1.0)}));
  ASSERT_OK(store_->Upsert(v2, std::vector{Candle("BTCUSDT", 60'000, 2.0)}));
  ASSERT_OK(store_->Upsert(other, std::vector{Candle("ETHUSDT", 60'000, 3.0)}));
  ASSERT_OK_AND_ASSIGN(auto db1, OpenRedisOnlineStore(server_->uri(1)));
  ASSERT_OK(db1->Upsert(v1, std::vector{Candle("BTCUSDT", 60'000, 4.0)}));

  EXPECT_EQ(MustGet(v1, KeyOf("BTCUSDT")), Candle("BTCUSDT", 60'000, 1.0));
  EXPECT_EQ(MustGet(v2, KeyOf("BTCUSDT")), Candle("BTCUSDT", 60'000, 2.0));
  EXPECT_EQ(MustGet(other, KeyOf("BTCUSDT")), std::nullopt);
  EXPECT_EQ(ScanRows(*store_, v1).size(), 1u);
  EXPECT_EQ(ScanRows(*store_, v2).size(), 1u);
  EXPECT_EQ(ScanRows(*store_, other).size(), 1u);
  ASSERT_OK_AND_ASSIGN(const auto from_db1, db1->Get(v1, KeyOf("BTCUSDT")));
  EXPECT_EQ(from_db1, Candle("BTCUSDT", 60'000, 4.0));
}

TEST_F(RedisOnlineStoreTest, ManyRowsInAnyOrderLeaveTheNewestOfEachKey) {
  const FeatureGroup group = MarketGroup();
  std::mt19937_64 random(5);
  std::map<std::string, FeatureRow> model;
  for (int call = 0; call < 6; ++call) {
    std::vector<FeatureRow> rows(std::uniform_int_distribution<size_t>(1, 9000)(random));
    for (FeatureRow& row : rows) {
      // Few keys and few event times, so there are many late rows and corrections.
      row = Candle("K" + std::to_string(random() % 300), int64_t(random() % 40) * 60'000,
                   static_cast<double>(random() % 1'000'000) / 100.0, int64_t(random() % 50));
    }
    ASSERT_OK(store_->Upsert(group, rows));
    ApplyToModel(rows, model);
  }
  EXPECT_EQ(ScanRows(*store_, group), model);
}

TEST_F(RedisOnlineStoreTest, RowsThatDoNotFitTheGroupAreRejected) {
  const FeatureGroup group = MarketGroup();
  FeatureRow short_row = Candle("BTCUSDT", 1, 1.0);
  short_row.values.pop_back();
  FeatureRow null_key = Candle("BTCUSDT", 1, 1.0);
  null_key.key[1] = Value();
  FeatureRow wrong_type = Candle("BTCUSDT", 1, 1.0);
  wrong_type.values[1] = 2.5;
  // Its key text would be that of ("BTC", "USDT|60") in a group keyed that way.
  const FeatureRow ambiguous = Candle("BTC|USDT", 1, 1.0);
  for (const FeatureRow& bad : {short_row, null_key, wrong_type, ambiguous}) {
    const Status status = store_->Upsert(group, std::vector{Candle("ETHUSDT", 1, 1.0), bad});
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
    EXPECT_THAT(status.message(), HasSubstr("market v1"));
  }
  EXPECT_TRUE(ScanRows(*store_, group).empty()) << "a rejected batch writes nothing";
  EXPECT_EQ(store_->Get(group, std::vector<Value>{"BTCUSDT"}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(RedisOnlineStoreTest, BadUriIsInvalidArgument) {
  for (const char* uri : {"redis:/127.0.0.1:6379", "redis://127.0.0.1:notaport/0",
                          "redis://127.0.0.1:6379/zero", "embedded:///tmp/x"}) {
    const auto store = OpenRedisOnlineStore(uri);
    ASSERT_FALSE(store.ok()) << uri;
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << store.status().ToString();
  }
}

TEST_F(RedisOnlineStoreTest, UnreachableServerIsUnavailableNamingTheUriButNotThePassword) {
  ASSERT_OK_AND_ASSIGN(const int port, ::rtml::testing::FreeLoopbackPort());
  const std::string where = "127.0.0.1:" + std::to_string(port) + "/2";
  const auto store = OpenRedisOnlineStore("redis://:hunter2@" + where);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().ToString();
  EXPECT_THAT(store.status().message(), HasSubstr("redis://" + where));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("hunter2")));
}

TEST_F(RedisOnlineStoreTest, ServerStoppedMidRunIsUnavailableAndTheRetrySucceedsAfterRestart) {
  const FeatureGroup group = MarketGroup();
  std::vector<FeatureRow> before, during;
  for (int i = 0; i < 1000; ++i) before.push_back(Candle("P" + std::to_string(i), 60'000, i));
  for (int i = 500; i < 1500; ++i) during.push_back(Candle("P" + std::to_string(i), 120'000, -i));
  ASSERT_OK(store_->Upsert(group, before));

  ASSERT_OK(server_->Stop());
  const Status lost = store_->Upsert(group, during);
  EXPECT_EQ(lost.code(), StatusCode::kUnavailable) << lost.ToString();
  EXPECT_THAT(lost.message(), HasSubstr(server_->uri()));
  const auto refused = store_->Get(group, KeyOf("P1"));
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable) << refused.status().ToString();

  ASSERT_OK(server_->Restart());
  // A new connection, and a server that has forgotten the upsert script.
  ASSERT_OK(store_->Upsert(group, during));
  std::map<std::string, FeatureRow> expected;
  ApplyToModel(before, expected);
  ApplyToModel(during, expected);
  EXPECT_EQ(ScanRows(*store_, group), expected);
}

TEST_F(RedisOnlineStoreTest, AForgottenScriptIsLoadedAgain) {
  const FeatureGroup group = MarketGroup();
  ASSERT_OK(store_->Upsert(group, std::vector{Candle("BTCUSDT", 60'000, 1.0)}));
  ASSERT_OK_AND_ASSIGN(const std::string flushed, server_->Command("SCRIPT FLUSH"));
  ASSERT_EQ(flushed, "+OK");
  ASSERT_OK(store_->Upsert(group, std::vector{Candle("BTCUSDT", 120'000, 2.0)}));
  EXPECT_EQ(MustGet(group, KeyOf("BTCUSDT")), Candle("BTCUSDT", 120'000, 2.0));
}

TEST_F(RedisOnlineStoreTest, AServerThatDoesNotAnswerInTimeIsUnavailableThenReconnects) {
  const FeatureGroup group = MarketGroup();
  ASSERT_OK_AND_ASSIGN(
      auto store, OpenRedisOnlineStore(server_->uri(),
                                       {.timeouts = {.command = std::chrono::milliseconds(200)}}));
  ASSERT_OK(store->Upsert(group, std::vector{Candle("BTCUSDT", 60'000, 1.0)}));
  ASSERT_OK_AND_ASSIGN(const std::string paused, server_->Command("CLIENT PAUSE 1000 ALL"));
  ASSERT_EQ(paused, "+OK");
  const auto slow = store->Get(group, KeyOf("BTCUSDT"));
  EXPECT_EQ(slow.status().code(), StatusCode::kUnavailable) << slow.status().ToString();
  EXPECT_THAT(slow.status().message(), HasSubstr("no reply within 200 ms"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  ASSERT_OK_AND_ASSIGN(const auto row, store->Get(group, KeyOf("BTCUSDT")));
  EXPECT_EQ(row, Candle("BTCUSDT", 60'000, 1.0));
}

// A server of its own: it asks for a password.
TEST(RedisOnlineStorePasswordTest, LogsInWithThePasswordOfTheUri) {
  ASSERT_OK_AND_ASSIGN(auto server, RedisServer::Start());
  ASSERT_OK_AND_ASSIGN(const std::string set, server->Command("CONFIG SET requirepass s3cr3t"));
  ASSERT_EQ(set, "+OK");
  const std::string where = "127.0.0.1:" + std::to_string(server->port()) + "/0";

  const auto anonymous = OpenRedisOnlineStore("redis://" + where);
  EXPECT_EQ(anonymous.status().code(), StatusCode::kInvalidArgument)
      << anonymous.status().ToString();
  EXPECT_THAT(anonymous.status().message(), HasSubstr("redis://:PASSWORD@"));
  const auto wrong = OpenRedisOnlineStore("redis://:wrong-pass@" + where);
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument) << wrong.status().ToString();
  EXPECT_THAT(wrong.status().message(), Not(HasSubstr("wrong-pass")));

  ASSERT_OK_AND_ASSIGN(auto store, OpenRedisOnlineStore("redis://:s3cr3t@" + where));
  ASSERT_OK(store->Upsert(MarketGroup(), std::vector{Candle("BTCUSDT", 60'000, 1.0)}));
  ASSERT_OK_AND_ASSIGN(const auto row, store->Get(MarketGroup(), KeyOf("BTCUSDT")));
  EXPECT_EQ(row, Candle("BTCUSDT", 60'000, 1.0));
}

}  // namespace
}  // namespace rtml::features
