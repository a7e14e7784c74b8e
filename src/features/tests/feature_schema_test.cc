#include <cmath>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtml/core/json_writer.h"
#include "rtml/features/feature_group.h"
#include "rtml/features/feature_row.h"
#include "testing.h"

namespace rtml::features {
namespace {

using ::testing::HasSubstr;

FeatureGroup MarketGroup() {
  return {.name = "market",
          .version = 1,
          .key = {{"pair", ValueType::kString}, {"candle_seconds", ValueType::kInt64}},
          .event_time = "window_end_ms",
          .features = {{"close", ValueType::kDouble},
                       {"trade_count", ValueType::kInt64},
                       {"rsi_14", ValueType::kDouble}},
          .ttl_ms = 600'000};
}

TEST(FeatureGroupTest, ValidatesNamesKeysAndDuplicates) {
  ASSERT_OK(ValidateFeatureGroup(MarketGroup()));
  FeatureGroup bad = MarketGroup();
  bad.name = "Market-1";
  EXPECT_THAT(ValidateFeatureGroup(bad).message(), HasSubstr("'Market-1' is not a name"));
  bad = MarketGroup();
  bad.key.clear();
  EXPECT_THAT(ValidateFeatureGroup(bad).message(), HasSubstr("at least one column"));
  bad = MarketGroup();
  bad.features.push_back({"pair", ValueType::kString});
  EXPECT_THAT(ValidateFeatureGroup(bad).message(), HasSubstr("'pair' is declared twice"));
  bad = MarketGroup();
  bad.version = 0;
  EXPECT_FALSE(ValidateFeatureGroup(bad).ok());
}

TEST(FeatureGroupTest, AddingFeaturesIsCompatibleAnythingElseNeedsANewVersion) {
  const FeatureGroup stored = MarketGroup();
  FeatureGroup declared = stored;
  declared.features.push_back({"ema_21", ValueType::kDouble});
  ASSERT_OK(CheckBackwardCompatible(stored, declared));

  declared = stored;
  declared.features.erase(declared.features.begin());
  Status removed = CheckBackwardCompatible(stored, declared);
  EXPECT_THAT(removed.message(), HasSubstr("feature 'close' was removed"));
  EXPECT_THAT(removed.message(), HasSubstr("declare version 2"));

  declared = stored;
  declared.features[1].type = ValueType::kDouble;
  EXPECT_THAT(CheckBackwardCompatible(stored, declared).message(),
              HasSubstr("'trade_count' was int64, now double"));
  declared = stored;
  declared.event_time = "window_start_ms";
  EXPECT_FALSE(CheckBackwardCompatible(stored, declared).ok());
  declared = stored;
  declared.key.pop_back();
  EXPECT_FALSE(CheckBackwardCompatible(stored, declared).ok());
}

TEST(FeatureGroupTest, JsonRoundTrip) {
  ASSERT_OK_AND_ASSIGN(FeatureGroup back, FeatureGroupFromJson(FeatureGroupToJson(MarketGroup())));
  EXPECT_EQ(back, MarketGroup());
  EXPECT_EQ(MarketGroup().StorageName(), "market__v1");
  EXPECT_FALSE(FeatureGroupFromJson("{\"name\":\"x\"}").ok());
}

TEST(FeatureRowTest, KeyTextRoundTripsAndRejectsBadValues) {
  const FeatureGroup group = MarketGroup();
  ASSERT_OK_AND_ASSIGN(auto key, ParseKeyText(group, "BTC/USD|60"));
  EXPECT_EQ(key, (std::vector<Value>{std::string("BTC/USD"), int64_t{60}}));
  EXPECT_EQ(KeyText(key), "BTC/USD|60");
  EXPECT_THAT(ParseKeyText(group, "BTC/USD").status().message(), HasSubstr("needs 2 values"));
  EXPECT_THAT(ParseKeyText(group, "BTC/USD|6x").status().message(),
              HasSubstr("'candle_seconds': '6x' is not an int64"));
}

TEST(FeatureRowTest, JsonRoundTripKeepsEveryBitAndTheSignOfZero) {
  const FeatureGroup group = MarketGroup();
  const FeatureRow row{.key = {std::string("ETH \"x\"|y"), int64_t{300}},
                       .event_time_ms = 1723161300000,
                       .values = {0.1 + 0.2, int64_t{118}, -0.0}};
  std::string json;
  AppendRowJson(group, row, json);
  EXPECT_TRUE(json::IsValidJson(json)) << json;
  ASSERT_OK_AND_ASSIGN(FeatureRow back, ParseRowJson(group, json));
  EXPECT_EQ(back, row);
  EXPECT_TRUE(std::signbit(std::get<double>(back.values[2])));
}

TEST(FeatureRowTest, ParsesFeatureRecordsAndSaysWhatIsWrong) {
  const FeatureGroup group = MarketGroup();
  RowJsonParser parser(group);
  ASSERT_OK_AND_ASSIGN(
      FeatureRow row,
      parser.Parse(R"({"pair":"BTCUSDT","candle_seconds":60.0,"window_start_ms":1,)"
                   R"("window_end_ms":60001,"close":5,"trade_count":3,"rsi_14":null,"x":[1]})"));
  EXPECT_EQ(row.key[1], Value(int64_t{60}));
  EXPECT_EQ(row.event_time_ms, 60001);
  EXPECT_EQ(row.values[0], Value(5.0));
  EXPECT_EQ(row.values[2], Value());
  // A feature that is absent is null.
  ASSERT_OK_AND_ASSIGN(row, parser.Parse(R"({"pair":"A","candle_seconds":1,"window_end_ms":2})"));
  EXPECT_EQ(row.values, (std::vector<Value>{Value(), Value(), Value()}));

  EXPECT_THAT(parser.Parse(R"({"candle_seconds":1,"window_end_ms":2})").status().message(),
              HasSubstr("key field 'pair' is missing"));
  EXPECT_THAT(parser.Parse(R"({"pair":"A","candle_seconds":1})").status().message(),
              HasSubstr("event time field 'window_end_ms' is missing"));
  EXPECT_THAT(
      parser.Parse(R"({"pair":"A","candle_seconds":1.5,"window_end_ms":2})").status().message(),
      HasSubstr("'candle_seconds' is not an integer"));
  EXPECT_THAT(parser.Parse(R"({"pair":"A","candle_seconds":1,"window_end_ms":2,"close":"x"})")
                  .status()
                  .message(),
              HasSubstr("'close' is not a number"));
  EXPECT_THAT(parser.Parse("[1,2]").status().message(), HasSubstr("not a JSON object"));
  EXPECT_THAT(parser.Parse("{\"pair\":").status().message(), HasSubstr("not a JSON object"));
}

TEST(FeatureRowTest, RowsThatDoNotFitTheirGroupAreRefused) {
  const FeatureGroup group = MarketGroup();
  const FeatureRow good{.key = {std::string("BTC/USD"), int64_t{60}},
                        .event_time_ms = 1,
                        .values = {1.0, int64_t{2}, Value()}};
  ASSERT_OK(CheckRowShape(group, good));
  FeatureRow bad = good;
  bad.values.pop_back();
  EXPECT_THAT(CheckRowShape(group, bad).message(), HasSubstr("BTC/USD|60"));
  bad = good;
  bad.values[1] = 2.0;  // a double where an int64 goes
  EXPECT_FALSE(CheckRowShape(group, bad).ok());
  bad = good;
  bad.key[0] = std::string("A|B");  // would read back as key (A, B|60)
  EXPECT_THAT(CheckRowShape(group, bad).message(), HasSubstr("'|'"));
  bad = good;
  bad.key[1] = Value();
  EXPECT_FALSE(CheckRowShape(group, bad).ok());
}

}  // namespace
}  // namespace rtml::features
