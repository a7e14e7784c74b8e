#include "rtml/ingest/binance_parser.h"

#include "testing.h"

namespace rtml::ingest {
namespace {

using Frame = BinanceParser::Frame;

// The trade stream payload as Binance documents it (raw stream /ws/bnbbtc@trade).
constexpr std::string_view kDocumentedPayload =
    R"({"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100",)"
    R"("T":1672515782136,"m":true,"M":true})";
// The older documented form, with buyer and seller order ids.
constexpr std::string_view kDocumentedPayloadWithOrderIds =
    R"({"e":"trade","E":123456789,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","b":88,)"
    R"("a":50,"T":123456785,"m":true,"M":true})";
// A combined-stream frame from a real spot capture.
constexpr std::string_view kSpotFrame =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT",)"
    R"("t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,)"
    R"("M":true}})";
// A USD-M futures frame: T before s, an "X" field, no "M".
constexpr std::string_view kFuturesFrame =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256321,)"
    R"("s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}})";

Trade Parsed(BinanceParser& parser, std::string_view frame, int64_t received_ns = 7) {
  Trade trade;
  Result<Frame> kind = parser.Parse(frame, received_ns, &trade);
  EXPECT_TRUE(kind.ok()) << kind.status().ToString() << "\n" << frame;
  EXPECT_TRUE(kind.ok() && *kind == Frame::kTrade) << frame;
  return trade;
}

TEST(BinanceParserTest, DocumentedRawPayload) {
  BinanceParser parser;
  const Trade trade = Parsed(parser, kDocumentedPayload, 1672515782200000000);
  EXPECT_EQ(trade, (Trade{.exchange = "binance",
                          .pair = "BNBBTC",
                          .trade_id = 12345,
                          .price = 0.001,
                          .qty = 100,
                          .side = Side::kSell,
                          .ts_ms = 1672515782136,
                          .received_ns = 1672515782200000000}));
  const Trade older = Parsed(parser, kDocumentedPayloadWithOrderIds);
  EXPECT_EQ(older.trade_id, 12345);
  EXPECT_EQ(older.ts_ms, 123456785);  // T, the trade time, not E
}

TEST(BinanceParserTest, CombinedSpotFrame) {
  BinanceParser parser;
  const Trade trade = Parsed(parser, kSpotFrame, 1723161254087896568);
  EXPECT_EQ(trade, (Trade{.exchange = "binance",
                          .pair = "BTCUSDT",
                          .trade_id = 3735683259,
                          .price = 61837.63,
                          .qty = 0.02,
                          .side = Side::kSell,  // m: the buyer made, the seller took
                          .ts_ms = 1723161255342,
                          .received_ns = 1723161254087896568}));
}

TEST(BinanceParserTest, FuturesFrameAndExchangeName) {
  BinanceParser parser(BinanceParserOptions{.exchange = "binance-usdm"});
  const Trade trade = Parsed(parser, kFuturesFrame);
  EXPECT_EQ(trade.exchange, "binance-usdm");
  EXPECT_EQ(trade.side, Side::kBuy);  // m false: the buyer took
  EXPECT_EQ(trade.price, 61800.30);
  EXPECT_EQ(trade.qty, 0.006);
  EXPECT_EQ(trade.ts_ms, 1723161256321);
}

TEST(BinanceParserTest, FieldsInAnyOrderAndWhitespace) {
  BinanceParser parser;
  const Trade trade = Parsed(parser,
                             " { \"data\" : {\"m\":false, \"q\":\"2\",\"p\":\"3.5\",\"T\":9,"
                             "\"t\":4,\"s\":\"ETHUSDT\",\"e\":\"trade\"},\n"
                             "\"stream\":\"ethusdt@trade\" }\r\n");
  EXPECT_EQ(trade.pair, "ETHUSDT");
  EXPECT_EQ(trade.trade_id, 4);
  EXPECT_EQ(trade.price, 3.5);
  EXPECT_EQ(trade.qty, 2);
  EXPECT_EQ(trade.ts_ms, 9);
}

TEST(BinanceParserTest, ReusesTheTrade) {
  BinanceParser parser;
  Trade trade;
  ASSERT_TRUE(parser.Parse(kFuturesFrame, 1, &trade).ok());
  ASSERT_TRUE(parser.Parse(kDocumentedPayload, 2, &trade).ok());
  EXPECT_EQ(trade.pair, "BNBBTC");
  EXPECT_EQ(trade.received_ns, 2);
}

TEST(BinanceParserTest, OtherFramesAreNotErrors) {
  const std::string_view frames[] = {
      R"({"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT",)"
      R"("b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}})",
      R"({"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,)"
      R"("s":"BTCUSDT","U":50093239189,"u":50093239202,"b":[["61737.63000000","0.0"]],"a":[]}})",
      R"({"lastUpdateId":50093239218,"bids":[["61837.63000000","3.78826000"]],"asks":[]})",
      R"({"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":123456789,"s":"BNBBTC",)"
      R"("a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":123456785,"m":true,"M":true}})",
      R"({"result":null,"id":1})",
      R"({"e":"serverShutdown","E":1})",
      R"({})",
  };
  BinanceParser parser;
  for (const std::string_view frame : frames) {
    Trade trade;
    Result<Frame> kind = parser.Parse(frame, 1, &trade);
    ASSERT_TRUE(kind.ok()) << kind.status().ToString() << "\n" << frame;
    EXPECT_EQ(*kind, Frame::kOther) << frame;
  }
}

TEST(BinanceParserTest, MalformedFramesSayWhy) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "not valid JSON"},
      {"hello", "not a JSON object"},
      {"[1,2]", "not a JSON object"},
      {R"({"stream":"btcusdt@trade","data":5})", "field 'data' is not an object"},
      {R"({"stream":7,"data":{}})", "field 'stream' is not a string"},
      {R"({"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT","t":1,"q":"1","T":1,)"
       R"("m":true}})",
       "trade without field 'p'"},
      {R"({"e":"trade","s":"BTCUSDT","t":1,"p":61000.5,"q":"1","T":1,"m":true})",
       "field 'p' is not a string"},
      {R"({"e":"trade","s":"BTCUSDT","t":1,"p":"61,000.5","q":"1","T":1,"m":true})",
       "field 'p' is not a decimal number: \"61,000.5\""},
      {R"({"e":"trade","s":"BTCUSDT","t":"1","p":"1","q":"1","T":1,"m":true})",
       "field 't' is not an integer"},
      {R"({"e":"trade","s":"BTCUSDT","t":1,"p":"1","q":"1","T":1,"m":"yes"})",
       "field 'm' is not true or false"},
      {R"({"stream":"btcusdt@trade","data":{"e":"depthUpdate","E":1}})",
       "stream 'btcusdt@trade' carries event 'depthUpdate', not 'trade'"},
      {R"({"stream":"btcusdt@trade","data":{"e":"trade"}} {})", "content after the JSON object"},
      {R"({"stream":"btcusdt@trade","data":{"e":"trade"}}})", "content after the JSON object"},
  };
  BinanceParser parser;
  for (const auto& [frame, reason] : cases) {
    Trade trade;
    Result<Frame> kind = parser.Parse(frame, 1, &trade);
    ASSERT_FALSE(kind.ok()) << frame;
    EXPECT_EQ(kind.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(kind.status().message().starts_with(reason))
        << frame << "\n  got: " << kind.status().message() << "\n  want: " << reason;
  }
}

TEST(BinanceParserTest, EveryPrefixOfATradeFrameIsRejected) {
  BinanceParser parser;
  for (const std::string_view frame :
       {kSpotFrame, kFuturesFrame, kDocumentedPayload, kDocumentedPayloadWithOrderIds}) {
    for (size_t n = 0; n < frame.size(); ++n) {
      Trade trade;
      Result<Frame> kind = parser.Parse(frame.substr(0, n), 1, &trade);
      EXPECT_FALSE(kind.ok()) << "accepted the prefix " << frame.substr(0, n);
      if (!kind.ok()) {
        EXPECT_FALSE(kind.status().message().empty());
      }
    }
    Trade trade;
    EXPECT_TRUE(parser.Parse(frame, 1, &trade).ok()) << "a failure left the parser broken";
  }
}

TEST(BinanceParserTest, CorruptedBytesNeverCrash) {
  // Flip each byte of a frame to a few troublesome values: any result is fine, as
  // long as it is a result.
  BinanceParser parser;
  std::string frame(kSpotFrame);
  int accepted = 0;
  for (size_t i = 0; i < frame.size(); ++i) {
    for (const char c : {'\0', '"', '{', '}', '\\', ',', '9', '\xff'}) {
      std::string corrupt = frame;
      corrupt[i] = c;
      Trade trade;
      Result<Frame> kind = parser.Parse(corrupt, 1, &trade);
      if (kind.ok() && *kind == Frame::kTrade) ++accepted;
    }
  }
  EXPECT_GT(accepted, 0);  // e.g. a digit changed inside a number
}

}  // namespace
}  // namespace rtml::ingest
