#include "rtml/ingest/trade.h"

#include <cmath>
#include <limits>
#include <random>

#include "rtml/core/json_writer.h"
#include "testing.h"

namespace rtml::ingest {
namespace {

Trade Example() {
  return Trade{.exchange = "binance",
               .pair = "BTCUSDT",
               .trade_id = 3735683259,
               .price = 61837.63,
               .qty = 0.02,
               .side = Side::kSell,
               .ts_ms = 1723161255342,
               .received_ns = 1723161254087896568};
}

TEST(TradeJsonTest, WritesTheDocumentedForm) {
  std::string json;
  AppendTradeJson(Example(), json);
  EXPECT_EQ(json,
            R"({"exchange":"binance","pair":"BTCUSDT","trade_id":3735683259,"price":61837.63,)"
            R"("qty":0.02,"side":"sell","ts_ms":1723161255342,"received_ns":1723161254087896568})");
}

TEST(TradeJsonTest, RoundTripsExactly) {
  ASSERT_OK_AND_ASSIGN(Trade back, [] {
    std::string json;
    AppendTradeJson(Example(), json);
    return ParseTradeJson(json);
  }());
  EXPECT_EQ(back, Example());
}

TEST(TradeJsonTest, RoundTripsRandomDoublesBitForBit) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> exponent(-12, 12);
  std::uniform_real_distribution<double> mantissa(1, 10);
  for (int i = 0; i < 20000; ++i) {
    Trade trade = Example();
    trade.price = mantissa(rng) * std::pow(10.0, exponent(rng));
    // Also values with few digits, as exchanges send them, and extreme ones.
    trade.qty = i % 3 == 0   ? std::round(trade.price * 1e8) / 1e8
                : i % 3 == 1 ? std::numeric_limits<double>::denorm_min() * (i + 1)
                             : std::numeric_limits<double>::max() / (i + 1);
    trade.trade_id = static_cast<int64_t>(rng() >> 1);
    std::string json;
    AppendTradeJson(trade, json);
    ASSERT_OK_AND_ASSIGN(Trade back, ParseTradeJson(json));
    ASSERT_EQ(back.price, trade.price) << json;
    ASSERT_EQ(back.qty, trade.qty) << json;
    ASSERT_EQ(back, trade) << json;
  }
}

TEST(TradeJsonTest, EscapesNamesAndStaysValidJson) {
  Trade trade = Example();
  trade.pair = "BTC\"/\\USD\n\xff";
  std::string json;
  AppendTradeJson(trade, json);
  EXPECT_TRUE(json::IsValidJson(json)) << json;
  ASSERT_OK_AND_ASSIGN(Trade back, ParseTradeJson(json));
  EXPECT_EQ(back.pair, "BTC\"/\\USD\n\u00ff");
}

TEST(TradeJsonTest, NonFiniteNumbersAreNullAndDoNotParseBack) {
  Trade trade = Example();
  trade.price = std::numeric_limits<double>::quiet_NaN();
  std::string json;
  AppendTradeJson(trade, json);
  EXPECT_TRUE(json::IsValidJson(json)) << json;
  EXPECT_NE(json.find("\"price\":null"), std::string::npos);
  Result<Trade> back = ParseTradeJson(json);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().message(), "trade JSON: field 'price' is not a number");
}

TEST(TradeJsonTest, AcceptsAnyOrderStringNumbersAndMissingOptionalFields) {
  ASSERT_OK_AND_ASSIGN(
      Trade trade,
      ParseTradeJson(R"( {"side":"buy","ts_ms":5,"price":"1.5","qty":2,"pair":"ETH/USD",)"
                     R"("trade_id":7,"extra":[1,{"a":2}]} )"));
  EXPECT_EQ(trade.exchange, "");
  EXPECT_EQ(trade.received_ns, 0);
  EXPECT_EQ(trade.price, 1.5);
  EXPECT_EQ(trade.qty, 2);
  EXPECT_EQ(trade.side, Side::kBuy);
  EXPECT_EQ(trade.pair, "ETH/USD");
}

TEST(TradeJsonTest, NamesTheBadField) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"pair":"X","trade_id":1,"price":1,"qty":1,"side":"buy"})",
       "trade JSON: field 'ts_ms' is missing"},
      {R"({"pair":"X","trade_id":1.5,"price":1,"qty":1,"side":"buy","ts_ms":1})",
       "trade JSON: field 'trade_id' is not an integer"},
      {R"({"pair":"X","trade_id":1,"price":1,"qty":"abc","side":"buy","ts_ms":1})",
       "trade JSON: field 'qty' is not a number"},
      {R"({"pair":"X","trade_id":1,"price":1,"qty":1,"side":"hold","ts_ms":1})",
       "trade JSON: field 'side' is not \"buy\" or \"sell\""},
      {R"({"pair":7,"trade_id":1,"price":1,"qty":1,"side":"buy","ts_ms":1})",
       "trade JSON: field 'pair' is not a string"},
      {R"([1,2])", "trade JSON: not a JSON object"},
      {R"({"pair":"X","trade_id":1,"price":1,"qty":1,"side":"buy","ts_ms":1} x)",
       "trade JSON: not valid JSON (JSON document ended early in the middle of an object or "
       "array.)"},
  };
  for (const auto& [json, message] : cases) {
    Result<Trade> trade = ParseTradeJson(json);
    ASSERT_FALSE(trade.ok()) << json;
    EXPECT_EQ(trade.status().message(), message) << json;
  }
}

TEST(TradeJsonTest, EveryPrefixIsRejected) {
  std::string json;
  AppendTradeJson(Example(), json);
  for (size_t n = 0; n < json.size(); ++n) {
    EXPECT_FALSE(ParseTradeJson(json.substr(0, n)).ok()) << json.substr(0, n);
  }
}

TEST(SideTest, NamesAndParses) {
  EXPECT_EQ(SideName(Side::kBuy), "buy");
  EXPECT_EQ(SideName(Side::kSell), "sell");
  EXPECT_EQ(ParseSide("BUY"), Side::kBuy);
  EXPECT_EQ(ParseSide("s"), Side::kSell);
  EXPECT_EQ(ParseSide("Sell"), Side::kSell);
  EXPECT_EQ(ParseSide("sel"), std::nullopt);
  EXPECT_EQ(ParseSide(""), std::nullopt);
}

}  // namespace
}  // namespace rtml::ingest
