#include "rtml/ingest/kraken_rest_parser.h"

#include "testing.h"

namespace rtml::ingest {
namespace {

using Outcome = KrakenTradesPage::Outcome;

// The example reply of Kraken's "Get Recent Trades" documentation.
constexpr std::string_view kDocumented = R"({
  "error": [],
  "result": {
    "XXBTZUSD": [
      ["30243.40000", "0.34507674", 1688669597.8277369, "b", "m", "", 61044952],
      ["30243.30000", "0.00376960", 1688669598.2804112, "s", "l", "", 61044953],
      ["30243.30000", "0.01235716", 1688669602.698379, "s", "m", "", 61044956]
    ],
    "last": "1688671969993150842"
  }
})";

KrakenTradesPage Parse(std::string_view body, KrakenRestParserOptions options = {}) {
  KrakenRestParser parser(std::move(options));
  KrakenTradesPage page;
  const Status status = parser.Parse(body, 1688672000000000000, &page);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return page;
}

TEST(KrakenRestParserTest, DocumentedReply) {
  const KrakenTradesPage page = Parse(kDocumented);
  EXPECT_EQ(page.outcome, Outcome::kTrades);
  EXPECT_EQ(page.pair, "XXBTZUSD");
  EXPECT_EQ(page.last, 1688671969993150842);
  ASSERT_EQ(page.trades.size(), 3u);
  EXPECT_EQ(page.trades[0], (Trade{.exchange = "kraken",
                                   .pair = "BTC/USD",
                                   .trade_id = 61044952,
                                   .price = 30243.4,
                                   .qty = 0.34507674,
                                   .side = Side::kBuy,
                                   .ts_ms = 1688669597827,
                                   .received_ns = 1688672000000000000}));
  EXPECT_EQ(page.trades[1].side, Side::kSell);
  EXPECT_EQ(page.trades[1].ts_ms, 1688669598280);
  EXPECT_EQ(page.trades[2].trade_id, 61044956);
  EXPECT_EQ(page.trades[2].ts_ms, 1688669602698);
}

TEST(KrakenRestParserTest, CallerNamesTheSymbol) {
  const KrakenTradesPage page = Parse(kDocumented, {.exchange = "kraken", .symbol = "XBT/USD"});
  EXPECT_EQ(page.trades[0].pair, "XBT/USD");
}

TEST(KrakenRestParserTest, TimesConvertExactlyFromTheDigits) {
  // 1.000 s would become 0.99999... as a double times 1000.
  const KrakenTradesPage page =
      Parse(R"({"error":[],"result":{"XETHZUSD":[["1","1",1700000000.001,"s","l","",1],)"
            R"(["1","1",1700000000,"b","l","",2],["1","1","1700000000.9999999","b","l","",3]],)"
            R"("last":1700000001000000000}})");
  ASSERT_EQ(page.trades.size(), 3u);
  EXPECT_EQ(page.trades[0].ts_ms, 1700000000001);
  EXPECT_EQ(page.trades[1].ts_ms, 1700000000000);
  EXPECT_EQ(page.trades[2].ts_ms, 1700000000999);
  EXPECT_EQ(page.trades[0].pair, "ETH/USD");
  EXPECT_EQ(page.last, 1700000001000000000);
}

TEST(KrakenRestParserTest, EmptyPage) {
  const KrakenTradesPage page =
      Parse(R"({"error":[],"result":{"XXBTZUSD":[],"last":"1688671969993150842"}})");
  EXPECT_EQ(page.outcome, Outcome::kTrades);
  EXPECT_TRUE(page.trades.empty());
  EXPECT_EQ(page.last, 1688671969993150842);
}

TEST(KrakenRestParserTest, ErrorsAreClassified) {
  EXPECT_EQ(Parse(R"({"error":["EGeneral:Too many requests"]})").outcome, Outcome::kRateLimited);
  EXPECT_EQ(Parse(R"({"error":["EAPI:Rate limit exceeded"],"result":{}})").outcome,
            Outcome::kRateLimited);
  EXPECT_EQ(Parse(R"({"error":["EService:Unavailable"]})").outcome, Outcome::kUnavailable);
  EXPECT_EQ(Parse(R"({"error":["EService:Busy"]})").outcome, Outcome::kUnavailable);
  const KrakenTradesPage unknown = Parse(R"({"error":["EQuery:Unknown asset pair"]})");
  EXPECT_EQ(unknown.outcome, Outcome::kError);
  EXPECT_EQ(unknown.errors, std::vector<std::string>{"EQuery:Unknown asset pair"});
  // A warning alone is not an error.
  const KrakenTradesPage warned =
      Parse(R"({"error":["WGeneral:Deprecated"],"result":{"XXBTZUSD":[],"last":"5"}})");
  EXPECT_EQ(warned.outcome, Outcome::kTrades);
  EXPECT_EQ(warned.last, 5);
}

TEST(KrakenRestParserTest, MalformedRepliesSayWhy) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"<html>502 Bad Gateway</html>", "not a JSON object"},
      {"{\"error\":[]} []", "not valid JSON"},
      {"[]", "not a JSON object"},
      {R"({"foo":1})", "not a Kraken REST reply"},
      {R"({"error":[],"result":{"XXBTZUSD":[]}})", "result without a 'last' cursor"},
      {R"({"error":[],"result":{"XXBTZUSD":[],"last":"soon"}})", "field 'last' is not"},
      {R"({"error":[],"result":{"XXBTZUSD":[["1","1",1.5,"b","m",""]],"last":"1"}})",
       "trade row 0: has 6 elements, expected 7"},
      {R"({"error":[],"result":{"XXBTZUSD":[["1","1",1.5,"x","m","",1]],"last":"1"}})",
       "trade row 0: side is not"},
      {R"({"error":[],"result":{"XXBTZUSD":[["1","1",1.5,"b","m","",1],)"
       R"(["a","1",1.5,"b","m","",2]],"last":"1"}})",
       "trade row 1: price is not a number"},
      {R"({"error":[],"result":{"XXBTZUSD":[["1","1",-1.5,"b","m","",1]],"last":"1"}})",
       "trade row 0: time is not"},
      {R"({"error":[],"result":{"XXBTZUSD":[["1","1",1.5,"b","m","",1.5]],"last":"1"}})",
       "trade row 0: trade_id is not an integer"},
      {R"({"error":[],"result":{"A":[],"B":[],"last":"1"}})", "result holds more than one pair"},
      {R"({"error":[1]})", "field 'error' holds a non-string"},
  };
  KrakenRestParser parser;
  for (const auto& [body, reason] : cases) {
    KrakenTradesPage page;
    const Status status = parser.Parse(body, 1, &page);
    ASSERT_FALSE(status.ok()) << body;
    EXPECT_TRUE(status.message().starts_with(reason))
        << body << "\n  got: " << status.message() << "\n  want: " << reason;
  }
}

TEST(KrakenRestParserTest, EveryPrefixIsRejected) {
  KrakenRestParser parser;
  const std::string body(kDocumented);
  for (size_t n = 0; n < body.size(); ++n) {
    KrakenTradesPage page;
    EXPECT_FALSE(parser.Parse(body.substr(0, n), 1, &page).ok())
        << "accepted the prefix " << body.substr(0, n);
  }
}

TEST(KrakenSymbolForPairTest, MapsRestNamesToV2Symbols) {
  EXPECT_EQ(KrakenSymbolForPair("XXBTZUSD"), "BTC/USD");
  EXPECT_EQ(KrakenSymbolForPair("XBTUSD"), "BTC/USD");
  EXPECT_EQ(KrakenSymbolForPair("XETHZEUR"), "ETH/EUR");
  EXPECT_EQ(KrakenSymbolForPair("XETHXXBT"), "ETH/BTC");
  EXPECT_EQ(KrakenSymbolForPair("XDGUSD"), "DOGE/USD");
  EXPECT_EQ(KrakenSymbolForPair("SOLUSD"), "SOL/USD");
  EXPECT_EQ(KrakenSymbolForPair("XBTUSDT"), "BTC/USDT");
  EXPECT_EQ(KrakenSymbolForPair("USDTUSD"), "USDT/USD");
  EXPECT_EQ(KrakenSymbolForPair("MATICGBP"), "MATIC/GBP");
  EXPECT_EQ(KrakenSymbolForPair("XBT/EUR"), "BTC/EUR");
  EXPECT_EQ(KrakenSymbolForPair("BTC/USD"), "BTC/USD");
  EXPECT_EQ(KrakenSymbolForPair("FOO"), "FOO");
  EXPECT_EQ(KrakenSymbolForPair("USD"), "USD");
}

TEST(KrakenSymbolForPairTest, RestPairForSymbolRoundTrips) {
  EXPECT_EQ(KrakenRestPairForSymbol("BTC/USD"), "XBTUSD");
  EXPECT_EQ(KrakenRestPairForSymbol("DOGE/USD"), "XDGUSD");
  EXPECT_EQ(KrakenRestPairForSymbol("ETH/BTC"), "ETHXBT");
  EXPECT_EQ(KrakenRestPairForSymbol("SOL/USDT"), "SOLUSDT");
  EXPECT_EQ(KrakenRestPairForSymbol("XBTUSD"), "XBTUSD");
  for (const char* symbol : {"BTC/USD", "ETH/EUR", "DOGE/USD", "SOL/USDT", "ETH/BTC"}) {
    EXPECT_EQ(KrakenSymbolForPair(KrakenRestPairForSymbol(symbol)), symbol);
  }
}

}  // namespace
}  // namespace rtml::ingest

namespace rtml::ingest {
namespace {

TEST(KrakenRestParserTest, CorruptedBytesNeverCrash) {
  KrakenRestParser parser;
  KrakenTradesPage page;
  const std::string body(kDocumented);
  int accepted = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    for (const char c : {'\0', '"', '[', '}', '\\', ',', '9', '\xff'}) {
      std::string corrupt = body;
      corrupt[i] = c;
      accepted += parser.Parse(corrupt, 1, &page).ok();
    }
  }
  EXPECT_GT(accepted, 0);  // e.g. a digit changed inside a number
}

}  // namespace
}  // namespace rtml::ingest
