// The PostgreSQL offline store against a real server started from Debian's
// packages: one server for the suite, a fresh database per test.
#include "postgres/postgres_offline_store.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "postgres_server.h"
#include "testing.h"

namespace rtml::features {
namespace {

using rtml::testing::PostgresServer;
using ::testing::HasSubstr;
using ::testing::Not;

FeatureGroup Market(std::vector<Column> features = {{"close", ValueType::kDouble},
                                                    {"trade_count", ValueType::kInt64},
                                                    {"regime", ValueType::kString}}) {
  FeatureGroup group;
  group.name = "market";
  group.version = 1;
  group.key = {{"pair", ValueType::kString}, {"candle_seconds", ValueType::kInt64}};
  group.event_time = "window_end_ms";
  group.features = std::move(features);
  group.ttl_ms = 600000;
  return group;
}

FeatureRow Row(std::string pair, int64_t time_ms, std::vector<Value> values) {
  return FeatureRow{{std::move(pair), int64_t{60}}, time_ms, std::move(values)};
}

// `count` rows over 4 pairs, a minute apart.
std::vector<FeatureRow> ManyRows(int count, int64_t start_ms = 0) {
  std::vector<FeatureRow> rows;
  for (int i = 0; i < count; ++i) {
    rows.push_back(Row("P" + std::to_string(i % 4), start_ms + 60000 * (i / 4),
                       {100.0 + i * 0.1, int64_t{i}, std::monostate{}}));
  }
  return rows;
}

// Doubles compared by their bits: -0.0 is not 0.0, and nothing is rounded.
void ExpectSameRows(const std::vector<FeatureRow>& actual,
                    const std::vector<FeatureRow>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i], expected[i]) << "row " << i;
    for (size_t c = 0; c < expected[i].values.size() && c < actual[i].values.size(); ++c) {
      const auto* want = std::get_if<double>(&expected[i].values[c]);
      const auto* got = std::get_if<double>(&actual[i].values[c]);
      if (want != nullptr && got != nullptr) {
        EXPECT_EQ(std::bit_cast<uint64_t>(*got), std::bit_cast<uint64_t>(*want))
            << "row " << i << " value " << c << ": " << *got << " vs " << *want;
      }
    }
  }
}

class PostgresOfflineStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = PostgresServer::Start();
    if (started.ok()) {
      server_ = std::move(started).value();
    } else {
      start_error_ = started.status().ToString();
    }
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    ASSERT_NE(server_, nullptr) << "cannot start PostgreSQL: " << start_error_;
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_OK_AND_ASSIGN(uri_, server_->CreateDatabase(name));
    ASSERT_OK_AND_ASSIGN(store_, OpenPostgresOfflineStore(uri_));
  }

  // A test that stopped the server leaves it running for the next one.
  void TearDown() override {
    if (server_ != nullptr) EXPECT_OK(server_->Restart());
  }

  std::vector<FeatureRow> ScanAll(const FeatureGroup& group, TimeRange range = {}) {
    std::vector<FeatureRow> rows;
    const Status status = store_->Scan(group, range, [&](FeatureRow&& row) {
      rows.push_back(std::move(row));
      return Status::Ok();
    });
    EXPECT_OK(status);
    return rows;
  }

  int64_t Count(const FeatureGroup& group) {
    const Result<int64_t> count = store_->CountRows(group);
    EXPECT_TRUE(count.ok()) << count.status().ToString();
    return count.ok() ? *count : -1;
  }

  static inline std::unique_ptr<PostgresServer> server_;
  static inline std::string start_error_;
  std::string uri_;
  std::unique_ptr<OfflineStore> store_;
};

TEST_F(PostgresOfflineStoreTest, RegisterUpsertScan) {
  const FeatureGroup group = Market();
  ASSERT_OK_AND_ASSIGN(const std::vector<FeatureGroup> none, store_->ListGroups());
  EXPECT_TRUE(none.empty());
  ASSERT_OK_AND_ASSIGN(const FeatureGroup registered, store_->RegisterGroup(group));
  EXPECT_EQ(registered, group);
  ASSERT_OK_AND_ASSIGN(const std::vector<FeatureGroup> groups, store_->ListGroups());
  EXPECT_EQ(groups, std::vector<FeatureGroup>{group});

  // Out of order, with values that text would round or lose.
  const std::vector<FeatureRow> rows = {
      Row("ETHUSD", 120000, {0.1 + 0.2, int64_t{7}, std::string("trend")}),
      Row("BTCUSD", 180000, {-0.0, std::numeric_limits<int64_t>::min(), std::string("")}),
      Row("BTCUSD", 60000,
          {std::numeric_limits<double>::denorm_min(), int64_t{0}, std::monostate{}}),
      Row("BTCUSD", 120000,
          {std::numeric_limits<double>::max(), std::numeric_limits<int64_t>::max(),
           std::string("ünïcødé | \"quoted\"")}),
      Row("ETHUSD", 60000, {std::monostate{}, std::monostate{}, std::monostate{}}),
  };
  ASSERT_OK(store_->Upsert(group, rows));
  EXPECT_EQ(Count(group), 5);
  // By key (pair, then candle_seconds), then event time.
  ExpectSameRows(ScanAll(group), {rows[2], rows[3], rows[1], rows[4], rows[0]});
  // [from, to)
  ExpectSameRows(ScanAll(group, {.from_ms = 60001, .to_ms = 180000}), {rows[3], rows[0]});
}

TEST_F(PostgresOfflineStoreTest, ScanStreamsManyRowsInOrder) {
  const FeatureGroup group = Market();
  ASSERT_TRUE(store_->RegisterGroup(group).ok());
  const std::vector<FeatureRow> rows = ManyRows(50000);
  ASSERT_OK(store_->Upsert(group, rows));
  int64_t seen = 0;
  FeatureRow previous;
  ASSERT_OK(store_->Scan(group, {}, [&](FeatureRow&& row) {
    if (seen > 0) {
      EXPECT_LT(std::tie(previous.key, previous.event_time_ms),
                std::tie(row.key, row.event_time_ms));
    }
    previous = std::move(row);
    ++seen;
    return Status::Ok();
  }));
  EXPECT_EQ(seen, 50000);
}

TEST_F(PostgresOfflineStoreTest, VisitorFailureStopsTheScan) {
  const FeatureGroup group = Market();
  ASSERT_TRUE(store_->RegisterGroup(group).ok());
  ASSERT_OK(store_->Upsert(group, ManyRows(100)));
  int visited = 0;
  const Status status = store_->Scan(group, {}, [&](FeatureRow&&) {
    return ++visited == 3 ? Status::Busy("enough") : Status::Ok();
  });
  EXPECT_EQ(status.ToString(), Status::Busy("enough").ToString());
  EXPECT_EQ(visited, 3);
  EXPECT_EQ(Count(group), 100);  // the store is usable again
}

TEST_F(PostgresOfflineStoreTest, UpsertingTheSameRowsTwiceChangesNothing) {
  const FeatureGroup group = Market();
  ASSERT_TRUE(store_->RegisterGroup(group).ok());
  const std::vector<FeatureRow> rows = ManyRows(3000);
  ASSERT_OK(store_->Upsert(group, rows));
  const std::vector<FeatureRow> once = ScanAll(group);
  ASSERT_OK(store_->Upsert(group, rows));
  ExpectSameRows(ScanAll(group), once);
  EXPECT_EQ(Count(group), 3000);
}

TEST_F(PostgresOfflineStoreTest, AnUpdatedRowReplacesTheStoredOne) {
  const FeatureGroup group = Market();
  ASSERT_TRUE(store_->RegisterGroup(group).ok());
  ASSERT_OK(store_->Upsert(group, {{Row("BTCUSD", 60000, {1.0, int64_t{1}, std::string("a")})}}));
  const FeatureRow corrected = Row("BTCUSD", 60000, {2.0, std::monostate{}, std::string("b")});
  ASSERT_OK(store_->Upsert(group, {{corrected}}));
  ExpectSameRows(ScanAll(group), {corrected});

  // Within one batch the last row of a key and event time wins: within a statement's
  // chunk of rows (8192) and across chunks.
  const std::vector<FeatureRow> many = ManyRows(20000);
  std::vector<FeatureRow> batch = many;
  batch.insert(batch.begin(), Row("BTCUSD", 60000, {9.0, int64_t{9}, std::string("x")}));
  FeatureRow changed = many[5];
  changed.values[0] = -1.0;
  batch.push_back(changed);
  batch.push_back(Row("BTCUSD", 60000, {8.0, int64_t{8}, std::string("y")}));
  const FeatureRow last = Row("BTCUSD", 60000, {3.0, int64_t{3}, std::string("c")});
  batch.push_back(last);
  ASSERT_OK(store_->Upsert(group, batch));
  EXPECT_EQ(Count(group), 20001);
  ExpectSameRows(ScanAll(group, {.from_ms = 60000, .to_ms = 60001}),
                 {last, many[4], changed, many[6], many[7]});
}

TEST_F(PostgresOfflineStoreTest, ACompatibleChangeAddsAColumnThatOldRowsReadAsNull) {
  const FeatureGroup v1 = Market({{"close", ValueType::kDouble}});
  ASSERT_TRUE(store_->RegisterGroup(v1).ok());
  ASSERT_OK(store_->Upsert(v1, {{Row("BTCUSD", 60000, {1.5})}}));

  const FeatureGroup wider =
      Market({{"close", ValueType::kDouble}, {"volume", ValueType::kDouble}});
  ASSERT_OK_AND_ASSIGN(const FeatureGroup registered, store_->RegisterGroup(wider));
  EXPECT_EQ(registered, wider);
  ASSERT_OK_AND_ASSIGN(const std::vector<FeatureGroup> groups, store_->ListGroups());
  EXPECT_EQ(groups, std::vector<FeatureGroup>{wider});
  ASSERT_OK(store_->Upsert(wider, {{Row("BTCUSD", 120000, {2.5, 10.0})}}));
  ExpectSameRows(ScanAll(wider), {Row("BTCUSD", 60000, {1.5, std::monostate{}}),
                                  Row("BTCUSD", 120000, {2.5, 10.0})});
  // Registering the same declaration again changes nothing.
  ASSERT_TRUE(store_->RegisterGroup(wider).ok());
  EXPECT_EQ(Count(wider), 2);
}

TEST_F(PostgresOfflineStoreTest, AnIncompatibleChangeIsRefusedNamingTheDifference) {
  const FeatureGroup v1 = Market();
  ASSERT_TRUE(store_->RegisterGroup(v1).ok());
  ASSERT_OK(store_->Upsert(v1, {{Row("BTCUSD", 60000, {1.5, int64_t{2}, std::string("x")})}}));

  FeatureGroup retyped = v1;
  retyped.features[0].type = ValueType::kInt64;
  const Result<FeatureGroup> refused = store_->RegisterGroup(retyped);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("'close' was double, now int64"));

  FeatureGroup dropped = v1;
  dropped.features.pop_back();
  const Result<FeatureGroup> refused_drop = store_->RegisterGroup(dropped);
  ASSERT_FALSE(refused_drop.ok());
  EXPECT_THAT(refused_drop.status().message(), HasSubstr("'regime' was removed"));

  // Nothing changed; a new version takes the change and v1 stays readable.
  ASSERT_OK_AND_ASSIGN(const std::vector<FeatureGroup> groups, store_->ListGroups());
  EXPECT_EQ(groups, std::vector<FeatureGroup>{v1});
  FeatureGroup v2 = retyped;
  v2.version = 2;
  ASSERT_TRUE(store_->RegisterGroup(v2).ok());
  ASSERT_OK(
      store_->Upsert(v2, {{Row("BTCUSD", 60000, {int64_t{1}, int64_t{2}, std::string("y")})}}));
  ExpectSameRows(ScanAll(v1), {Row("BTCUSD", 60000, {1.5, int64_t{2}, std::string("x")})});
  ASSERT_OK_AND_ASSIGN(const std::vector<FeatureGroup> both, store_->ListGroups());
  EXPECT_EQ(both, (std::vector<FeatureGroup>{v1, v2}));
}

TEST_F(PostgresOfflineStoreTest, RowsThatDoNotFitTheGroupAreRefused) {
  const FeatureGroup group = Market();
  ASSERT_TRUE(store_->RegisterGroup(group).ok());
  const Status wrong_type =
      store_->Upsert(group, {{Row("BTCUSD", 60000, {int64_t{1}, int64_t{2}, std::string("x")})}});
  EXPECT_EQ(wrong_type.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong_type.message(), HasSubstr("close"));
  const Status too_few = store_->Upsert(group, {{Row("BTCUSD", 60000, {1.0})}});
  EXPECT_EQ(too_few.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(group), 0);
}

TEST_F(PostgresOfflineStoreTest, ABadUriIsInvalidArgument) {
  for (const std::string uri : {"mysql://127.0.0.1/x", "postgresql://127.0.0.1/db?nosuchoption=1",
                                "postgresql://[::1/db"}) {
    const auto opened = OpenPostgresOfflineStore(uri);
    ASSERT_FALSE(opened.ok()) << uri;
    EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument) << opened.status().ToString();
  }
}

TEST_F(PostgresOfflineStoreTest, AnUnreachableServerIsUnavailableAtOpen) {
  // A bound port that does not listen refuses connections, and nobody else takes it.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string host = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  const auto opened = OpenPostgresOfflineStore("postgresql://rtml:secret@" + host + "/features");
  close(fd);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable) << opened.status().ToString();
  EXPECT_THAT(opened.status().message(), HasSubstr("postgresql://rtml:***@" + host + "/features"));
  EXPECT_THAT(opened.status().message(), Not(HasSubstr("secret")));
}

TEST_F(PostgresOfflineStoreTest, AServerThatStopsIsUnavailableThenTheRetryLosesNothing) {
  const FeatureGroup group = Market();
  ASSERT_TRUE(store_->RegisterGroup(group).ok());
  const std::vector<FeatureRow> before = ManyRows(1000);
  const std::vector<FeatureRow> after = ManyRows(1000, 1000 * 60000);
  ASSERT_OK(store_->Upsert(group, before));

  ASSERT_OK(server_->Stop());
  for (int attempt = 0; attempt < 2; ++attempt) {  // a stale session, then no server
    const Status down = store_->Upsert(group, after);
    EXPECT_EQ(down.code(), StatusCode::kUnavailable) << down.ToString();
  }
  EXPECT_EQ(store_->CountRows(group).status().code(), StatusCode::kUnavailable);

  ASSERT_OK(server_->Restart());
  ASSERT_OK(store_->Upsert(group, after));
  std::vector<FeatureRow> all = before;
  all.insert(all.end(), after.begin(), after.end());
  std::sort(all.begin(), all.end(), [](const FeatureRow& a, const FeatureRow& b) {
    return std::tie(a.key, a.event_time_ms) < std::tie(b.key, b.event_time_ms);
  });
  ExpectSameRows(ScanAll(group), all);
}

TEST_F(PostgresOfflineStoreTest, AServerThatStopsDuringAnUpsertWritesNoneOfTheBatch) {
  const FeatureGroup group = Market();
  ASSERT_TRUE(store_->RegisterGroup(group).ok());
  ASSERT_OK(store_->Upsert(group, ManyRows(10)));
  const std::vector<FeatureRow> batch = ManyRows(400000, 10 * 60000);
  std::thread stopper([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_OK(server_->Stop());
  });
  const Status interrupted = store_->Upsert(group, batch);
  stopper.join();
  ASSERT_FALSE(interrupted.ok()) << "the batch finished before the server stopped; make it larger";
  EXPECT_EQ(interrupted.code(), StatusCode::kUnavailable) << interrupted.ToString();

  ASSERT_OK(server_->Restart());
  EXPECT_EQ(Count(group), 10);  // all or nothing
  ASSERT_OK(store_->Upsert(group, batch));
  EXPECT_EQ(Count(group), 400010);
}

}  // namespace
}  // namespace rtml::features
