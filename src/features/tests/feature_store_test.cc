// The feature store's behaviour, the same suite against the embedded default and
// against real PostgreSQL and Redis servers.
#include <algorithm>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtml/features/feature_store.h"
#include "rtml/features/store_uri.h"
#include "rtml/features/training_set.h"
#include "store_backends.h"
#include "testing.h"

namespace rtml::features {
namespace {

using testing::Backend;
using testing::Backends;
using ::testing::HasSubstr;

FeatureGroup PriceGroup(int64_t ttl_ms = 0) {
  return {.name = "prices",
          .version = 1,
          .key = {{"pair", ValueType::kString}, {"candle_seconds", ValueType::kInt64}},
          .event_time = "window_end_ms",
          .features = {{"close", ValueType::kDouble},
                       {"trade_count", ValueType::kInt64},
                       {"rsi_14", ValueType::kDouble},
                       {"venue", ValueType::kString}},
          .ttl_ms = ttl_ms};
}

FeatureRow Row(std::string pair, int64_t seconds, int64_t time, double close, Value rsi = Value()) {
  return {.key = {std::move(pair), seconds},
          .event_time_ms = time,
          .values = {close, int64_t{time / 1000}, std::move(rsi), std::string("x,\"y\"|z")}};
}

std::vector<FeatureRow> ScanAll(OfflineStore& store, const FeatureGroup& group) {
  std::vector<FeatureRow> rows;
  EXPECT_OK(store.Scan(group, TimeRange{}, [&](FeatureRow&& row) {
    rows.push_back(std::move(row));
    return Status::Ok();
  }));
  return rows;
}

std::vector<FeatureRow> OnlineRows(OnlineStore& store, const FeatureGroup& group) {
  std::vector<FeatureRow> rows;
  EXPECT_OK(store.ScanAll(group, [&](FeatureRow&& row) {
    rows.push_back(std::move(row));
    return Status::Ok();
  }));
  std::sort(rows.begin(), rows.end(), [](const FeatureRow& a, const FeatureRow& b) {
    return KeyText(a.key) < KeyText(b.key);
  });
  return rows;
}

class FeatureStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info->name();
    std::replace_if(
        name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    uris_ = Backends::Fresh(GetParam(), dir_.path(), name);
    Reopen();
  }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<FeatureStore>> store = FeatureStore::Open(uris_.offline, uris_.online);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  rtml::testing::TempDir dir_;
  testing::StoreUris uris_;
  std::unique_ptr<FeatureStore> store_;
};

TEST_P(FeatureStoreTest, WritesReadBackExactlyOfflineAndOnline) {
  const FeatureGroup group = PriceGroup();
  ASSERT_OK(store_->RegisterGroup(group).status());
  const std::vector<FeatureRow> rows = {
      Row("ETHUSD", 60, 120'000, 2500.25, 40.0), Row("BTCUSD", 60, 60'000, 0.1 + 0.2),
      Row("BTCUSD", 60, 120'000, 61'000.5, 55.5), Row("BTCUSD", 300, 300'000, -1e-300, 1e300)};
  ASSERT_OK(store_->Write(group, rows));
  Reopen();  // what was written is on disk / on the server
  ASSERT_OK_AND_ASSIGN(int64_t count, store_->offline().CountRows(group));
  EXPECT_EQ(count, 4);
  const std::vector<FeatureRow> scanned = ScanAll(store_->offline(), group);
  ASSERT_EQ(scanned.size(), 4u);
  for (const FeatureRow& row : rows) {
    EXPECT_NE(std::find(scanned.begin(), scanned.end(), row), scanned.end()) << KeyText(row.key);
  }
  // Ordered by key, then time.
  for (size_t i = 1; i < scanned.size(); ++i) {
    if (scanned[i].key == scanned[i - 1].key) {
      EXPECT_LT(scanned[i - 1].event_time_ms, scanned[i].event_time_ms);
    }
  }
  ASSERT_OK_AND_ASSIGN(auto btc, store_->GetOnline(group, rows[2].key, 0));
  ASSERT_TRUE(btc.has_value());
  EXPECT_EQ(*btc, rows[2]);
  const std::vector<Value> unknown = {std::string("XRP"), int64_t{60}};
  ASSERT_OK_AND_ASSIGN(auto none, store_->GetOnline(group, unknown, 0));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store_->Verify(group));
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.differences);
  EXPECT_EQ(report.keys_offline, 3);
  EXPECT_EQ(report.matching, 3);
}

TEST_P(FeatureStoreTest, WritingTheSameStreamTwiceChangesNothing) {
  const FeatureGroup group = PriceGroup();
  ASSERT_OK(store_->RegisterGroup(group).status());
  std::vector<FeatureRow> rows;
  for (int i = 0; i < 500; ++i) rows.push_back(Row(i % 2 ? "A" : "B", 60, i * 60'000, i * 1.5));
  ASSERT_OK(store_->Write(group, rows));
  const auto offline = ScanAll(store_->offline(), group);
  const auto online = OnlineRows(store_->online(), group);
  ASSERT_OK(store_->Write(group, rows));
  ASSERT_OK(store_->Write(group, std::span(rows).subspan(100, 50)));
  EXPECT_EQ(ScanAll(store_->offline(), group), offline);
  EXPECT_EQ(OnlineRows(store_->online(), group), online);
  EXPECT_EQ(offline.size(), 500u);
}

TEST_P(FeatureStoreTest, OnlineKeepsTheNewestEventTimeWhateverTheArrivalOrder) {
  const FeatureGroup group = PriceGroup();
  ASSERT_OK(store_->RegisterGroup(group).status());
  ASSERT_OK(store_->Write(group, {{Row("A", 60, 120'000, 2.0)}}));
  ASSERT_OK(store_->Write(group, {{Row("A", 60, 60'000, 1.0)}}));  // late: older
  ASSERT_OK_AND_ASSIGN(auto row, store_->GetOnline(group, Row("A", 60, 0, 0).key, 0));
  ASSERT_TRUE(row);
  EXPECT_EQ(row->values[0], Value(2.0));
  // A correction of the newest row replaces it, offline and online.
  ASSERT_OK(store_->Write(group, {{Row("A", 60, 120'000, 2.5)}}));
  ASSERT_OK_AND_ASSIGN(row, store_->GetOnline(group, Row("A", 60, 0, 0).key, 0));
  EXPECT_EQ(row->values[0], Value(2.5));
  const auto offline = ScanAll(store_->offline(), group);
  ASSERT_EQ(offline.size(), 2u);
  EXPECT_EQ(offline[1].values[0], Value(2.5));
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store_->Verify(group));
  EXPECT_TRUE(report.ok()) << ::testing::PrintToString(report.differences);
}

TEST_P(FeatureStoreTest, OnlineReadsHonourTheTtl) {
  const FeatureGroup group = PriceGroup(/*ttl_ms=*/60'000);
  ASSERT_OK(store_->RegisterGroup(group).status());
  ASSERT_OK(store_->Write(group, {{Row("A", 60, 1'000'000, 2.0)}}));
  const auto key = Row("A", 60, 0, 0).key;
  ASSERT_OK_AND_ASSIGN(auto fresh, store_->GetOnline(group, key, 1'060'000));
  EXPECT_TRUE(fresh.has_value());
  ASSERT_OK_AND_ASSIGN(auto stale, store_->GetOnline(group, key, 1'060'001));
  EXPECT_FALSE(stale.has_value());
}

TEST_P(FeatureStoreTest, VerifyReportsEveryDisagreement) {
  const FeatureGroup group = PriceGroup();
  ASSERT_OK(store_->RegisterGroup(group).status());
  ASSERT_OK(store_->Write(group, {{Row("A", 60, 60'000, 1.0), Row("B", 60, 60'000, 1.0)}}));
  // Behind the store's back: a row only offline, a changed row only online.
  ASSERT_OK(store_->offline().Upsert(group, {{Row("C", 60, 60'000, 3.0)}}));
  ASSERT_OK(store_->online().Upsert(group, {{Row("B", 60, 60'000, 9.0)}}));
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store_->Verify(group));
  EXPECT_EQ(report.difference_count, 2);
  EXPECT_EQ(report.matching, 1);
  EXPECT_THAT(::testing::PrintToString(report.differences), HasSubstr("C|60: offline only"));
  EXPECT_THAT(::testing::PrintToString(report.differences), HasSubstr("B|60: online"));
}

TEST_P(FeatureStoreTest, SchemaChangesNeedANewVersionAndOldVersionsStayReadable) {
  FeatureGroup v1 = PriceGroup();
  ASSERT_OK(store_->RegisterGroup(v1).status());
  ASSERT_OK(store_->Write(v1, {{Row("A", 60, 60'000, 1.0)}}));
  // Adding a feature is compatible: old rows read it as null.
  FeatureGroup v1_more = v1;
  v1_more.features.push_back({"ema_21", ValueType::kDouble});
  ASSERT_OK(store_->RegisterGroup(v1_more).status());
  auto rows = ScanAll(store_->offline(), v1_more);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].values.back(), Value());
  // Retyping one is not.
  FeatureGroup retyped = v1_more;
  retyped.features[0].type = ValueType::kString;
  Status refused = store_->RegisterGroup(retyped).status();
  EXPECT_THAT(refused.message(), HasSubstr("declare version 2"));
  // Version 2 is a table of its own; version 1 keeps its rows.
  retyped.version = 2;
  ASSERT_OK(store_->RegisterGroup(retyped).status());
  FeatureRow v2_row = Row("A", 60, 120'000, 0);
  v2_row.values = {std::string("up"), int64_t{1}, Value(), std::string("v"), 3.5};
  ASSERT_OK(store_->Write(retyped, {{v2_row}}));
  ASSERT_OK_AND_ASSIGN(FeatureGroup found_v1, store_->FindGroup("prices", 1));
  EXPECT_EQ(ScanAll(store_->offline(), found_v1).size(), 1u);
  ASSERT_OK_AND_ASSIGN(FeatureGroup newest, store_->FindGroup("prices"));
  EXPECT_EQ(newest.version, 2);
  EXPECT_EQ(ScanAll(store_->offline(), newest), std::vector<FeatureRow>{v2_row});
  ASSERT_OK_AND_ASSIGN(auto groups, store_->ListGroups());
  EXPECT_EQ(groups.size(), 2u);
  EXPECT_THAT(store_->FindGroup("nope").status().message(), HasSubstr("prices v1, prices v2"));
}

// Features whose value is their own event time, so a training row that holds a
// value from after its label's time shows it directly. Written out of order, in
// batches, with corrections; labels at random times, some exactly on a row's time.
TEST_P(FeatureStoreTest, PointInTimeJoinNeverLeaksTheFuture) {
  const int64_t kTtl = 5 * 60'000;
  FeatureGroup group = PriceGroup(kTtl);
  ASSERT_OK(store_->RegisterGroup(group).status());
  std::mt19937_64 rng(7);
  const std::vector<std::string> pairs = {"A", "B", "C"};
  // The truth: final value per (pair, time). A pair's rows are a minute apart with
  // random gaps longer than the TTL.
  std::map<std::pair<std::string, int64_t>, double> truth;
  std::vector<FeatureRow> writes;
  for (const std::string& pair : pairs) {
    int64_t t = 0;
    for (int i = 0; i < 300; ++i) {
      t += rng() % 10 == 0 ? 10 * 60'000 : 60'000;
      const double value = static_cast<double>(t);  // the time itself
      truth[{pair, t}] = value;
      writes.push_back(Row(pair, 60, t, value - 0.5));  // a first, wrong value
      writes.push_back(Row(pair, 60, t, value));        // its correction
    }
  }
  // Late arrivals: shuffled in windows of 40 writes, so a row may come after newer
  // ones and a wrong value after its correction.
  for (size_t i = 0; i + 40 <= writes.size(); i += 40) {
    std::shuffle(writes.begin() + static_cast<std::ptrdiff_t>(i),
                 writes.begin() + static_cast<std::ptrdiff_t>(i + 40), rng);
  }
  for (size_t i = 0; i < writes.size(); i += 97) {
    const size_t end = std::min(writes.size(), i + 97);
    std::vector<FeatureRow> batch(writes.begin() + static_cast<std::ptrdiff_t>(i),
                                  writes.begin() + static_cast<std::ptrdiff_t>(end));
    ASSERT_OK(store_->Write(group, batch));
  }
  // Updates: every row is written again with its final value.
  std::vector<FeatureRow> finals;
  for (const auto& [at, value] : truth) finals.push_back(Row(at.first, 60, at.second, value));
  ASSERT_OK(store_->Write(group, finals));

  Table labels{.columns = {{"pair", ValueType::kString},
                           {"candle_seconds", ValueType::kInt64},
                           {"ts_ms", ValueType::kInt64},
                           {"label", ValueType::kDouble}}};
  std::vector<int64_t> times;
  for (const auto& [at, value] : truth) times.push_back(at.second);
  for (int i = 0; i < 3000; ++i) {
    const std::string& pair = pairs[rng() % pairs.size()];
    int64_t ts = static_cast<int64_t>(rng() % (times.back() + 20 * 60'000));
    if (i % 5 == 0) ts = times[rng() % times.size()];  // exactly on a row's time
    labels.rows.push_back({pair, int64_t{60}, ts, 1.0});
  }
  labels.rows.push_back({std::string("ZZZ"), int64_t{60}, int64_t{1}, 0.0});  // unknown key
  ASSERT_OK_AND_ASSIGN(TrainingSet set,
                       BuildTrainingSet(store_->offline(), labels, {.groups = {group}}));
  ASSERT_EQ(set.table.rows.size(), labels.rows.size());
  const int time_col = set.table.ColumnIndex("prices__window_end_ms");
  const int close_col = set.table.ColumnIndex("close");
  ASSERT_GE(time_col, 0);
  ASSERT_GE(close_col, 0);
  int64_t matched = 0;
  for (size_t i = 0; i < labels.rows.size(); ++i) {
    const auto& row = set.table.rows[i];
    const std::string pair = std::get<std::string>(row[0]);
    const int64_t ts = std::get<int64_t>(row[2]);
    // Expected, by brute force: the pair's newest time at or before ts, within TTL.
    std::optional<std::pair<int64_t, double>> expected;
    for (const auto& [at, value] : truth) {
      if (at.first == pair && at.second <= ts) expected = {at.second, value};
    }
    if (expected && ts - expected->first > kTtl) expected.reset();
    if (!expected) {
      EXPECT_EQ(row[time_col], Value()) << "label " << i;
      EXPECT_EQ(row[close_col], Value()) << "label " << i;
      continue;
    }
    ++matched;
    ASSERT_EQ(row[time_col], Value(expected->first)) << "label " << i << " at " << ts;
    EXPECT_EQ(row[close_col], Value(expected->second)) << "label " << i;
    // The leak check itself: the value is its time, never after the label's.
    EXPECT_LE(std::get<double>(row[close_col]), static_cast<double>(ts));
  }
  EXPECT_GT(matched, 1500);
  EXPECT_EQ(set.counts[0].matched, matched);
  EXPECT_GT(set.counts[0].expired, 0);
  EXPECT_GT(set.counts[0].missing, 0);

  // drop_incomplete keeps only the labels with a row.
  ASSERT_OK_AND_ASSIGN(
      TrainingSet complete,
      BuildTrainingSet(store_->offline(), labels, {.groups = {group}, .drop_incomplete = true}));
  EXPECT_EQ(static_cast<int64_t>(complete.table.rows.size()), matched);
}

TEST_P(FeatureStoreTest, TrainingSetOverATimeRangeAndAcrossGroups) {
  const FeatureGroup prices = PriceGroup();
  const FeatureGroup sentiment{.name = "sentiment",
                               .version = 1,
                               .key = {{"pair", ValueType::kString}},
                               .event_time = "ts_ms",
                               .features = {{"score", ValueType::kDouble}}};
  ASSERT_OK(store_->RegisterGroup(prices).status());
  ASSERT_OK(store_->RegisterGroup(sentiment).status());
  ASSERT_OK(store_->Write(prices, {{Row("A", 60, 60'000, 1), Row("A", 60, 120'000, 2),
                                    Row("A", 60, 180'000, 3), Row("B", 60, 120'000, 4)}}));
  ASSERT_OK(store_->Write(sentiment, {{FeatureRow{{std::string("A")}, 90'000, {0.5}},
                                       FeatureRow{{std::string("A")}, 120'001, {0.9}}}}));
  ASSERT_OK_AND_ASSIGN(Table labels,
                       LabelsFromGroup(store_->offline(), prices, {120'000, 180'001}));
  ASSERT_EQ(labels.rows.size(), 3u);
  ASSERT_OK_AND_ASSIGN(TrainingSet set, BuildTrainingSet(store_->offline(), labels,
                                                         {.groups = {prices, sentiment}}));
  const int score = set.table.ColumnIndex("score");
  const int close = set.table.ColumnIndex("close");
  ASSERT_GE(score, 0);
  // A at 120000: its own close 2, the sentiment of 90000 (120001 is after it).
  // A at 180000: close 3, sentiment 0.9. B at 120000: close 4, no sentiment.
  using Joined = std::pair<Value, Value>;  // close, score
  std::map<std::string, Joined> got;
  for (const auto& row : set.table.rows) {
    got[std::get<std::string>(row[0]) + "@" + std::to_string(std::get<int64_t>(row[2]))] = {
        row[close], row[score]};
  }
  EXPECT_EQ(got["A@120000"], Joined(2.0, 0.5));
  EXPECT_EQ(got["A@180000"], Joined(3.0, 0.9));
  EXPECT_EQ(got["B@120000"], Joined(4.0, Value()));
  // Labels that lack a group's key column are refused, naming it.
  Table no_pair{.columns = {{"ts_ms", ValueType::kInt64}}, .rows = {{int64_t{1}}}};
  EXPECT_THAT(BuildTrainingSet(store_->offline(), no_pair, {.groups = {prices}}).status().message(),
              HasSubstr("no column 'pair'"));
}

INSTANTIATE_TEST_SUITE_P(Backends, FeatureStoreTest,
                         ::testing::Values(Backend::kEmbedded, Backend::kServers),
                         [](const auto& param) { return testing::BackendName(param.param); });

TEST(StoreUriTest, BadUrisSayWhatIsExpected) {
  EXPECT_THAT(OpenOfflineStore("mysql://x").status().message(),
              HasSubstr("sqlite://PATH or postgresql://"));
  EXPECT_THAT(OpenOnlineStore("sqlite://x").status().message(),
              HasSubstr("embedded://PATH or redis://"));
  EXPECT_EQ(OpenOfflineStore("sqlite://").status().code(), StatusCode::kInvalidArgument);
}

TEST(StoreUriTest, UnreachableServersAreUnavailableAtOpen) {
  // Port 1 on loopback: nothing listens there.
  const auto offline = OpenOfflineStore("postgresql://postgres@127.0.0.1:1/postgres");
  EXPECT_EQ(offline.status().code(), StatusCode::kUnavailable) << offline.status().ToString();
  const auto online = OpenOnlineStore("redis://127.0.0.1:1/0");
  EXPECT_EQ(online.status().code(), StatusCode::kUnavailable) << online.status().ToString();
}

}  // namespace
}  // namespace rtml::features
