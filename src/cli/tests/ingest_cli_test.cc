// `rtml ingest` against `rtml exchange-sim` with faults, both as real processes over
// real websockets: connections dropped every 2 s or stalled (silent, heartbeats
// included) every few seconds, malformed and truncated frames, duplicated and
// reordered trades. Ingestion keeps running; every accepted trade is one the
// exchange sent, with its exact fields, and stored once; nothing the exchange sent
// is lost across stalls; each bad frame is in the dead-letter topic with its reason.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "rtml/core/clock.h"
#include "rtml/ingest/dead_letter.h"
#include "rtml/ingest/trade.h"
#include "sim_truth.h"

namespace rtml::cli {
namespace {

using namespace std::chrono_literals;
using testing::CliRunner;

using testing::TradeKey;
using Truth = std::map<TradeKey, ingest::Trade>;

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

// One run of `rtml ingest kraken` against `rtml exchange-sim` (BTC/USD and ETH/USD,
// 2 s of history), ingest stopped after `duration`, then the simulator.
struct FaultRun {
  Truth truth;
  std::string ingest_err;  // warnings and the summary
  int64_t stopped_ms = 0;  // wall clock when ingest was told to stop
};

void RunIngestAgainstSimulator(const CliRunner& cli, const std::string& sim_flags,
                               const std::string& ingest_flags, std::chrono::milliseconds duration,
                               FaultRun* run) {
  const std::string truth_path = cli.dir().str() + "/truth.jsonl";
  const CliRunner::Background sim = cli.Start(
      "exchange-sim --history 2s --pairs BTC/USD,ETH/USD --truth " + truth_path + " " + sim_flags);
  const std::string out = testing::WaitForLines(sim.out_path, 5);
  std::smatch port;
  if (!std::regex_search(out, port, std::regex("ws://127\\.0\\.0\\.1:([0-9]+)/v2"))) {
    EXPECT_EQ(testing::StopAndWait(sim.pid, SIGTERM), 0);
    FAIL() << out << testing::ReadFileOrEmpty(sim.err_path);
  }
  const CliRunner::Background ingest =
      cli.Start("ingest kraken --pairs BTC/USD,ETH/USD --url ws://127.0.0.1:" + port[1].str() +
                "/v2 " + ingest_flags);
  std::this_thread::sleep_for(duration);
  run->stopped_ms = WallClockMs();
  EXPECT_EQ(testing::StopAndWait(ingest.pid, SIGINT), 0);
  EXPECT_EQ(testing::StopAndWait(sim.pid, SIGTERM), 0);
  run->ingest_err = testing::ReadFileOrEmpty(ingest.err_path);
  run->truth = testing::ReadSimTruth(truth_path);
}

// The summary line `rtml ingest` ends with.
struct IngestSummary {
  int64_t accepted, rejected, duplicates, ids_missing, connections;
};

std::optional<IngestSummary> ParseSummary(const std::string& err) {
  std::smatch m;
  if (!std::regex_search(err, m,
                         std::regex(R"(ingested (\d+) trades \((\d+) rejected, (\d+) duplicates, )"
                                    R"((\d+) ids missing\) over (\d+) connections)"))) {
    return std::nullopt;
  }
  return IngestSummary{std::stoll(m[1]), std::stoll(m[2]), std::stoll(m[3]), std::stoll(m[4]),
                       std::stoll(m[5])};
}

// Checks each stored trade: one the exchange sent, with its exact fields, stored
// once. Returns the stored ones, by pair and id.
std::set<TradeKey> CheckStoredTrades(stream::Broker& broker, const Truth& truth) {
  std::set<TradeKey> stored;
  for (const std::string& value : Values(broker, "trades")) {
    auto trade = ingest::ParseTradeJson(value);
    if (!trade.ok()) {
      ADD_FAILURE() << value;
      continue;
    }
    const TradeKey key{trade->pair, trade->trade_id};
    EXPECT_TRUE(stored.insert(key).second) << "stored twice: " << value;
    const auto sent = truth.find(key);
    if (sent == truth.end()) {
      ADD_FAILURE() << "never sent by the exchange: " << value;
      continue;
    }
    EXPECT_EQ(trade->price, sent->second.price) << value;
    EXPECT_EQ(trade->qty, sent->second.qty) << value;
    EXPECT_EQ(trade->side, sent->second.side) << value;
    EXPECT_EQ(trade->ts_ms, sent->second.ts_ms) << value;
  }
  return stored;
}

// Checks each dead letter names the feed, a reason and the frame. Returns them.
std::vector<ingest::DeadLetter> CheckDeadLetters(stream::Broker& broker) {
  std::vector<ingest::DeadLetter> letters;
  for (const std::string& value : Values(broker, "trades.dlq")) {
    Result<ingest::DeadLetter> letter = ingest::ParseDeadLetterJson(value);
    if (!letter.ok()) {
      ADD_FAILURE() << letter.status().ToString() << ": " << value;
      continue;
    }
    EXPECT_TRUE(letter->source.starts_with("kraken:ws://127.0.0.1:")) << value;
    EXPECT_FALSE(letter->error.empty()) << value;
    EXPECT_FALSE(letter->raw.empty()) << value;
    letters.push_back(*std::move(letter));
  }
  return letters;
}

TEST(IngestCliTest, KeepsIngestingThroughDropsMalformedFramesAndDuplicates) {
  CliRunner cli;
  FaultRun run;
  ASSERT_NO_FATAL_FAILURE(RunIngestAgainstSimulator(
      cli, "--seed 11 --rate 300 --faults drop=2s,malformed=0.02,duplicate=0.05,reorder=0.02", "",
      7s, &run));
  const std::optional<IngestSummary> summary = ParseSummary(run.ingest_err);
  ASSERT_TRUE(summary) << run.ingest_err;
  EXPECT_GE(summary->connections, 3) << "drops every 2 s must have forced reconnects\n"
                                     << run.ingest_err;

  ASSERT_GT(run.truth.size(), 1000u);
  auto broker = cli.OpenBroker();
  const std::set<TradeKey> stored = CheckStoredTrades(*broker, run.truth);
  EXPECT_GT(stored.size(), 1000u);
  EXPECT_EQ(static_cast<int64_t>(stored.size()), summary->accepted);

  const auto dead = CheckDeadLetters(*broker);
  EXPECT_FALSE(dead.empty()) << "malformed frames were injected";
  EXPECT_EQ(static_cast<int64_t>(dead.size()), summary->rejected) << "every rejection is kept";
}

// The most trades of one pair within any `window` of exchange time.
size_t MostTradesOfAPairWithin(const Truth& truth, int64_t window_ms) {
  size_t most = 0;
  for (auto first = truth.begin(); first != truth.end(); ++first) {
    size_t count = 0;
    for (auto it = first; it != truth.end() && it->first.pair == first->first.pair &&
                          it->second.ts_ms - first->second.ts_ms < window_ms;
         ++it) {
      ++count;
    }
    most = std::max(most, count);
  }
  return most;
}

// Every connection stalls - no trades, no heartbeats - for 3 s, 3.5 s after it
// opened; with --silence-timeout 1500ms (Kraken heartbeats every second) the client
// must call the silence a dead connection and reconnect. The trades the stalled
// connection held are lost with it; the snapshot of each resubscription (the last
// 50 trades per pair) must fill that gap. Truncated copies of trade messages
// precede the real ones.
TEST(IngestCliTest, ReconnectsOnStalledHeartbeatsAndDeadLettersTruncatedFrames) {
  CliRunner cli;
  FaultRun run;
  // Seed 3 at 6 trades/s: few enough per pair that a snapshot covers any gap below.
  ASSERT_NO_FATAL_FAILURE(RunIngestAgainstSimulator(
      cli, "--seed 3 --rate 6 --faults stall-heartbeat=3s,stall-every=3500ms,truncated=0.3",
      "--silence-timeout 1500ms", 12s, &run));
  const std::optional<IngestSummary> summary = ParseSummary(run.ingest_err);
  ASSERT_TRUE(summary) << run.ingest_err;

  // Kept running, reconnecting because of the silences and for nothing else.
  const std::regex silence_re(
      "nothing received from ws://[^ ]+ for 1\\.500 s; the connection is dead");
  const auto silences =
      std::distance(std::sregex_iterator(run.ingest_err.begin(), run.ingest_err.end(), silence_re),
                    std::sregex_iterator());
  EXPECT_GE(silences, 2) << run.ingest_err;
  EXPECT_GE(summary->connections, 3) << run.ingest_err;
  EXPECT_LE(summary->connections, silences + 1) << run.ingest_err;

  ASSERT_GT(run.truth.size(), 50u);
  auto broker = cli.OpenBroker();
  const std::set<TradeKey> stored = CheckStoredTrades(*broker, run.truth);
  EXPECT_EQ(static_cast<int64_t>(stored.size()), summary->accepted);

  // Nothing lost. The gap of a stall lasts from its start until the client has
  // noticed (<= 1.7 s), waited its backoff (<= 0.25 s) and resubscribed; a gap of up
  // to 6 s holds fewer than the snapshot's 50 trades of any pair (the market is
  // seeded, so this is fixed). So every trade up to the last stored one of its pair
  // is stored, and so is every trade older than 4 s when ingest was stopped.
  ASSERT_LT(MostTradesOfAPairWithin(run.truth, 6000), 50u) << "the premise of this test";
  std::map<std::string, int64_t> last_stored;
  for (const TradeKey& key : stored)
    last_stored[key.pair] = std::max(last_stored[key.pair], key.trade_id);
  std::string lost;
  for (const auto& [key, trade] : run.truth) {
    const bool before_last = key.trade_id <= last_stored[key.pair];
    const bool settled = trade.ts_ms <= run.stopped_ms - 4000;
    if ((before_last || settled) && !stored.contains(key)) {
      lost += " " + key.pair + ":" + std::to_string(key.trade_id);
    }
  }
  EXPECT_EQ(lost, "") << "lost\n" << run.ingest_err;
  EXPECT_EQ(summary->ids_missing, 0) << run.ingest_err;

  // Each truncated frame is a dead letter, raw as received, unreadable as JSON.
  const auto dead = CheckDeadLetters(*broker);
  EXPECT_FALSE(dead.empty()) << "truncated frames were injected";
  EXPECT_EQ(static_cast<int64_t>(dead.size()), summary->rejected) << "every rejection is kept";
  const std::string update = R"({"channel":"trade","type":"update","data":[{"symbol":")";
  for (const ingest::DeadLetter& letter : dead) {
    EXPECT_TRUE(update.starts_with(letter.raw) || letter.raw.starts_with(update)) << letter.raw;
    EXPECT_TRUE(letter.error.starts_with("not valid JSON")) << letter.error;
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
