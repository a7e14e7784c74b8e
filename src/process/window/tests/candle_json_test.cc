// Candle JSON: the documented example, round trips of random candles, errors.
#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "rtml/core/json_writer.h"
#include "rtml/process/candle.h"
#include "testing.h"

namespace rtml::process {
namespace {

TEST(CandleJsonTest, WritesTheDocumentedForm) {
  const Candle candle{"BTCUSDT", 60,      1723161240000, 1723161300000, 61837.63, 61850,
                      61830.01,  61845.2, 3.21,          61841.07,      118};
  std::string json;
  AppendCandleJson(candle, json);
  EXPECT_EQ(json, R"({"pair":"BTCUSDT","candle_seconds":60,"window_start_ms":1723161240000,)"
                  R"("window_end_ms":1723161300000,"open":61837.63,"high":61850,"low":61830.01,)"
                  R"("close":61845.2,"volume":3.21,"vwap":61841.07,"trade_count":118})");
  ASSERT_OK_AND_ASSIGN(const Candle parsed, ParseCandleJson(json));
  EXPECT_EQ(parsed, candle);
  EXPECT_EQ(CandleKey(candle), "BTCUSDT|60|1723161240000");
}

TEST(CandleJsonTest, RoundTripsRandomCandlesExactly) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> price(1e-8, 1e6);
  std::uniform_int_distribution<int64_t> count(0, int64_t{1} << 40);
  for (int i = 0; i < 2000; ++i) {
    Candle candle{.pair = i % 3 == 0 ? "BTC/USD" : "ETH\"\\é\x01",
                  .candle_seconds = count(random) % 4000 + 1,
                  .window_start_ms = count(random) * (i % 2 == 0 ? 1 : -1),
                  .window_end_ms = count(random),
                  .open = price(random),
                  .high = price(random),
                  .low = price(random),
                  .close = price(random),
                  .volume = price(random) * 1e-3,
                  .vwap = price(random),
                  .trade_count = count(random)};
    std::string json;
    AppendCandleJson(candle, json);
    ASSERT_TRUE(json::IsValidJson(json)) << json;
    ASSERT_OK_AND_ASSIGN(const Candle parsed, ParseCandleJson(json));
    ASSERT_EQ(parsed, candle) << json;
    std::string again;
    AppendCandleJson(parsed, again);
    ASSERT_EQ(again, json);
  }
}

TEST(CandleJsonTest, ReadsFieldsInAnyOrderAndIgnoresUnknownOnes) {
  ASSERT_OK_AND_ASSIGN(
      const Candle candle,
      ParseCandleJson(R"( {"trade_count":2,"vwap":1.5,"volume":2,"close":2,"low":1,"high":2,)"
                      R"("open":1,"window_end_ms":2000,"window_start_ms":1000,"extra":[1,{}],)"
                      R"("candle_seconds":1,"pair":"X"} )"));
  EXPECT_EQ(candle, (Candle{"X", 1, 1000, 2000, 1, 2, 1, 2, 2, 1.5, 2}));
}

TEST(CandleJsonTest, WritesNonFiniteNumbersAsNullWhichDoesNotParse) {
  Candle candle{.pair = "X", .open = std::numeric_limits<double>::quiet_NaN()};
  std::string json;
  AppendCandleJson(candle, json);
  EXPECT_NE(json.find("\"open\":null"), std::string::npos);
  EXPECT_TRUE(json::IsValidJson(json));
  EXPECT_EQ(ParseCandleJson(json).status().message(), "candle JSON: field 'open' is not a number");
}

TEST(CandleJsonTest, RejectsBadInputNamingTheField) {
  std::string good;
  AppendCandleJson(Candle{"X", 1, 1000, 2000, 1, 2, 1, 2, 2, 1.5, 2}, good);
  const auto without = [&good](std::string_view field) {
    // Erases `"field":value` and the comma before it (after it, for the first).
    std::string json = good;
    size_t at = json.find("\"" + std::string(field) + "\"");
    size_t end = json.find_first_of(",}", at);
    if (json[at - 1] == ',') {
      --at;
    } else {
      ++end;
    }
    json.erase(at, end - at);
    return json;
  };
  struct Case {
    std::string json;
    std::string message;
  };
  const Case cases[] = {
      {"", "candle JSON: not valid JSON"},
      {"[1]", "candle JSON: not a JSON object"},
      {good + "x", "candle JSON: not valid JSON"},
      {without("pair"), "candle JSON: field 'pair' is missing"},
      {without("window_end_ms"), "candle JSON: field 'window_end_ms' is missing"},
      {without("vwap"), "candle JSON: field 'vwap' is missing"},
      {without("trade_count"), "candle JSON: field 'trade_count' is missing"},
      {R"({"pair":1})", "candle JSON: field 'pair' is not a string"},
      {R"({"pair":"X","candle_seconds":1.5})",
       "candle JSON: field 'candle_seconds' is not an integer"},
      {R"({"pair":"X","candle_seconds":1,"window_start_ms":0,"window_end_ms":1,"open":"1"})",
       "candle JSON: field 'open' is not a number"},
  };
  for (const Case& c : cases) {
    const Result<Candle> parsed = ParseCandleJson(c.json);
    ASSERT_FALSE(parsed.ok()) << c.json;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message().substr(0, c.message.size()), c.message) << c.json;
  }
}

}  // namespace
}  // namespace rtml::process
