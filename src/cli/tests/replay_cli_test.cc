// rtml replay: real Binance captures, injected bad lines, trade files, pacing and
// the merge of several files by receive time, through the built binary into a
// file:// broker.
#include <gtest/gtest.h>
#include <signal.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "cli_runner.h"
#include "rtml/core/clock.h"
#include "rtml/ingest/dead_letter.h"
#include "rtml/ingest/trade.h"

namespace rtml::cli {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::CliRunner;

struct Stored {
  int64_t offset = 0;
  std::string key;
  std::string value;
  int64_t timestamp_ms = 0;
};

// Every record of `topic` (all partitions).
std::vector<Stored> ReadTopic(const CliRunner& cli, const std::string& topic) {
  std::vector<Stored> records;
  auto broker = cli.OpenBroker();
  if (broker == nullptr) return records;
  Result<stream::TopicDescription> description = broker->DescribeTopic(topic);
  EXPECT_TRUE(description.ok()) << description.status().ToString();
  if (!description.ok()) return records;
  for (const stream::PartitionInfo& info : description->partitions) {
    auto consumer = broker->NewConsumer();
    EXPECT_TRUE(consumer.ok());
    if (!consumer.ok()) return records;
    EXPECT_TRUE((*consumer)->Assign({{topic, info.partition}}).ok());
    for (int64_t next = info.start_offset; next < info.end_offset;) {
      auto batch = (*consumer)->Poll(std::chrono::seconds(5), 10'000);
      if (!batch.ok() || batch->empty()) {
        ADD_FAILURE() << "cannot read " << topic << " at offset " << next;
        return records;
      }
      for (const stream::ConsumedRecord& record : *batch) {
        records.push_back({record.offset, std::string(record.key.value_or("")),
                           std::string(record.value), record.timestamp_ms});
        next = record.offset + 1;
      }
    }
  }
  return records;
}

// Records in `topic` so far (0 while it does not exist), without failing the test.
int64_t CountRecords(stream::Broker& broker, const std::string& topic) {
  Result<stream::TopicDescription> description = broker.DescribeTopic(topic);
  if (!description.ok()) return 0;
  int64_t count = 0;
  for (const stream::PartitionInfo& info : description->partitions) {
    count += info.end_offset - info.start_offset;
  }
  return count;
}

// A JSON-lines trade whose event time `ts_ms` is also its receive time.
std::string TradeLine(const std::string& pair, int64_t trade_id, int64_t ts_ms) {
  return R"({"exchange":"kraken","pair":")" + pair + R"(","trade_id":)" + std::to_string(trade_id) +
         R"(,"price":100.5,"qty":1,"side":"buy","ts_ms":)" + std::to_string(ts_ms) + "}";
}

// A JSON-lines file of one trade of `pair` at each of `ms_after` ms after a fixed
// moment; trade ids count from 1.
std::string TradeFile(const CliRunner& cli, const std::string& name, const std::string& pair,
                      const std::vector<int64_t>& ms_after) {
  constexpr int64_t kStartMs = 1723161254000;
  std::string text;
  for (size_t i = 0; i < ms_after.size(); ++i) {
    text += TradeLine(pair, static_cast<int64_t>(i) + 1, kStartMs + ms_after[i]) + "\n";
  }
  return cli.WriteFile(name, text);
}

// "PAIR#ID" of each stored trade, in offset order.
std::vector<std::string> PairsAndIds(const std::vector<Stored>& records) {
  std::vector<std::string> out;
  for (const Stored& record : records) {
    Result<ingest::Trade> trade = ingest::ParseTradeJson(record.value);
    EXPECT_TRUE(trade.ok()) << record.value;
    if (trade.ok()) out.push_back(trade->pair + "#" + std::to_string(trade->trade_id));
  }
  return out;
}

std::vector<std::string> GunzipLines(const fs::path& path) {
  std::vector<std::string> lines;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return lines;
  std::string text;
  char buf[1 << 16];
  int n;
  while ((n = gzread(file, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  gzclose(file);
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  return lines;
}

void WriteGzip(const std::string& path, const std::vector<std::string>& lines) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  for (const std::string& line : lines) {
    gzwrite(file, line.data(), static_cast<unsigned>(line.size()));
    gzwrite(file, "\n", 1);
  }
  gzclose(file);
}

TEST(ReplayCliTest, RealSpotCapturesYieldEveryTradeOnce) {
  const fs::path dir = rtml::testing::RealDataDir() / "binance";
  ASSERT_REAL_DATA(dir);
  CliRunner cli;
  const CliResult result =
      cli.Run("replay '" + (dir / "spot_btcusdt_20240808.gz").string() + "' '" +
              (dir / "spot_btcusdt_20240809.gz").string() + "' --speed max");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("19904 trades, accepted 19904, rejected 0, duplicates 0, gaps 0"),
            std::string::npos)
      << result.err;

  const std::vector<Stored> records = ReadTopic(cli, "trades");
  ASSERT_EQ(records.size(), 19'904u);
  std::map<int64_t, ingest::Trade> by_id;
  for (const Stored& record : records) {
    Result<ingest::Trade> trade = ingest::ParseTradeJson(record.value);
    ASSERT_TRUE(trade.ok()) << trade.status().ToString() << ": " << record.value;
    EXPECT_EQ(record.key, "BTCUSDT");
    EXPECT_EQ(record.timestamp_ms, trade->ts_ms);
    ASSERT_TRUE(by_id.emplace(trade->trade_id, *trade).second) << "twice: " << trade->trade_id;
  }
  // Contiguous ids: 19,904 distinct ids spanning exactly 19,904.
  EXPECT_EQ(by_id.begin()->first, 3735683259);
  EXPECT_EQ(by_id.rbegin()->first, 3735683259 + 19'904 - 1);
  const ingest::Trade& first = by_id.at(3735683259);
  EXPECT_EQ(first.side, ingest::Side::kSell);
  EXPECT_EQ(first.price, 61837.63);
  EXPECT_EQ(first.qty, 0.02);
  EXPECT_EQ(first.ts_ms, 1723161255342);
  EXPECT_EQ(first.received_ns, 1723161254087896568);
  const ingest::Trade& buyer = by_id.at(3735683305);
  EXPECT_EQ(buyer.side, ingest::Side::kBuy);
  EXPECT_EQ(buyer.price, 61828.02);
  EXPECT_EQ(buyer.ts_ms, 1723161255856);
  const ingest::Trade& last = by_id.at(3735703162);
  EXPECT_EQ(last.side, ingest::Side::kBuy);
  EXPECT_EQ(last.price, 61602.02);
  EXPECT_EQ(last.ts_ms, 1723161905800);
  EXPECT_TRUE(ReadTopic(cli, "trades.dlq").empty());
  // Old event times must not fall to time-based retention.
  auto broker = cli.OpenBroker();
  ASSERT_NE(broker, nullptr);
  Result<stream::TopicDescription> topic = broker->DescribeTopic("trades");
  ASSERT_TRUE(topic.ok());
  EXPECT_EQ(topic->spec.retention_ms, stream::kUnlimited);
}

TEST(ReplayCliTest, InjectedBadLinesGoToTheDeadLetterTopic) {
  const fs::path dir = rtml::testing::RealDataDir() / "binance";
  ASSERT_REAL_DATA(dir);
  std::vector<std::string> lines = GunzipLines(dir / "spot_btcusdt_20240808.gz");
  ASSERT_GT(lines.size(), 3000u);
  lines.resize(3000);
  std::vector<std::string> trade_lines;
  for (const std::string& line : lines) {
    if (line.find("@trade\"") != std::string::npos) trade_lines.push_back(line);
  }
  ASSERT_GT(trade_lines.size(), 100u);

  // An invalid trade: a copy of a real one with a negative price (its id is then
  // still new when the real one comes).
  std::string negative = trade_lines[50];
  const size_t price_at = negative.find("\"p\":\"");
  negative.insert(price_at + 5, "-");
  std::string truncated = trade_lines[60].substr(0, trade_lines[60].size() / 2);
  const std::vector<std::pair<size_t, std::string>> injected = {
      {10, "garbage that is not a capture line"},
      {500, truncated},
      {1000, negative},
      {2000, "1723161254087896568 {\"stream\":\"btcusdt@trade\",\"data\":[]}"},
  };
  std::vector<std::string> mixed;
  std::map<int64_t, std::string> expected_reasons;  // line number -> reason prefix
  size_t next = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (next < injected.size() && injected[next].first == i) {
      mixed.push_back(injected[next].second);
      expected_reasons[static_cast<int64_t>(mixed.size())] = "";
      ++next;
    }
    mixed.push_back(lines[i]);
  }
  mixed.push_back(trade_lines[5]);  // a duplicate: counted, not dead-lettered

  CliRunner cli;
  const std::string path = cli.dir().str() + "/mixed.gz";
  WriteGzip(path, mixed);
  const CliResult result = cli.Run("replay '" + path + "' --speed max");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string summary = std::to_string(trade_lines.size() + 2) + " trades, accepted " +
                              std::to_string(trade_lines.size()) +
                              ", rejected 4, duplicates 1, gaps 0";
  EXPECT_NE(result.err.find(summary), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(path + ":11: expected '<receive time ns> <frame>'"), std::string::npos)
      << result.err;

  EXPECT_EQ(ReadTopic(cli, "trades").size(), trade_lines.size());
  const std::vector<Stored> letters = ReadTopic(cli, "trades.dlq");
  ASSERT_EQ(letters.size(), 4u);
  std::vector<ingest::DeadLetter> parsed;
  for (const Stored& letter : letters) {
    Result<ingest::DeadLetter> dead = ingest::ParseDeadLetterJson(letter.value);
    ASSERT_TRUE(dead.ok()) << dead.status().ToString();
    parsed.push_back(*dead);
  }
  EXPECT_EQ(parsed[0].source, "replay:" + path + ":11");
  EXPECT_EQ(parsed[0].raw, injected[0].second);
  EXPECT_EQ(parsed[0].error, "expected '<receive time ns> <frame>'");
  EXPECT_EQ(parsed[1].source, "replay:" + path + ":502");
  EXPECT_EQ(parsed[1].raw, truncated);
  EXPECT_TRUE(parsed[1].error.starts_with("not valid JSON")) << parsed[1].error;
  EXPECT_EQ(parsed[2].source, "replay:" + path + ":1003");
  EXPECT_EQ(parsed[2].raw, negative);
  EXPECT_TRUE(parsed[2].error.find("price -") != std::string::npos) << parsed[2].error;
  EXPECT_EQ(parsed[2].received_ns, std::stoll(negative.substr(0, negative.find(' '))));
  EXPECT_EQ(parsed[3].source, "replay:" + path + ":2004");
  EXPECT_EQ(parsed[3].error, "field 'data' is not an object");
}

TEST(ReplayCliTest, CsvAndJsonLinesWithADefaultExchange) {
  CliRunner cli;
  const std::string csv = cli.WriteFile("trades.csv",
                                        "pair,trade_id,price,qty,side,ts_ms\n"
                                        "BTC/USD,1,26500.5,0.5,buy,1695628177708\n"
                                        "BTC/USD,2,-3,0.5,sell,1695628177709\n"
                                        "BTC/USD,3,26500.25,0.25,sell,1695628177710\n");
  const std::string jsonl = cli.WriteFile(
      "trades.jsonl",
      R"({"pair":"ETH/USD","trade_id":9,"price":1600.5,"qty":2,"side":"buy","ts_ms":1695628177711})"
      "\nnot json\n");
  const CliResult result = cli.Run("replay " + csv + " " + jsonl +
                                   " --exchange kraken --speed max --topic t --dlq-topic d");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("accepted 3, rejected 2"), std::string::npos) << result.err;
  const std::vector<Stored> trades = ReadTopic(cli, "t");
  ASSERT_EQ(trades.size(), 3u);
  std::set<std::string> keys;
  for (const Stored& record : trades) {
    Result<ingest::Trade> trade = ingest::ParseTradeJson(record.value);
    ASSERT_TRUE(trade.ok());
    EXPECT_EQ(trade->exchange, "kraken");
    keys.insert(record.key);
  }
  EXPECT_EQ(keys, (std::set<std::string>{"BTC/USD", "ETH/USD"}));
  EXPECT_EQ(ReadTopic(cli, "d").size(), 2u);
}

TEST(ReplayCliTest, ARerunOrARestartAddsNoTradeTwice) {
  // A replay killed part-way leaves a prefix of the file; started again, it sends the
  // file from its start: the stored trades are duplicates, the rest go on.
  CliRunner cli;
  std::string lines;
  for (int id = 0; id < 40; ++id) {  // from 0: a newest stored id of 0 counts too
    for (const char* pair : {"BTC/USD", "ETH/USD"}) {
      lines += std::string(R"({"pair":")") + pair + R"(","trade_id":)" + std::to_string(id) +
               R"(,"price":100.5,"qty":1,"side":"buy","ts_ms":)" +
               std::to_string(1695628177000 + id) + "}\n";
    }
  }
  const size_t cut = lines.find(R"("trade_id":14,)");  // the file as far as a crash got
  const std::string part = cli.WriteFile("part.jsonl", lines.substr(0, lines.rfind('\n', cut) + 1));
  const std::string whole = cli.WriteFile("whole.jsonl", lines);
  const std::string flags = " --exchange kraken --speed max";
  ASSERT_EQ(cli.Run("replay " + part + flags).exit_code, 0);
  ASSERT_EQ(ReadTopic(cli, "trades").size(), 28u);  // ids 0-13 of both pairs
  const CliResult again = cli.Run("replay " + whole + flags);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("accepted 52"), std::string::npos) << again.err;
  const CliResult rerun = cli.Run("replay " + whole + flags);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.err.find("accepted 0"), std::string::npos) << rerun.err;
  std::map<std::string, std::vector<int64_t>> ids;
  for (const Stored& record : ReadTopic(cli, "trades")) {
    Result<ingest::Trade> trade = ingest::ParseTradeJson(record.value);
    ASSERT_TRUE(trade.ok());
    ids[trade->pair].push_back(trade->trade_id);
  }
  std::vector<int64_t> expected(40);
  for (int i = 0; i < 40; ++i) expected[i] = i;
  EXPECT_EQ(ids["BTC/USD"], expected);
  EXPECT_EQ(ids["ETH/USD"], expected);

  // A pair whose newest stored trade has id 0.
  const std::string zero = cli.WriteFile(
      "zero.jsonl",
      R"({"pair":"SOL/USD","trade_id":0,"price":150.5,"qty":1,"side":"buy","ts_ms":1695628178000})"
      "\n");
  ASSERT_EQ(cli.Run("replay " + zero + flags).exit_code, 0);
  const CliResult zero_again = cli.Run("replay " + zero + flags);
  EXPECT_NE(zero_again.err.find("accepted 0"), std::string::npos) << zero_again.err;
  EXPECT_EQ(ReadTopic(cli, "trades").size(), 81u);
}

TEST(ReplayCliTest, PacesByReceiveTime) {
  CliRunner cli;
  // Three trades received 200 ms apart: at 2x the replay takes about 200 ms.
  std::string capture;
  for (int i = 0; i < 3; ++i) {
    const int64_t received_ms = 1723161254000 + i * 200;
    capture += std::to_string(received_ms * 1'000'000) +
               " {\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"s\":\"BTCUSDT\",\"t\":" +
               std::to_string(100 + i) +
               ",\"p\":\"61000.5\",\"q\":\"0.1\",\"T\":" + std::to_string(received_ms) +
               ",\"m\":false}}\n";
  }
  const std::string path = cli.WriteFile("paced.txt", capture);
  const int64_t start = MonotonicNs();
  const CliResult paced = cli.Run("replay " + path + " --speed 2 --fsync never");
  const int64_t paced_ms = (MonotonicNs() - start) / 1'000'000;
  ASSERT_EQ(paced.exit_code, 0) << paced.err;
  EXPECT_GE(paced_ms, 195);
  EXPECT_LT(paced_ms, 2000);
  EXPECT_NE(paced.err.find("accepted 3"), std::string::npos) << paced.err;

  const int64_t fast_start = MonotonicNs();
  const CliResult fast = cli.Run("replay " + path +
                                 " --speed max --fsync never --topic other "
                                 "--dlq-topic other.dlq");
  const int64_t fast_ms = (MonotonicNs() - fast_start) / 1'000'000;
  ASSERT_EQ(fast.exit_code, 0) << fast.err;
  EXPECT_LT(fast_ms, paced_ms);
}

TEST(ReplayCliTest, UsageAndFileErrors) {
  CliRunner cli;
  CliResult none = cli.Run("replay");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("missing FILE"), std::string::npos) << none.err;
  CliResult speed = cli.Run("replay x --speed 0");
  EXPECT_EQ(speed.exit_code, 2);
  EXPECT_NE(speed.err.find("speed '0'"), std::string::npos) << speed.err;
  CliResult same = cli.Run("replay x --topic a --dlq-topic a");
  EXPECT_EQ(same.exit_code, 2);

  // A missing file is reported; the others are still replayed.
  const std::string good = cli.WriteFile(
      "good.jsonl",
      R"({"exchange":"kraken","pair":"BTC/USD","trade_id":1,"price":1,"qty":1,"side":"buy","ts_ms":1695628177711})"
      "\n");
  const CliResult missing = cli.Run("replay /nonexistent/file.gz " + good + " --speed max");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot open /nonexistent/file.gz"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("1 file(s) could not be read"), std::string::npos) << missing.err;
  EXPECT_EQ(ReadTopic(cli, "trades").size(), 1u);
}

TEST(ReplayCliTest, MergesFilesByReceiveTime) {
  CliRunner cli;
  // Listed first but starting later; its second trade ties with btc's third (file
  // order wins) and its bad line, which has no time, stays after that trade.
  const std::string eth =
      cli.WriteFile("eth.jsonl", TradeLine("ETH/USD", 1, 1723161254100) + "\n" +
                                     TradeLine("ETH/USD", 2, 1723161254300) + "\nnot json\n" +
                                     TradeLine("ETH/USD", 3, 1723161254500) + "\n");
  const std::string btc = TradeFile(cli, "btc.jsonl", "BTC/USD", {0, 200, 300, 400});
  const CliResult result = cli.Run("replay " + eth + " " + btc + " --speed max");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("replayed 8 lines of 2 files"), std::string::npos) << result.err;

  const std::vector<Stored> trades = ReadTopic(cli, "trades");
  for (size_t i = 0; i < trades.size(); ++i) EXPECT_EQ(trades[i].offset, static_cast<int64_t>(i));
  EXPECT_EQ(PairsAndIds(trades),
            (std::vector<std::string>{"BTC/USD#1", "ETH/USD#1", "BTC/USD#2", "ETH/USD#2",
                                      "BTC/USD#3", "BTC/USD#4", "ETH/USD#3"}));
  const std::vector<Stored> letters = ReadTopic(cli, "trades.dlq");
  ASSERT_EQ(letters.size(), 1u);
  Result<ingest::DeadLetter> letter = ingest::ParseDeadLetterJson(letters[0].value);
  ASSERT_TRUE(letter.ok()) << letter.status().ToString();
  EXPECT_EQ(letter->source, "replay:" + eth + ":3");
}

TEST(ReplayCliTest, RealCapturesOfTwoPairsInterleaveByReceiveTime) {
  const fs::path dir = rtml::testing::RealDataDir() / "binance";
  ASSERT_REAL_DATA(dir);
  const std::vector<fs::path> files = {dir / "spot_ethusdt_20240808.gz",
                                       dir / "spot_btcusdt_20240808.gz"};
  size_t trade_lines = 0;
  for (const fs::path& file : files) {
    for (const std::string& line : GunzipLines(file)) {
      if (line.find("@trade\"") != std::string::npos) ++trade_lines;
    }
  }
  CliRunner cli;
  const CliResult result = cli.Run("replay '" + files[0].string() + "' '" + files[1].string() +
                                   "' --speed max --fsync never");
  ASSERT_EQ(result.exit_code, 0) << result.err;

  const std::vector<Stored> records = ReadTopic(cli, "trades");
  ASSERT_EQ(records.size(), trade_lines);
  std::set<std::string> keys;
  int64_t previous_ns = 0;
  int64_t key_changes = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    Result<ingest::Trade> trade = ingest::ParseTradeJson(records[i].value);
    ASSERT_TRUE(trade.ok()) << records[i].value;
    ASSERT_GE(trade->received_ns, previous_ns) << "offset " << records[i].offset;
    previous_ns = trade->received_ns;
    if (i > 0 && records[i].key != records[i - 1].key) ++key_changes;
    keys.insert(records[i].key);
  }
  EXPECT_EQ(keys, (std::set<std::string>{"BTCUSDT", "ETHUSDT"}));
  EXPECT_GT(key_changes, 100);  // interleaved, not one file after the other
}

TEST(ReplayCliTest, PacesOneTimelineOverAllFiles) {
  CliRunner cli;
  // 0-3 s as one market, 2 s and 3 s apart: at 2x it takes 1.5 s. One file after
  // the other would take 1 s (the second starts earlier, so it never waits) and
  // pacing each file from its own start 2.5 s.
  const std::string later = TradeFile(cli, "later.jsonl", "ETH/USD", {1000, 2000, 3000});
  const std::string earlier = TradeFile(cli, "earlier.jsonl", "BTC/USD", {0, 1000, 2000, 3000});
  const int64_t start = MonotonicNs();
  const CliResult paced = cli.Run("replay " + later + " " + earlier + " --speed 2 --fsync never");
  const int64_t paced_ms = (MonotonicNs() - start) / 1'000'000;
  ASSERT_EQ(paced.exit_code, 0) << paced.err;
  EXPECT_NE(paced.err.find("accepted 7"), std::string::npos) << paced.err;
  EXPECT_GE(paced_ms, 1400);
  EXPECT_LT(paced_ms, 2400);
}

TEST(ReplayCliTest, CtrlCStopsTheMergedReplay) {
  CliRunner cli;
  // One trade every 100 ms at 10x, alternating between the files, for 10 s.
  std::vector<int64_t> even_seconds, odd_seconds;
  for (int64_t second = 0; second < 100; second += 2) {
    even_seconds.push_back(second * 1000);
    odd_seconds.push_back((second + 1) * 1000);
  }
  const std::string even = TradeFile(cli, "even.jsonl", "BTC/USD", even_seconds);
  const std::string odd = TradeFile(cli, "odd.jsonl", "ETH/USD", odd_seconds);
  const CliRunner::Background replay = cli.Start("replay " + even + " " + odd + " --speed 10");
  auto broker = cli.OpenBroker();
  ASSERT_NE(broker, nullptr);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (CountRecords(*broker, "trades") < 4 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(testing::StopAndWait(replay.pid, SIGINT), 1);
  const std::string err = testing::ReadFileOrEmpty(replay.err_path);
  EXPECT_NE(err.find("interrupted"), std::string::npos) << err;
  EXPECT_NE(err.find("replayed "), std::string::npos) << err;

  const std::vector<std::string> trades = PairsAndIds(ReadTopic(cli, "trades"));
  ASSERT_GE(trades.size(), 4u) << err;
  EXPECT_LT(trades.size(), 100u) << err;
  for (size_t i = 0; i < trades.size(); ++i) {
    const int64_t id = static_cast<int64_t>(i / 2) + 1;
    EXPECT_EQ(trades[i], (i % 2 == 0 ? "BTC/USD#" : "ETH/USD#") + std::to_string(id));
  }
}

TEST(ReplayCliTest, FilesThatFailAreLeftOutOfTheMerge) {
  CliRunner cli;
  // 12,000 trades over 12 s in a gzip cut in half: it fails mid-way, after its first
  // 256 KiB of lines were merged.
  std::vector<std::string> lines;
  for (int64_t i = 0; i < 12'000; ++i)
    lines.push_back(TradeLine("ETH/USD", i + 1, 1723161254000 + i));
  const std::string cut = cli.dir().str() + "/cut.jsonl.gz";
  WriteGzip(cut, lines);
  fs::resize_file(cut, fs::file_size(cut) / 2);
  std::vector<int64_t> every_second;
  for (int64_t second = 0; second < 12; ++second) every_second.push_back(second * 1000);
  const std::string good = TradeFile(cli, "good.jsonl", "BTC/USD", every_second);

  const CliResult result =
      cli.Run("replay " + cut + " /nonexistent/file.gz " + good + " --speed max");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("rtml replay: " + cut + " after line "), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("gzip data ends early (truncated)"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("cannot open /nonexistent/file.gz"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("of 3 files"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("2 file(s) could not be read"), std::string::npos) << result.err;

  // Every good trade; the cut file's first lines, in time order with them.
  std::map<std::string, int64_t> per_pair;
  int64_t previous_ms = 0;
  for (const Stored& record : ReadTopic(cli, "trades")) {
    EXPECT_GE(record.timestamp_ms, previous_ms) << record.value;
    previous_ms = record.timestamp_ms;
    ++per_pair[record.key];
  }
  EXPECT_EQ(per_pair["BTC/USD"], 12);
  EXPECT_GT(per_pair["ETH/USD"], 0);
  EXPECT_LT(per_pair["ETH/USD"], 12'000);
}

}  // namespace
}  // namespace rtml::cli
