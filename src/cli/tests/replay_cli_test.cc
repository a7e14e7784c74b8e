// rtml replay: real Binance captures, injected bad lines, trade files and pacing,
// through the built binary into a file:// broker.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

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
        records.push_back(
            {std::string(record.key.value_or("")), std::string(record.value), record.timestamp_ms});
        next = record.offset + 1;
      }
    }
  }
  return records;
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

}  // namespace
}  // namespace rtml::cli
