#include "rtml/ingest/kraken_parser.h"

#include "testing.h"

namespace rtml::ingest {
namespace {

using Kind = KrakenMessage::Kind;

// Example messages from Kraken's websocket v2 documentation.
constexpr std::string_view kStatus =
    R"({"channel":"status","data":[{"api_version":"v2","connection_id":13834774380200032777,)"
    R"("system":"online","version":"2.0.0"}],"type":"update"})";
constexpr std::string_view kHeartbeat = R"({"channel":"heartbeat"})";
constexpr std::string_view kSubscribeAck =
    R"({"method":"subscribe","result":{"channel":"trade","snapshot":true,"symbol":"MATIC/USD"},)"
    R"("success":true,"time_in":"2023-09-25T09:04:31.742599Z",)"
    R"("time_out":"2023-09-25T09:04:31.742648Z"})";
constexpr std::string_view kPong =
    R"({"method":"pong","req_id":101,"time_in":"2023-09-24T14:10:23.799685Z",)"
    R"("time_out":"2023-09-24T14:10:23.799703Z"})";
constexpr std::string_view kSnapshot = R"({
    "channel": "trade",
    "type": "snapshot",
    "data": [
        {
            "symbol": "MATIC/USD",
            "side": "buy",
            "price": 0.5147,
            "qty": 6423.46326,
            "ord_type": "limit",
            "trade_id": 4665846,
            "timestamp": "2023-09-25T07:48:36.925533Z"
        },
        {
            "symbol": "MATIC/USD",
            "side": "buy",
            "price": 0.5147,
            "qty": 1136.19677815,
            "ord_type": "limit",
            "trade_id": 4665847,
            "timestamp": "2023-09-25T07:49:36.925603Z"
        }
    ]
})";
// An update in the same schema, for BTC/USD.
constexpr std::string_view kUpdate =
    R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"sell",)"
    R"("price":26500,"qty":0.0025,"ord_type":"market","trade_id":71036813,)"
    R"("timestamp":"2023-09-25T07:49:37.708706Z"}]})";

KrakenMessage Parse(std::string_view frame, int64_t received_ns = 5) {
  KrakenParser parser;
  KrakenMessage message;
  const Status status = parser.Parse(frame, received_ns, &message);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << frame;
  return message;
}

TEST(KrakenParserTest, DocumentedStatus) {
  const KrakenMessage message = Parse(kStatus);
  EXPECT_EQ(message.kind, Kind::kStatus);
  EXPECT_EQ(message.system, "online");
}

TEST(KrakenParserTest, DocumentedHeartbeatAndPong) {
  EXPECT_EQ(Parse(kHeartbeat).kind, Kind::kHeartbeat);
  const KrakenMessage pong = Parse(kPong);
  EXPECT_EQ(pong.kind, Kind::kPong);
  EXPECT_EQ(pong.method, "pong");
}

TEST(KrakenParserTest, DocumentedSubscribeAcknowledgement) {
  const KrakenMessage message = Parse(kSubscribeAck);
  EXPECT_EQ(message.kind, Kind::kSubscribed);
  EXPECT_EQ(message.channel, "trade");
  EXPECT_EQ(message.symbol, "MATIC/USD");
  EXPECT_EQ(message.error, "");
}

TEST(KrakenParserTest, RefusedSubscription) {
  const KrakenMessage top_level = Parse(
      R"({"error":"Currency pair not supported BTC/XYZ","method":"subscribe","success":false,)"
      R"("symbol":"BTC/XYZ","time_in":"2023-09-25T09:04:31.742599Z",)"
      R"("time_out":"2023-09-25T09:04:31.742648Z"})");
  EXPECT_EQ(top_level.kind, Kind::kSubscribeFailed);
  EXPECT_EQ(top_level.symbol, "BTC/XYZ");
  EXPECT_EQ(top_level.error, "Currency pair not supported BTC/XYZ");

  const KrakenMessage in_result =
      Parse(R"({"method":"subscribe","result":{"channel":"trade","symbol":"FOO/BAR"},)"
            R"("success":false,"error":"Currency pair not in ISO 4217-A3 format FOO/BAR"})");
  EXPECT_EQ(in_result.kind, Kind::kSubscribeFailed);
  EXPECT_EQ(in_result.symbol, "FOO/BAR");

  const KrakenMessage no_reason = Parse(R"({"method":"subscribe","success":false})");
  EXPECT_EQ(no_reason.kind, Kind::kSubscribeFailed);
  EXPECT_FALSE(no_reason.error.empty());
}

TEST(KrakenParserTest, OtherFailedRequest) {
  const KrakenMessage message =
      Parse(R"({"method":"ping","error":"Exceeded msg rate","success":false,"req_id":3})");
  EXPECT_EQ(message.kind, Kind::kError);
  EXPECT_EQ(message.method, "ping");
  EXPECT_EQ(message.error, "Exceeded msg rate");
}

TEST(KrakenParserTest, DocumentedTradeSnapshot) {
  const KrakenMessage message = Parse(kSnapshot, 1695628200000000000);
  ASSERT_EQ(message.kind, Kind::kTrades);
  EXPECT_TRUE(message.snapshot);
  ASSERT_EQ(message.trades.size(), 2u);
  EXPECT_EQ(message.trades[0], (Trade{.exchange = "kraken",
                                      .pair = "MATIC/USD",
                                      .trade_id = 4665846,
                                      .price = 0.5147,
                                      .qty = 6423.46326,
                                      .side = Side::kBuy,
                                      .ts_ms = 1695628116925,
                                      .received_ns = 1695628200000000000}));
  EXPECT_EQ(message.trades[1].trade_id, 4665847);
  EXPECT_EQ(message.trades[1].qty, 1136.19677815);
  EXPECT_EQ(message.trades[1].ts_ms, 1695628176925);
}

TEST(KrakenParserTest, TradeUpdate) {
  const KrakenMessage message = Parse(kUpdate);
  ASSERT_EQ(message.kind, Kind::kTrades);
  EXPECT_FALSE(message.snapshot);
  ASSERT_EQ(message.trades.size(), 1u);
  const Trade& trade = message.trades[0];
  EXPECT_EQ(trade.pair, "BTC/USD");
  EXPECT_EQ(trade.side, Side::kSell);
  EXPECT_EQ(trade.price, 26500);
  EXPECT_EQ(trade.qty, 0.0025);
  EXPECT_EQ(trade.trade_id, 71036813);
  EXPECT_EQ(trade.ts_ms, 1695628177708);
}

TEST(KrakenParserTest, ReusesTheMessage) {
  KrakenParser parser(KrakenParserOptions{.exchange = "kraken-test"});
  KrakenMessage message;
  ASSERT_OK(parser.Parse(kSnapshot, 1, &message));
  ASSERT_OK(parser.Parse(kUpdate, 2, &message));
  ASSERT_EQ(message.trades.size(), 1u);
  EXPECT_EQ(message.trades[0].exchange, "kraken-test");
  ASSERT_OK(parser.Parse(kHeartbeat, 3, &message));
  EXPECT_EQ(message.kind, Kind::kHeartbeat);
  EXPECT_TRUE(message.trades.empty());
}

TEST(KrakenParserTest, OtherChannelsAndMethodsAreIgnored) {
  for (
      const std::string_view frame :
      {R"({"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[],"asks":[]}]})",
       R"({"channel":"ticker","type":"snapshot","data":[]})",
       R"({"method":"unsubscribe","result":{"channel":"trade","symbol":"BTC/USD"},"success":true})"}) {
    EXPECT_EQ(Parse(frame).kind, Kind::kOther) << frame;
  }
  const KrakenMessage empty = Parse(R"({"channel":"trade","type":"update","data":[]})");
  EXPECT_EQ(empty.kind, Kind::kTrades);
  EXPECT_TRUE(empty.trades.empty());
}

TEST(KrakenParserTest, MalformedMessagesSayWhy) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "not valid JSON"},
      {"[0,[],\"trade\",\"XBT/USD\"]", "not a JSON object"},  // a v1 message
      {R"({"event":"heartbeat"})", "not a Kraken v2 message (no 'channel' or 'method')"},
      {R"({"channel":5})", "field 'channel' is not a string"},
      {R"({"channel":"trade","data":[]})", "trade message without type"},
      {R"({"channel":"trade","type":"update","data":{}})", "trade message without a 'data' array"},
      {R"({"channel":"trade","type":"update","data":[1]})", "trade 0: not an object"},
      {R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy",)"
       R"("price":"1.5","qty":1,"trade_id":1,"timestamp":"2023-09-25T07:49:37Z"}]})",
       "trade 0: field 'price' is not a number"},
      {R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy",)"
       R"("price":1.5,"qty":1,"trade_id":1,"timestamp":"2023-09-25T07:49:37Z"},)"
       R"({"symbol":"BTC/USD","side":"hold","price":1.5,"qty":1,"trade_id":2,)"
       R"("timestamp":"2023-09-25T07:49:37Z"}]})",
       "trade 1: field 'side' is not \"buy\" or \"sell\""},
      {R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy",)"
       R"("price":1.5,"qty":1,"trade_id":1,"timestamp":"yesterday"}]})",
       "trade 0: field 'timestamp' is not an RFC 3339 time"},
      {R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy",)"
       R"("price":1.5,"qty":1,"timestamp":"2023-09-25T07:49:37Z"}]})",
       "trade 0: no field 'trade_id'"},
      {R"({"method":"subscribe","success":"yes"})", "field 'success' is not true or false"},
  };
  KrakenParser parser;
  for (const auto& [frame, reason] : cases) {
    KrakenMessage message;
    const Status status = parser.Parse(frame, 1, &message);
    ASSERT_FALSE(status.ok()) << frame;
    EXPECT_TRUE(status.message().starts_with(reason))
        << frame << "\n  got: " << status.message() << "\n  want: " << reason;
    EXPECT_TRUE(message.trades.empty()) << "a malformed batch returned trades";
  }
}

TEST(KrakenParserTest, EveryPrefixIsRejected) {
  KrakenParser parser;
  for (const std::string_view frame : {kSnapshot, kUpdate, kStatus, kSubscribeAck, kHeartbeat}) {
    for (size_t n = 0; n < frame.size(); ++n) {
      // Whitespace-only tails of a complete message are still complete.
      const std::string_view prefix = frame.substr(0, n);
      KrakenMessage message;
      EXPECT_FALSE(parser.Parse(prefix, 1, &message).ok()) << "accepted the prefix " << prefix;
    }
  }
}

}  // namespace
}  // namespace rtml::ingest

namespace rtml::ingest {
namespace {

TEST(KrakenParserTest, CorruptedBytesNeverCrash) {
  // Any result is fine, as long as it is a result (and ASan finds nothing).
  KrakenParser parser;
  KrakenMessage message;
  int accepted = 0;
  for (const std::string_view frame : {kSnapshot, kUpdate, kStatus, kSubscribeAck}) {
    for (size_t i = 0; i < frame.size(); ++i) {
      for (const char c : {'\0', '"', '{', ']', '\\', ',', '9', '\xff'}) {
        std::string corrupt(frame);
        corrupt[i] = c;
        accepted += parser.Parse(corrupt, 1, &message).ok();
      }
    }
  }
  EXPECT_GT(accepted, 0);  // e.g. a digit changed inside a number
}

}  // namespace
}  // namespace rtml::ingest
