// The simulator over real loopback connections, with rtml_ingest_net's clients as
// the peers.
#include <algorithm>
#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "rtml/core/json_writer.h"
#include "rtml/ingest/net/http_client.h"
#include "rtml/ingest/net/websocket_client.h"
#include "rtml/ingest/sim/exchange_simulator.h"
#include "testing.h"

namespace rtml::ingest::sim {
namespace {
using net::WebSocketClient;
using std::chrono::milliseconds;

ExchangeSimulatorOptions FastOptions() {
  ExchangeSimulatorOptions options;
  options.market.trades_per_second = 200;
  options.history = std::chrono::seconds(30);
  options.heartbeat_interval = milliseconds(100);
  options.binance_ping_interval = milliseconds(200);
  return options;
}

std::unique_ptr<ExchangeSimulator> StartSim(ExchangeSimulatorOptions options) {
  auto sim = ExchangeSimulator::Start(std::move(options));
  EXPECT_TRUE(sim.ok()) << sim.status().ToString();
  return sim.ok() ? std::move(sim).value() : nullptr;
}

std::unique_ptr<WebSocketClient> Connect(const std::string& url) {
  auto client = WebSocketClient::Connect(url);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(client).value() : nullptr;
}

// Every message until `duration` passes (or the connection fails).
std::vector<std::string> ReadFor(WebSocketClient& client, milliseconds duration,
                                 Status* error = nullptr) {
  std::vector<std::string> messages;
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    Result<net::WebSocketFrame> frame = client.Read(milliseconds(20));
    if (frame.ok()) {
      messages.emplace_back(frame->text);
    } else if (frame.status().code() != StatusCode::kTimeout) {
      if (error != nullptr) *error = frame.status();
      break;
    }
  }
  return messages;
}

std::vector<int64_t> Numbers(const std::string& text, const std::string& key) {
  std::vector<int64_t> out;
  const std::regex pattern("\"" + key + "\":([0-9]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    out.push_back(std::stoll((*it)[1]));
  }
  return out;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ExchangeSimulatorTest, KrakenSubscribeAcksSnapshotUpdatesHeartbeatsPing) {
  ExchangeSimulatorOptions options = FastOptions();
  options.market.trades_per_second = 30;
  auto sim = StartSim(options);
  ASSERT_NE(sim, nullptr);
  EXPECT_EQ(sim->KrakenWebSocketUrl(), "ws://127.0.0.1:" + std::to_string(sim->port()) + "/v2");
  auto client = Connect(sim->KrakenWebSocketUrl());
  ASSERT_NE(client, nullptr);

  ASSERT_OK_AND_ASSIGN(net::WebSocketFrame status, client->Read(milliseconds(5000)));
  EXPECT_TRUE(Contains(std::string(status.text), "\"channel\":\"status\"")) << status.text;
  EXPECT_TRUE(Contains(std::string(status.text), "\"system\":\"online\""));

  ASSERT_OK(client->Send(
      R"({"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD","ETH/USD","NOPE/USD"],"snapshot":true},"req_id":42})"));
  ASSERT_OK(client->Send(R"({"method":"ping","req_id":43})"));
  // Quiet enough for heartbeats: SOL is not subscribed, BTC/ETH trade ~25/s.
  const std::vector<std::string> messages = ReadFor(*client, milliseconds(1500));

  int acks = 0;
  int errors = 0;
  int snapshots = 0;
  int updates = 0;
  int heartbeats = 0;
  int pongs = 0;
  std::vector<int64_t> btc_ids;
  for (const std::string& m : messages) {
    EXPECT_TRUE(json::IsValidJson(m)) << m;
    if (Contains(m, "\"method\":\"subscribe\"") && Contains(m, "\"success\":true")) {
      ++acks;
      EXPECT_TRUE(Contains(m, "\"req_id\":42")) << m;
    } else if (Contains(m, "\"success\":false")) {
      ++errors;
      EXPECT_TRUE(Contains(m, "Currency pair not supported NOPE/USD")) << m;
    } else if (Contains(m, "\"type\":\"snapshot\"")) {
      ++snapshots;
      EXPECT_EQ(Numbers(m, "trade_id").size(), 50u);
    } else if (Contains(m, "\"type\":\"update\"")) {
      ++updates;
      EXPECT_FALSE(Contains(m, "SOL/USD"));
    } else if (m == "{\"channel\":\"heartbeat\"}") {
      ++heartbeats;
    } else if (Contains(m, "\"method\":\"pong\"")) {
      ++pongs;
      EXPECT_TRUE(Contains(m, "\"req_id\":43"));
    }
    if (Contains(m, "\"channel\":\"trade\"") && Contains(m, "BTC/USD")) {
      for (int64_t id : Numbers(m, "trade_id")) btc_ids.push_back(id);
    }
  }
  EXPECT_EQ(acks, 2);
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(snapshots, 2);
  EXPECT_GT(updates, 3);
  EXPECT_EQ(pongs, 1);
  EXPECT_GE(heartbeats, 1);

  // Snapshot + updates: BTC/USD ids contiguous, each once, equal to the ground truth.
  ASSERT_GT(btc_ids.size(), 50u);
  for (size_t i = 1; i < btc_ids.size(); ++i) ASSERT_EQ(btc_ids[i], btc_ids[i - 1] + 1);
  const std::vector<SimTrade> truth = sim->GroundTruth("BTC/USD");
  std::vector<int64_t> truth_ids;
  for (const SimTrade& trade : truth) {
    if (trade.trade_id >= btc_ids.front() && trade.trade_id <= btc_ids.back()) {
      truth_ids.push_back(trade.trade_id);
    }
  }
  EXPECT_EQ(btc_ids, truth_ids);

  const SimulatorStats stats = sim->stats();
  EXPECT_EQ(stats.connections_open, 1);
  EXPECT_EQ(stats.faults(), 0);
}

TEST(ExchangeSimulatorTest, BinanceCombinedStreamMatchesTheGroundTruth) {
  auto sim = StartSim(FastOptions());
  ASSERT_NE(sim, nullptr);
  auto client = Connect(sim->BinanceStreamUrl() + "?streams=btcusdt@trade/ethusdt@trade");
  ASSERT_NE(client, nullptr);
  const std::vector<std::string> frames = ReadFor(*client, milliseconds(1000));
  ASSERT_GT(frames.size(), 20u);
  const std::regex shape(
      R"re(\{"stream":"(btcusdt|ethusdt)@trade","data":\{"e":"trade","E":[0-9]{13},)re"
      R"re("s":"(BTCUSDT|ETHUSDT)","t":[0-9]+,"p":"[0-9]+\.[0-9]{8}","q":"[0-9]+\.[0-9]{8}",)re"
      R"re("T":[0-9]{13},"m":(true|false),"M":true\}\})re");
  std::map<std::string, std::vector<int64_t>> ids;
  for (const std::string& f : frames) {
    ASSERT_TRUE(std::regex_match(f, shape)) << f;
    ids[Contains(f, "BTCUSDT") ? "BTC/USD" : "ETH/USD"].push_back(Numbers(f, "t").at(0));
  }
  EXPECT_GT(client->pings_received(), 1);
  for (const auto& [pair, received] : ids) {
    for (size_t i = 1; i < received.size(); ++i) ASSERT_EQ(received[i], received[i - 1] + 1);
    const std::vector<SimTrade> truth = sim->GroundTruth(pair);
    ASSERT_FALSE(truth.empty());
    EXPECT_LE(received.back(), truth.back().trade_id);
  }
  // A Binance SUBSCRIBE adds a stream on the open connection.
  ASSERT_OK(client->Send(R"({"method":"SUBSCRIBE","params":["solusdt@trade"],"id":5})"));
  bool answered = false;
  bool sol = false;
  for (const std::string& f : ReadFor(*client, milliseconds(1000))) {
    answered |= f == "{\"result\":null,\"id\":5}";
    sol |= Contains(f, "SOLUSDT");
  }
  EXPECT_TRUE(answered);
  EXPECT_TRUE(sol);
}

TEST(ExchangeSimulatorTest, RestPagingCoversTheHistoryExactlyOnce) {
  ExchangeSimulatorOptions options = FastOptions();
  options.history = std::chrono::seconds(60);  // ~12,000 trades, ~6,000 of BTC/USD
  auto sim = StartSim(options);
  ASSERT_NE(sim, nullptr);
  const std::vector<SimTrade> truth = sim->GroundTruth("XBTUSD");
  ASSERT_GT(truth.size(), 3000u);
  // Page from a time in the middle of the history up to the first truth snapshot.
  const int64_t start_ns = truth[100].ts_ns;
  const int64_t end_ns = truth.back().ts_ns;
  std::vector<int64_t> ids;
  std::string since = std::to_string(start_ns);
  int pages = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(
        net::HttpResponse page,
        net::HttpGet(sim->KrakenRestUrl() + "?pair=XBTUSD&since=" + since, milliseconds(5000)));
    ASSERT_EQ(page.status, 200);
    ASSERT_TRUE(Contains(page.body, "{\"error\":[],\"result\":{\"XXBTZUSD\":[")) << page.body;
    ++pages;
    const std::regex row(R"(\["[0-9.]+","[0-9.]+",[0-9]+\.[0-9]{6},"[bs]","[ml]","",([0-9]+)\])");
    int rows = 0;
    bool past_end = false;
    for (auto it = std::sregex_iterator(page.body.begin(), page.body.end(), row);
         it != std::sregex_iterator(); ++it) {
      const int64_t id = std::stoll((*it)[1]);
      if (id > truth.back().trade_id) past_end = true;
      if (!past_end) ids.push_back(id);
      ++rows;
    }
    EXPECT_LE(rows, 1000);
    const std::smatch last = [&] {
      std::smatch m;
      std::regex_search(page.body, m, std::regex(R"re("last":"([0-9]+)")re"));
      return m;
    }();
    ASSERT_FALSE(last.empty());
    if (rows == 0 || past_end || std::stoll(last[1]) >= end_ns) break;
    since = last[1];
  }
  EXPECT_GE(pages, 3);
  std::vector<int64_t> expected;
  for (size_t i = 101; i < truth.size(); ++i) expected.push_back(truth[i].trade_id);
  EXPECT_EQ(ids, expected);

  ASSERT_OK_AND_ASSIGN(net::HttpResponse unknown,
                       net::HttpGet(sim->KrakenRestUrl() + "?pair=FOOBAR", milliseconds(5000)));
  EXPECT_EQ(unknown.body, "{\"error\":[\"EQuery:Unknown asset pair\"]}");
  EXPECT_EQ(sim->stats().faults(), 0);
}

TEST(ExchangeSimulatorTest, RestFaults) {
  ExchangeSimulatorOptions options = FastOptions();
  ASSERT_OK_AND_ASSIGN(options.faults, ParseFaultSpec("rate-limit=0.3,server-error=0.3"));
  auto sim = StartSim(options);
  ASSERT_NE(sim, nullptr);
  int limited = 0;
  int unavailable = 0;
  int fine = 0;
  for (int i = 0; i < 60; ++i) {
    ASSERT_OK_AND_ASSIGN(
        net::HttpResponse response,
        net::HttpGet(sim->KrakenRestUrl() + "?pair=XBTUSD&since=0&count=5", milliseconds(5000)));
    if (response.body == "{\"error\":[\"EGeneral:Too many requests\"]}") {
      EXPECT_EQ(response.status, 200);
      ++limited;
    } else if (response.status == 503) {
      EXPECT_EQ(response.Header("Retry-After").value_or(""), "1");
      ++unavailable;
    } else {
      EXPECT_TRUE(Contains(response.body, "\"XXBTZUSD\":[[")) << response.body;
      ++fine;
    }
  }
  EXPECT_GT(limited, 0);
  EXPECT_GT(unavailable, 0);
  EXPECT_GT(fine, 0);
  const SimulatorStats stats = sim->stats();
  EXPECT_EQ(stats.rate_limited, limited);
  EXPECT_EQ(stats.server_errors, unavailable);
  EXPECT_EQ(stats.rest_requests, 60);
}

TEST(ExchangeSimulatorTest, MessageFaultsHappenAndAreCounted) {
  ExchangeSimulatorOptions options = FastOptions();
  ASSERT_OK_AND_ASSIGN(options.faults,
                       ParseFaultSpec("malformed=0.05,truncated=0.05,duplicate=0.05,reorder=0.05"));
  auto sim = StartSim(options);
  ASSERT_NE(sim, nullptr);
  auto binance = Connect(sim->BinanceStreamUrl() + "?streams=btcusdt@trade");
  auto kraken = Connect(sim->KrakenWebSocketUrl());
  ASSERT_NE(binance, nullptr);
  ASSERT_NE(kraken, nullptr);
  ASSERT_OK(
      kraken->Send(R"({"method":"subscribe","params":{"channel":"trade","symbol":["ETH/USD"]}})"));

  std::vector<std::string> frames = ReadFor(*binance, milliseconds(1500));
  const std::vector<std::string> kraken_messages = ReadFor(*kraken, milliseconds(200));
  int invalid = 0;
  int duplicates = 0;
  int reorders = 0;
  std::set<int64_t> seen;
  std::vector<int64_t> arrived;  // valid ids in arrival order
  int64_t highest = 0;
  for (const std::string& f : frames) {
    const std::vector<int64_t> t = Numbers(f, "t");
    const bool valid = json::IsValidJson(f) && Contains(f, "\"p\":\"") &&
                       !Contains(f, "\"p\":\"-") &&
                       Contains(f, "\"m\":true") + Contains(f, "\"m\":false") == 1 && t.size() == 1;
    if (!valid) {
      ++invalid;
      continue;
    }
    if (!seen.insert(t[0]).second) ++duplicates;
    arrived.push_back(t[0]);
    if (t[0] < highest) ++reorders;
    highest = std::max(highest, t[0]);
  }
  EXPECT_GT(invalid, 0);
  EXPECT_GT(duplicates, 0);
  EXPECT_GT(reorders, 0);
  // Nothing lost: every id up to the highest before the last frame arrived. (The
  // last may have overtaken a held-back trade that the read window then cut off.)
  ASSERT_GE(arrived.size(), 2u);
  const int64_t upto = *std::max_element(arrived.begin(), arrived.end() - 1);
  for (int64_t id = *seen.begin(); id <= upto; ++id) EXPECT_TRUE(seen.contains(id)) << id;
  int kraken_invalid = 0;
  for (const std::string& m : kraken_messages) kraken_invalid += !json::IsValidJson(m);
  const SimulatorStats stats = sim->stats();
  EXPECT_GT(stats.malformed, 0);
  EXPECT_GT(stats.truncated, 0);
  EXPECT_GT(stats.duplicates, 0);
  EXPECT_GT(stats.reorders, 0);
  EXPECT_EQ(stats.drops + stats.stalls + stats.rate_limited + stats.server_errors, 0);
}

TEST(ExchangeSimulatorTest, DropEndsTheConnectionAbruptly) {
  ExchangeSimulatorOptions options = FastOptions();
  ASSERT_OK_AND_ASSIGN(options.faults, ParseFaultSpec("drop=300ms"));
  auto sim = StartSim(options);
  ASSERT_NE(sim, nullptr);
  auto client = Connect(sim->BinanceStreamUrl() + "?streams=btcusdt@trade");
  ASSERT_NE(client, nullptr);
  Status error;
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> frames = ReadFor(*client, milliseconds(3000), &error);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
  EXPECT_FALSE(frames.empty());
  EXPECT_EQ(error.code(), StatusCode::kIOError) << error.ToString();
  EXPECT_TRUE(Contains(error.message(), "connection lost")) << error.ToString();
  EXPECT_EQ(sim->stats().drops, 1);
  // A new connection works (and is dropped in its turn).
  auto again = Connect(sim->BinanceStreamUrl() + "?streams=btcusdt@trade");
  ASSERT_NE(again, nullptr);
  EXPECT_FALSE(ReadFor(*again, milliseconds(100)).empty());
}

TEST(ExchangeSimulatorTest, StalledHeartbeatsGoSilentThenResume) {
  ExchangeSimulatorOptions options = FastOptions();
  options.market.pairs = {"BTC/USD", "SOL/USD"};
  options.market.trades_per_second = 5;
  ASSERT_OK_AND_ASSIGN(options.faults, ParseFaultSpec("stall-heartbeat=600ms,stall-every=700ms"));
  auto sim = StartSim(options);
  ASSERT_NE(sim, nullptr);
  auto client = Connect(sim->KrakenWebSocketUrl());
  ASSERT_NE(client, nullptr);
  ASSERT_OK(
      client->Send(R"({"method":"subscribe","params":{"channel":"trade","symbol":["SOL/USD"]}})"));
  // Messages (heartbeats every 100 ms) with their arrival times, for 1.6 s.
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  const auto until = std::chrono::steady_clock::now() + milliseconds(1600);
  while (std::chrono::steady_clock::now() < until) {
    if (client->Read(milliseconds(20)).ok()) arrivals.push_back(std::chrono::steady_clock::now());
  }
  auto longest = std::chrono::steady_clock::duration::zero();
  for (size_t i = 1; i < arrivals.size(); ++i) {
    longest = std::max(longest, arrivals[i] - arrivals[i - 1]);
  }
  EXPECT_GE(longest, milliseconds(450));
  EXPECT_GE(sim->stats().stalls, 1);
  EXPECT_GT(arrivals.size(), 5u);
  EXPECT_EQ(sim->stats().drops, 0);
}

TEST(ExchangeSimulatorTest, DeterministicAndTruthFile) {
  testing::TempDir dir;
  ExchangeSimulatorOptions options = FastOptions();
  options.truth_file = dir.str() + "/truth.jsonl";
  options.market.seed = 99;
  auto sim = StartSim(options);
  ASSERT_NE(sim, nullptr);
  const std::vector<SimTrade> truth = sim->GroundTruth();
  sim->Stop();
  ASSERT_GT(truth.size(), 1000u);
  // The same seed gives the same trades, apart from the start time.
  SyntheticMarketOptions market = options.market;
  market.start_ns = truth.front().ts_ns;
  ASSERT_OK_AND_ASSIGN(auto replica, SyntheticMarket::Create(market));
  const SimTrade first = replica->Next();
  const int64_t shift = truth.front().ts_ns - first.ts_ns;
  EXPECT_EQ(first.trade_id, truth.front().trade_id);
  EXPECT_EQ(first.price_e8, truth.front().price_e8);
  for (size_t i = 1; i < 100; ++i) {
    SimTrade next = replica->Next();
    next.ts_ns += shift;
    EXPECT_EQ(next.price_e8, truth[i].price_e8);
    EXPECT_EQ(next.trade_id, truth[i].trade_id);
  }
  const testing::CommandResult lines = testing::RunCommand("wc -l < " + options.truth_file);
  EXPECT_EQ(std::stoul(lines.out), truth.size());
  const testing::CommandResult head = testing::RunCommand("head -1 " + options.truth_file);
  EXPECT_TRUE(Contains(head.out, "{\"pair\":\"")) << head.out;
  EXPECT_TRUE(json::IsValidJson(head.out));
}

TEST(ExchangeSimulatorTest, BadOptions) {
  ExchangeSimulatorOptions options;
  options.market.pairs = {"BTC-USD"};
  EXPECT_EQ(ExchangeSimulator::Start(options).status().code(), StatusCode::kInvalidArgument);
  options = {};
  options.replay_files = {"/nonexistent/capture.gz"};
  Result<std::unique_ptr<ExchangeSimulator>> missing = ExchangeSimulator::Start(options);
  EXPECT_EQ(missing.status().code(), StatusCode::kIOError);
  EXPECT_TRUE(Contains(missing.status().message(), "/nonexistent/capture.gz"));
}

}  // namespace
}  // namespace rtml::ingest::sim
