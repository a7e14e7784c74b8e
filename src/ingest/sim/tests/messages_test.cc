#include <gtest/gtest.h>

#include "client_requests.h"
#include "kraken_rest.h"
#include "rtml/ingest/net/http_message.h"
#include "rtml/ingest/sim/fault_spec.h"
#include "rtml/ingest/sim/market_pair.h"
#include "testing.h"
#include "trade_messages.h"

namespace rtml::ingest::sim {
namespace {

SimTrade ExampleTrade() {
  SimTrade trade;
  trade.trade_id = 3735683259;
  trade.price_e8 = 6183763000000;  // 61837.63
  trade.qty_e8 = 2000000;          // 0.02
  trade.side = Side::kSell;
  trade.market_order = false;
  trade.ts_ns = 1723161255342123000;
  return trade;
}

TEST(MarketPairTest, NamesInEveryDialect) {
  ASSERT_OK_AND_ASSIGN(MarketPair btc, MakeMarketPair("btc/usd"));
  EXPECT_EQ(btc.symbol, "BTC/USD");
  EXPECT_EQ(btc.binance_symbol, "BTCUSDT");
  EXPECT_EQ(btc.rest_altname, "XBTUSD");
  EXPECT_EQ(btc.rest_name, "XXBTZUSD");
  EXPECT_EQ(btc.price_decimals, 1);
  for (const char* name : {"BTC/USD", "XBTUSD", "xxbtzusd", "BTCUSD", "BTCUSDT"}) {
    EXPECT_TRUE(btc.Matches(name)) << name;
  }
  EXPECT_FALSE(btc.Matches("ETHUSD"));
  ASSERT_OK_AND_ASSIGN(MarketPair eth, MakeMarketPair("ETH/USD"));
  EXPECT_EQ(eth.rest_name, "XETHZUSD");
  ASSERT_OK_AND_ASSIGN(MarketPair sol, MakeMarketPair("SOL/USD"));
  EXPECT_EQ(sol.rest_name, "SOLUSD");
  EXPECT_EQ(sol.binance_symbol, "SOLUSDT");
  ASSERT_OK_AND_ASSIGN(MarketPair doge, MakeMarketPair("DOGE/USD"));
  EXPECT_EQ(doge.rest_altname, "XDGUSD");
  ASSERT_OK_AND_ASSIGN(MarketPair eur, MakeMarketPair("BTC/EUR"));
  EXPECT_EQ(eur.binance_symbol, "BTCEUR");
  EXPECT_EQ(eur.rest_name, "XXBTZEUR");
  for (const char* bad : {"BTCUSD", "/USD", "B/USD", "BTC/US-D", "BTC/USD/X"}) {
    EXPECT_EQ(MakeMarketPair(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(TradeMessagesTest, Numbers) {
  EXPECT_EQ(FixedE8(6000010000000, 5), "60000.10000");
  EXPECT_EQ(FixedE8(2000000, 8), "0.02000000");
  EXPECT_EQ(FixedE8(100000000, 0), "1");
  EXPECT_EQ(TrimmedE8(6000010000000), "60000.1");
  EXPECT_EQ(TrimmedE8(100000000), "1");
  EXPECT_EQ(TrimmedE8(1234), "0.00001234");
  EXPECT_EQ(Rfc3339Micros(1695628177708706000), "2023-09-25T07:49:37.708706Z");
}

TEST(TradeMessagesTest, BinanceFrameHasTheCapturesShape) {
  ASSERT_OK_AND_ASSIGN(MarketPair btc, MakeMarketPair("BTC/USD"));
  SimTrade trade = ExampleTrade();
  trade.trade_id = 3735683259;
  // As in spot_btcusdt_20240808.gz (there E is 1 ms after T; here T + id % 3).
  EXPECT_EQ(BinanceTradeFrame(btc, trade),
            "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1723161255342,"
            "\"s\":\"BTCUSDT\",\"t\":3735683259,\"p\":\"61837.63000000\",\"q\":\"0.02000000\","
            "\"T\":1723161255342,\"m\":true,\"M\":true}}");
  trade.side = Side::kBuy;
  EXPECT_NE(BinanceTradeFrame(btc, trade).find("\"m\":false"), std::string::npos);
}

TEST(TradeMessagesTest, KrakenMessages) {
  ASSERT_OK_AND_ASSIGN(MarketPair btc, MakeMarketPair("BTC/USD"));
  const SimTrade trade = ExampleTrade();
  EXPECT_EQ(KrakenTradeMessage("update", btc, std::span(&trade, 1)),
            "{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"BTC/USD\","
            "\"side\":\"sell\",\"price\":61837.63,\"qty\":0.02,\"ord_type\":\"limit\","
            "\"trade_id\":3735683259,\"timestamp\":\"2024-08-08T23:54:15.342123Z\"}]}");
  EXPECT_EQ(
      KrakenAck("subscribe", "BTC/USD", true, 7, "", 1695628177708706000, 1695628177708806000),
      "{\"method\":\"subscribe\",\"result\":{\"channel\":\"trade\",\"snapshot\":true,"
      "\"symbol\":\"BTC/USD\"},\"success\":true,\"time_in\":\"2023-09-25T07:49:37.708706Z\","
      "\"time_out\":\"2023-09-25T07:49:37.708806Z\",\"req_id\":7}");
  EXPECT_NE(
      KrakenAck("subscribe", "X/Y", false, std::nullopt, "Currency pair not supported X/Y", 0, 0)
          .find("\"success\":false"),
      std::string::npos);
  EXPECT_EQ(KrakenPong(3, 0, 0).substr(0, 30), "{\"method\":\"pong\",\"req_id\":3,\"t");
}

TEST(TradeMessagesTest, KrakenRestRowsAndPages) {
  ASSERT_OK_AND_ASSIGN(MarketPair btc, MakeMarketPair("BTC/USD"));
  std::string row;
  AppendKrakenRestRow(btc, ExampleTrade(), row);
  EXPECT_EQ(row, "[\"61837.63000\",\"0.02000000\",1723161255.342123,\"s\",\"l\",\"\",3735683259]");

  TradeHistory history(1);
  for (int i = 0; i < 2500; ++i) {
    SimTrade trade = ExampleTrade();
    trade.trade_id = 1 + i;
    trade.ts_ns = 1'000'000'000'000'000'000 + i * 1000;
    history.Append(trade);
  }
  net::HttpRequest request;
  request.query = "pair=XBTUSD&since=1000000000000001999";  // after the 2nd trade
  net::HttpResponse page = KrakenTradesResponse(request, {btc}, history);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.substr(0, 35), "{\"error\":[],\"result\":{\"XXBTZUSD\":[[");
  EXPECT_NE(page.body.find(",3]"), std::string::npos);  // the first row is trade 3
  EXPECT_NE(page.body.find(",1002]],\"last\":\"1000000000001001000\"}}"), std::string::npos)
      << page.body.substr(page.body.size() - 80);

  request.query = "pair=DOGEUSD";
  EXPECT_EQ(KrakenTradesResponse(request, {btc}, history).body,
            "{\"error\":[\"EQuery:Unknown asset pair\"]}");
  request.query = "since=5";
  EXPECT_EQ(KrakenTradesResponse(request, {btc}, history).body,
            "{\"error\":[\"EGeneral:Invalid arguments\"]}");
  request.query = "pair=XBTUSD&since=2000000000000000000";
  EXPECT_EQ(KrakenTradesResponse(request, {btc}, history).body,
            "{\"error\":[],\"result\":{\"XXBTZUSD\":[],\"last\":\"2000000000000000000\"}}");
}

TEST(FaultSpecTest, ParsesAndPrints) {
  ASSERT_OK_AND_ASSIGN(FaultSpec spec,
                       ParseFaultSpec("drop=5s,stall-heartbeat=10s,malformed=0.01,truncated=0.01,"
                                      "duplicate=0.02,reorder=0.01,rate-limit=0.3,"
                                      "server-error=0.1"));
  EXPECT_EQ(spec.drop_after, std::chrono::seconds(5));
  EXPECT_EQ(spec.stall_for, std::chrono::seconds(10));
  EXPECT_EQ(spec.stall_every, std::chrono::seconds(30));
  EXPECT_DOUBLE_EQ(spec.duplicate, 0.02);
  EXPECT_DOUBLE_EQ(spec.rate_limit, 0.3);
  EXPECT_TRUE(spec.any());
  EXPECT_EQ(spec.ToString(),
            "drop=5s,stall-heartbeat=10s,stall-every=30s,malformed=0.01,truncated=0.01,"
            "duplicate=0.02,reorder=0.01,rate-limit=0.3,server-error=0.1");
  ASSERT_OK_AND_ASSIGN(FaultSpec none, ParseFaultSpec("none"));
  EXPECT_FALSE(none.any());
  EXPECT_EQ(none.ToString(), "none");
  ASSERT_OK_AND_ASSIGN(FaultSpec ms, ParseFaultSpec("drop=1500ms"));
  EXPECT_EQ(ms.drop_after, std::chrono::milliseconds(1500));

  for (const char* bad : {"drop", "drop=5", "drop=-1s", "malformed=2", "malformed=x", "explode=1",
                          "stall-every=5s", "stall-heartbeat=5s,stall-every=5s"}) {
    Result<FaultSpec> parsed = ParseFaultSpec(bad);
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(ParseFaultSpec("explode=1").status().message().find("explode=1"), std::string::npos);
}

TEST(ClientRequestsTest, KrakenBinanceAndTargets) {
  ASSERT_OK_AND_ASSIGN(
      KrakenRequest subscribe,
      ParseKrakenRequest("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\","
                         "\"symbol\":[\"BTC/USD\",\"ETH/USD\"],\"snapshot\":true},\"req_id\":9}"));
  EXPECT_EQ(subscribe.method, "subscribe");
  EXPECT_EQ(subscribe.channel, "trade");
  EXPECT_EQ(subscribe.symbols, (std::vector<std::string>{"BTC/USD", "ETH/USD"}));
  EXPECT_TRUE(subscribe.snapshot);
  EXPECT_EQ(subscribe.req_id, 9);
  EXPECT_FALSE(ParseKrakenRequest("{\"method\":").ok());
  EXPECT_FALSE(ParseKrakenRequest("[1]").ok());

  ASSERT_OK_AND_ASSIGN(BinanceRequest binance,
                       ParseBinanceRequest("{\"method\":\"SUBSCRIBE\",\"params\":[\"a@trade\"],"
                                           "\"id\":1}"));
  EXPECT_EQ(binance.method, "SUBSCRIBE");
  EXPECT_EQ(binance.params, std::vector<std::string>{"a@trade"});
  EXPECT_EQ(binance.id, 1);

  EXPECT_EQ(StreamsOfTarget("/stream?streams=btcusdt@trade/ETHUSDT@trade&x=1"),
            (std::vector<std::string>{"btcusdt@trade", "ethusdt@trade"}));
  EXPECT_TRUE(StreamsOfTarget("/stream").empty());
}

TEST(ClientRequestsTest, MalformedCopiesAreBroken) {
  ASSERT_OK_AND_ASSIGN(MarketPair btc, MakeMarketPair("BTC/USD"));
  const SimTrade trade = ExampleTrade();
  const std::string kraken = KrakenTradeMessage("update", btc, std::span(&trade, 1));
  const std::string binance = BinanceTradeFrame(btc, trade);
  for (uint64_t variant = 0; variant < 4; ++variant) {
    EXPECT_NE(MalformedCopy(kraken, Dialect::kKraken, variant), kraken) << variant;
    EXPECT_NE(MalformedCopy(binance, Dialect::kBinance, variant), binance) << variant;
  }
}

}  // namespace
}  // namespace rtml::ingest::sim
