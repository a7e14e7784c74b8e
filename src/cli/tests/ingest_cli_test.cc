// `rtml ingest` against `rtml exchange-sim` with faults, both as real processes over
// real websockets: connections dropped every 2 s, malformed frames, duplicated and
// reordered trades. Ingestion keeps running; every accepted trade is one the
// exchange sent, with its exact fields, and stored once; each bad frame is in the
// dead-letter topic with its reason.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "rtml/ingest/trade.h"

namespace rtml::cli {
namespace {

using namespace std::chrono_literals;
using testing::CliRunner;

struct Key {
  std::string pair;
  int64_t id;
  friend auto operator<=>(const Key&, const Key&) = default;
};

// The simulator's ground truth (--truth): every trade it generated.
std::map<Key, ingest::Trade> ReadTruth(const std::string& path) {
  std::map<Key, ingest::Trade> truth;
  std::ifstream in(path);
  const std::regex line_re(
      R"re("pair":"([^"]+)".*"trade_id":(\d+),"price":"([^"]+)","qty":"([^"]+)","side":"(\w+)")re");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, line_re)) continue;
    ingest::Trade t;
    t.pair = m[1];
    t.trade_id = std::stoll(m[2]);
    t.price = std::stod(m[3]);
    t.qty = std::stod(m[4]);
    t.side = m[5] == "buy" ? ingest::Side::kBuy : ingest::Side::kSell;
    truth[{t.pair, t.trade_id}] = t;
  }
  return truth;
}

std::vector<std::string> Values(stream::Broker& broker, const std::string& topic) {
  std::vector<std::string> values;
  auto consumer = broker.NewConsumer();
  EXPECT_TRUE(consumer.ok());
  EXPECT_TRUE((*consumer)->Assign({{topic, 0}}).ok());
  for (;;) {
    auto records = (*consumer)->Poll(200ms, 10000);
    EXPECT_TRUE(records.ok());
    if (!records.ok() || records->empty()) break;
    for (const auto& r : *records) values.emplace_back(r.value);
  }
  return values;
}

TEST(IngestCliTest, KeepsIngestingThroughDropsMalformedFramesAndDuplicates) {
  CliRunner cli;
  const std::string truth_path = cli.dir().str() + "/truth.jsonl";
  const CliRunner::Background sim =
      cli.Start("exchange-sim --seed 11 --rate 300 --history 2s --pairs BTC/USD,ETH/USD --truth " +
                truth_path + " --faults drop=2s,malformed=0.02,duplicate=0.05,reorder=0.02");
  const std::string out = testing::WaitForLines(sim.out_path, 5);
  std::smatch port;
  ASSERT_TRUE(std::regex_search(out, port, std::regex("ws://127\\.0\\.0\\.1:([0-9]+)/v2")))
      << out << testing::ReadFileOrEmpty(sim.err_path);

  const CliRunner::Background ingest = cli.Start(
      "ingest kraken --pairs BTC/USD,ETH/USD --url ws://127.0.0.1:" + port[1].str() + "/v2");
  std::this_thread::sleep_for(7s);
  EXPECT_EQ(testing::StopAndWait(ingest.pid, SIGINT), 0);
  EXPECT_EQ(testing::StopAndWait(sim.pid, SIGTERM), 0);
  const std::string err = testing::ReadFileOrEmpty(ingest.err_path);
  std::smatch summary;
  ASSERT_TRUE(std::regex_search(err, summary,
                                std::regex(R"(ingested (\d+) trades .* over (\d+) connections)")))
      << err;
  EXPECT_GE(std::stoi(summary[2]), 3) << "drops every 2 s must have forced reconnects\n" << err;

  const auto truth = ReadTruth(truth_path);
  ASSERT_GT(truth.size(), 1000u);
  auto broker = cli.OpenBroker();
  std::set<Key> seen;
  for (const std::string& value : Values(*broker, "trades")) {
    auto trade = ingest::ParseTradeJson(value);
    ASSERT_TRUE(trade.ok()) << value;
    const Key key{trade->pair, trade->trade_id};
    EXPECT_TRUE(seen.insert(key).second) << "stored twice: " << value;
    const auto sent = truth.find(key);
    ASSERT_NE(sent, truth.end()) << "never sent by the exchange: " << value;
    EXPECT_EQ(trade->price, sent->second.price) << value;
    EXPECT_EQ(trade->qty, sent->second.qty) << value;
    EXPECT_EQ(trade->side, sent->second.side) << value;
  }
  EXPECT_GT(seen.size(), 1000u);
  EXPECT_EQ(std::to_string(seen.size()), summary[1].str());

  const auto dead = Values(*broker, "trades.dlq");
  ASSERT_FALSE(dead.empty()) << "malformed frames were injected";
  for (const std::string& letter : dead) {
    EXPECT_NE(letter.find(R"("source":"kraken:ws://127.0.0.1:)"), std::string::npos) << letter;
    EXPECT_EQ(letter.find(R"("error":"")"), std::string::npos) << letter;
    EXPECT_NE(letter.find(R"("raw":")"), std::string::npos) << letter;
  }
}

// The acceptance run of the Binance client: the real BTCUSDT captures of 2024-08-08
// and -09, replayed by the simulator, read by `rtml ingest binance` over a real
// websocket: exactly the 19,904 trades of the capture, each once, ids contiguous.
TEST(IngestCliTest, BinanceClientReadsEveryTradeOfTheReplayedCaptureOnce) {
  const auto data = rtml::testing::RealDataDir() / "binance";
  ASSERT_REAL_DATA(data);
  CliRunner cli;
  const CliRunner::Background sim = cli.Start("exchange-sim --speed max --replay " +
                                              (data / "spot_btcusdt_20240808.gz").string() + " " +
                                              (data / "spot_btcusdt_20240809.gz").string());
  const std::string out = testing::WaitForLines(sim.out_path, 3);
  std::smatch port;
  ASSERT_TRUE(std::regex_search(out, port, std::regex("ws://127\\.0\\.0\\.1:([0-9]+)/stream")))
      << out << testing::ReadFileOrEmpty(sim.err_path);
  const CliRunner::Background ingest =
      cli.Start("ingest binance --pairs BTCUSDT --max-trade-age unlimited --url ws://127.0.0.1:" +
                port[1].str());
  auto broker = cli.OpenBroker();
  std::vector<std::string> values;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (values.size() < 19904 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(500ms);
    values = Values(*broker, "trades");
  }
  EXPECT_EQ(testing::StopAndWait(ingest.pid, SIGINT), 0);
  EXPECT_EQ(testing::StopAndWait(sim.pid, SIGTERM), 0);
  values = Values(*broker, "trades");
  ASSERT_EQ(values.size(), 19904u) << testing::ReadFileOrEmpty(ingest.err_path);
  std::set<int64_t> ids;
  for (const std::string& value : values) {
    auto trade = ingest::ParseTradeJson(value);
    ASSERT_TRUE(trade.ok()) << value;
    EXPECT_EQ(trade->pair, "BTCUSDT");
    EXPECT_TRUE(ids.insert(trade->trade_id).second) << "twice: " << value;
  }
  EXPECT_EQ(*ids.rbegin() - *ids.begin() + 1, 19904);  // contiguous: none missing
  // The first trade frame of the capture: t 3735683259, p 61837.63, q 0.02, m true.
  auto first = ingest::ParseTradeJson(values.front());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->trade_id, 3735683259);
  EXPECT_EQ(first->price, 61837.63);
  EXPECT_EQ(first->qty, 0.02);
  EXPECT_EQ(first->side, ingest::Side::kSell);  // buyer was the maker: the taker sold
  EXPECT_EQ(first->ts_ms, 1723161255342);
  EXPECT_EQ(Values(*broker, "trades.dlq").size(), 0u);
}

TEST(IngestCliTest, UsageErrors) {
  CliRunner cli;
  EXPECT_EQ(cli.Run("ingest").exit_code, 2);
  const testing::CliResult no_pairs = cli.Run("ingest kraken");
  EXPECT_EQ(no_pairs.exit_code, 2);
  EXPECT_NE(no_pairs.err.find("--pairs is required"), std::string::npos) << no_pairs.err;
  const testing::CliResult bad = cli.Run("ingest coinbase --pairs X");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown exchange 'coinbase'"), std::string::npos) << bad.err;
  const testing::CliResult url = cli.Run("ingest kraken --pairs BTC/USD --url http://x/v2");
  EXPECT_EQ(url.exit_code, 2);
  EXPECT_NE(url.err.find("not ws://"), std::string::npos) << url.err;
}

}  // namespace
}  // namespace rtml::cli
