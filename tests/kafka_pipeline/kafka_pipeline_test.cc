// `rtml pipeline run` as a consumer group over librdkafka's mock cluster (a separate
// process speaking the Kafka protocol): two candle-stage processes split the four
// partitions of `trades`, one is killed with SIGKILL while trades keep coming, and
// the other takes its partitions over (restoring their checkpoints, replaying) and
// finishes the input. A features-stage process reads the candles meanwhile. The
// candles and features on Kafka must equal those of a bounded run of the same
// config over the same trades on the embedded log: same values, none twice, none
// missing but the windows an unbounded run has not closed yet.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "mock_kafka_process.h"
#include "rtml/process/candle.h"
#include "rtml/stream/broker.h"
#include "rtml/stream/partitioner.h"
#include "rtml/stream/topic_reader.h"
#include "rtml_process.h"
#include "synthetic_trades.h"

namespace rtml::cli {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using rtml::testing::MockKafkaProcess;
using testing::CliResult;
using testing::CliRunner;

constexpr int kPartitions = 4;
constexpr int kPairs = 8;
constexpr int kTrades = 24'000;
constexpr int kWindowSizes = 3;  // windows: [1s, 60s, 300s]

constexpr std::string_view kConfig = R"(name: market
stages:
  - name: candles
    kind: candles
    windows: [1s, 60s, 300s]
  - name: features
    kind: features
    candle_seconds: [60]
    features: [sma_10, ema_21, macd_12_26_9, bbands_20_2, rsi_14, atr_14, stoch_14_3_3, obv]
)";

// The candle stage's group and the features stage's group (<name>.<stage>).
constexpr std::string_view kCandlesGroup = "market.candles";
constexpr std::string_view kFeaturesGroup = "market.features";

// Lines [from, to) of `text`, each with its newline.
std::string LineRange(const std::string& text, size_t from, size_t to) {
  std::string out;
  size_t line = 0;
  size_t start = 0;
  while (start < text.size() && line < to) {
    const size_t end = text.find('\n', start);
    const size_t next = end == std::string::npos ? text.size() : end + 1;
    if (line >= from) out.append(text, start, next - start);
    start = next;
    ++line;
  }
  return out;
}

// One `rtml pipeline run` in the background.
struct Member : testing::RtmlProcess {
  using RtmlProcess::RtmlProcess;

  // The input partitions the group gives this member's stage `stage` now, as its log
  // says ("market.candles: partitions of trades held now: 0,1" on every change).
  std::set<int> Held(std::string_view stage) const {
    std::set<int> held;
    const std::regex line("rtml: " + std::string(stage) +
                          ": partitions of trades held now: ([0-9,]+|none)\n");
    const std::string err = Err();
    std::string last = "none";
    for (auto it = std::sregex_iterator(err.begin(), err.end(), line); it != std::sregex_iterator();
         ++it) {
      last = (*it)[1].str();
    }
    if (last == "none") return held;
    size_t start = 0;
    while (start < last.size()) {
      const size_t comma = last.find(',', start);
      held.insert(std::stoi(last.substr(start, comma - start)));
      start = comma == std::string::npos ? last.size() : comma + 1;
    }
    return held;
  }

  // Partitions this member's log says it restored from their checkpoints.
  std::set<int> RestoredFromCheckpoint(std::string_view stage) const {
    std::set<int> restored;
    const std::regex line("rtml: " + std::string(stage) +
                          ": took partition ([0-9]+) of [^\n]*\\(restored from its checkpoint\\)");
    const std::string err = Err();
    for (auto it = std::sregex_iterator(err.begin(), err.end(), line); it != std::sregex_iterator();
         ++it) {
      restored.insert(std::stoi((*it)[1].str()));
    }
    return restored;
  }
};

// The number in the summary line "<stage>: ... N partition(s) restored from
// checkpoints", or -1.
int RestoredInSummary(const std::string& err, std::string_view stage) {
  std::smatch match;
  const std::regex summary(std::string(stage) +
                           ": [0-9]+ records in, [^\n]* ([0-9]+) partitions? restored from "
                           "checkpoints");
  return std::regex_search(err, match, summary) ? std::stoi(match[1].str()) : -1;
}

// Per input partition, the newest input offset an output in `topic` came from (the
// runner's "rtml-source" header, "<stage>|<partition>:<offset>:<index>").
std::map<int, int64_t> NewestSources(stream::Broker& broker, const std::string& topic) {
  std::map<int, int64_t> newest;
  const Status read = stream::ReadTopicToEnd(
      broker, topic, stream::SeekTarget::Beginning(), [&](const stream::ConsumedRecord& record) {
        for (const stream::HeaderView& header : record.headers) {
          if (header.key != "rtml-source") continue;
          const std::string value(header.value);
          const std::string source = value.substr(value.find('|') + 1);
          const size_t colon = source.find(':');
          const int partition = std::stoi(source.substr(0, colon));
          const int64_t offset = std::stoll(source.substr(colon + 1));
          newest[partition] = std::max(newest[partition], offset);
        }
        return Status::Ok();
      });
  if (!read.ok()) newest.clear();
  return newest;
}

// Every record of `topic`, in offset order per partition: (CandleKey, value). Feature
// records hold the candle's fields, so they have a CandleKey too.
std::vector<std::pair<std::string, std::string>> KeyedRecords(stream::Broker& broker,
                                                              const std::string& topic) {
  std::vector<std::pair<std::string, std::string>> records;
  EXPECT_OK(stream::ReadTopicToEnd(
      broker, topic, stream::SeekTarget::Beginning(), [&](const stream::ConsumedRecord& record) {
        Result<process::Candle> candle = process::ParseCandleJson(record.value);
        if (!candle.ok()) return candle.status().WithContext(topic + " record");
        records.emplace_back(process::CandleKey(*candle), std::string(record.value));
        return Status::Ok();
      }));
  return records;
}

// By key; a key seen twice is counted in `duplicates`.
std::map<std::string, std::string> ByKey(
    const std::vector<std::pair<std::string, std::string>>& records,
    std::vector<std::string>* duplicates) {
  std::map<std::string, std::string> by_key;
  for (const auto& [key, value] : records) {
    if (!by_key.emplace(key, value).second) duplicates->push_back(key);
  }
  return by_key;
}

// Every record of `got` is the record of its key in `expected`, to the byte.
void ExpectRecordsOfReference(const std::map<std::string, std::string>& got,
                              const std::map<std::string, std::string>& expected,
                              std::string_view what) {
  for (const auto& [key, value] : got) {
    const auto it = expected.find(key);
    if (it == expected.end()) {
      ADD_FAILURE() << what << " " << key << " is not in the reference: " << value;
    } else {
      EXPECT_EQ(value, it->second) << what << " " << key;
    }
  }
}

// "pair|seconds|start" -> "pair|seconds".
std::string Series(const std::string& candle_key) {
  return candle_key.substr(0, candle_key.rfind('|'));
}
int64_t WindowStart(const std::string& candle_key) {
  return std::stoll(candle_key.substr(candle_key.rfind('|') + 1));
}

std::string Join(const std::set<int>& values) {
  std::string text;
  for (const int value : values) text += (text.empty() ? "" : ",") + std::to_string(value);
  return "{" + text + "}";
}

TEST(KafkaPipelineTest, TwoMembersSplitTheWorkAndTheSurvivorOfASigkillFinishesIt) {
  const auto test_start = Clock::now();
  const std::string trades = testing::SyntheticTrades(kTrades, kPairs);
  std::set<int32_t> used;
  for (const std::string& pair : testing::SyntheticPairs(kPairs)) {
    used.insert(stream::PartitionForKey(pair, kPartitions));
  }
  ASSERT_EQ(used.size(), static_cast<size_t>(kPartitions)) << "the pairs must fill every partition";

  // The reference: a bounded run over all the trades on the embedded log, with the
  // same partitions (same keys, same partitioner: the same stream per partition).
  CliRunner reference;
  {
    const std::string file = reference.WriteFile("trades.jsonl", trades);
    const CliResult replay = reference.Run("replay " + file + " --speed max --create-partitions " +
                                           std::to_string(kPartitions));
    ASSERT_EQ(replay.exit_code, 0) << replay.err;
    const std::string config = reference.WriteFile("market.yaml", std::string(kConfig));
    const CliResult run =
        reference.Run("pipeline run " + config + " --until-end --create-partitions " +
                      std::to_string(kPartitions));
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }

  // The cluster. It cannot create topics through the Admin API, so all are made here.
  const std::string p = ":" + std::to_string(kPartitions);
  ASSERT_OK_AND_ASSIGN(
      const std::unique_ptr<MockKafkaProcess> cluster,
      MockKafkaProcess::Start(
          RTML_MOCK_KAFKA_BIN, 3,
          {"trades" + p, "trades.dlq" + p, "candles" + p, "candles.dlq" + p, "features" + p,
           "features.dlq" + p, "market.candles.checkpoints:1", "market.features.checkpoints:1"}));
  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<stream::Broker> kafka,
                       stream::OpenBroker(cluster->uri()));
  // Quick heartbeats and a short session, so a killed member's partitions move
  // within seconds (the group waits a session timeout for a silent member).
  const std::string kafka_flags = " --broker " + cluster->uri() +
                                  " --kafka-config heartbeat.interval.ms=100"
                                  " --kafka-config session.timeout.ms=4000";

  CliRunner cli;
  const std::string config = cli.WriteFile("market.yaml", std::string(kConfig));
  // The trades arrive in three parts: before the members start, while both run (A is
  // killed once it has processed some), and after the kill (only B can take them).
  const size_t part1_end = kTrades / 2;
  const size_t part2_end = kTrades * 3 / 4;
  auto load = [&](size_t from, size_t to) {
    const std::string file = cli.WriteFile("trades.jsonl", LineRange(trades, from, to));
    const CliResult replay = cli.Run("replay " + file + " --speed max" + kafka_flags);
    EXPECT_EQ(replay.exit_code, 0) << replay.err;
    return replay.exit_code == 0;
  };
  ASSERT_TRUE(load(0, part1_end));

  // Started back to back, the two candle members join the group's first generation
  // together (the coordinator waits a moment for more members on a new group).
  // Checkpoints every 3 s: seconds of outputs a kill leaves after the last one.
  const std::string candles_run =
      "pipeline run " + config + " --stage candles --checkpoint-interval 3s" + kafka_flags;
  Member a(cli, candles_run);
  Member b(cli, candles_run);
  Member features(cli, "pipeline run " + config + " --stage features" + kafka_flags);
  auto logs = [&] {
    return "\n--- A:\n" + a.Err() + "\n--- B:\n" + b.Err() + "\n--- features:\n" + features.Err();
  };

  // 1. Both members hold partitions (between them all four, none twice), and the
  // group has processed and checkpointed all of the first part.
  std::string lag;
  const bool split = testing::WaitFor(
      40s,
      [&] {
        const std::set<int> held_a = a.Held(kCandlesGroup);
        const std::set<int> held_b = b.Held(kCandlesGroup);
        std::set<int> all = held_a;
        all.insert(held_b.begin(), held_b.end());
        return !held_a.empty() && !held_b.empty() && all.size() == kPartitions &&
               held_a.size() + held_b.size() == kPartitions &&
               testing::GroupCaughtUp(*kafka, kCandlesGroup, "trades", &lag);
      },
      [&] { return !a.Exited() && !b.Exited(); });
  ASSERT_TRUE(split) << "A holds " << Join(a.Held(kCandlesGroup)) << ", B holds "
                     << Join(b.Held(kCandlesGroup)) << "; " << lag << logs();
  const std::set<int> victim_partitions = a.Held(kCandlesGroup);
  const auto split_at = Clock::now();

  // 2. More trades while both run. Once A has written outputs of them in each of its
  // partitions, it dies without a word - mid-stream, most likely before its next
  // checkpoint covers those outputs (B then replays them and must not write them
  // twice).
  ASSERT_OK_AND_ASSIGN(const stream::TopicDescription trades_now, kafka->DescribeTopic("trades"));
  std::map<int, int64_t> part1_end_offset;
  for (const stream::PartitionInfo& info : trades_now.partitions) {
    part1_end_offset[info.partition] = info.end_offset;
  }
  ASSERT_TRUE(load(part1_end, part2_end));
  const bool a_busy = testing::WaitFor(
      30s,
      [&] {
        const std::map<int, int64_t> newest = NewestSources(*kafka, "candles");
        for (const int partition : victim_partitions) {
          const auto it = newest.find(partition);
          if (it == newest.end() || it->second < part1_end_offset.at(partition)) return false;
        }
        return true;
      },
      [&] { return !a.Exited(); });
  ASSERT_TRUE(a_busy) << "A wrote no candles of the second part" << logs();
  ASSERT_EQ(a.StopAndWait(SIGKILL), 128 + SIGKILL) << logs();
  const auto killed_at = Clock::now();

  // 3. The rest of the trades: A's partitions get them too, and only B can take them.
  ASSERT_TRUE(load(part2_end, kTrades));

  // 4. B takes A's partitions over and finishes the input: the group's commits reach
  // the end of every partition (B commits after each checkpoint).
  const bool finished = testing::WaitFor(
      45s,
      [&] {
        return b.Held(kCandlesGroup).size() == kPartitions &&
               testing::GroupCaughtUp(*kafka, kCandlesGroup, "trades", &lag);
      },
      [&] { return !b.Exited(); });
  ASSERT_TRUE(finished) << "B holds " << Join(b.Held(kCandlesGroup)) << "; " << lag << logs();
  const auto finished_at = Clock::now();
  ASSERT_EQ(b.StopAndWait(SIGINT), 0) << logs();
  // Every partition A held came to B through its checkpoint.
  const std::set<int> b_restored = b.RestoredFromCheckpoint(kCandlesGroup);
  for (const int partition : victim_partitions) {
    EXPECT_TRUE(b_restored.contains(partition))
        << "B restored " << Join(b_restored) << ", A held " << Join(victim_partitions) << logs();
  }
  EXPECT_GE(RestoredInSummary(b.Err(), kCandlesGroup), 1) << b.Err();

  // The features member reads every candle there is, then stops.
  const bool features_done = testing::WaitFor(
      30s, [&] { return testing::GroupCaughtUp(*kafka, kFeaturesGroup, "candles", &lag); },
      [&] { return !features.Exited(); });
  ASSERT_TRUE(features_done) << lag << logs();
  ASSERT_EQ(features.StopAndWait(SIGINT), 0) << logs();

  // 5. The results.
  std::unique_ptr<stream::Broker> file_broker = reference.OpenBroker();
  ASSERT_NE(file_broker, nullptr);
  std::vector<std::string> duplicates;
  const auto expected_candles = ByKey(KeyedRecords(*file_broker, "candles"), &duplicates);
  const auto expected_features = ByKey(KeyedRecords(*file_broker, "features"), &duplicates);
  ASSERT_TRUE(duplicates.empty()) << "the reference has " << duplicates.front() << " twice";
  const auto candles = ByKey(KeyedRecords(*kafka, "candles"), &duplicates);
  const auto features_got = ByKey(KeyedRecords(*kafka, "features"), &duplicates);
  // (b) emit: final writes each window once; the kill and the replay add no copy.
  EXPECT_TRUE(duplicates.empty()) << duplicates.size() << " records written twice, e.g. "
                                  << duplicates.front();

  // (a) Every candle on Kafka is the reference's candle of its window, to the byte.
  ExpectRecordsOfReference(candles, expected_candles, "candle");
  // (c) Every reference candle is on Kafka except windows still open there. The
  // unbounded run never closes its last windows (Finish runs only in a bounded run);
  // the bounded reference closed them. Windows are tumbling with no grace, so a window
  // stays open only while it holds the watermark W that closes its pair's windows (the
  // newest trade time seen on the partition, or of the pair): every trade of the pair
  // is at or before W, so an open window with a trade of the pair contains W, and no
  // later window of the pair has a trade. Hence at most one window per (pair, candle
  // size) is missing, and it is the pair's newest window of that size: at most
  // kPairs * kWindowSizes = 24 candles.
  std::map<std::string, int64_t> newest_start;  // (pair|seconds) -> newest window start
  for (const auto& [key, value] : expected_candles) {
    int64_t& newest = newest_start[Series(key)];
    newest = std::max(newest, WindowStart(key));
  }
  ASSERT_EQ(newest_start.size(), static_cast<size_t>(kPairs * kWindowSizes));
  std::set<std::string> missing_candles;
  for (const auto& [key, value] : expected_candles) {
    if (candles.contains(key)) continue;
    missing_candles.insert(key);
    EXPECT_EQ(WindowStart(key), newest_start.at(Series(key)))
        << "candle " << key << " is missing from Kafka though a later window of its pair "
        << "and size closed";
  }
  EXPECT_LE(missing_candles.size(), static_cast<size_t>(kPairs * kWindowSizes));
  EXPECT_EQ(candles.size() + missing_candles.size(), expected_candles.size());

  // Features: the same, keyed by their candle: equal to the reference's record, and
  // only those of candles missing from Kafka are missing.
  ExpectRecordsOfReference(features_got, expected_features, "feature record");
  size_t missing_features = 0;
  for (const auto& [key, value] : expected_features) {
    if (features_got.contains(key)) continue;
    ++missing_features;
    EXPECT_TRUE(missing_candles.contains(key))
        << "feature record " << key << " is missing though its candle is on Kafka";
  }
  EXPECT_FALSE(features_got.empty());

  auto seconds = [](Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 1e3;
  };
  std::printf(
      "candles: %zu on Kafka, %zu reference, %zu open windows missing; features: %zu on Kafka, "
      "%zu missing; A held %s; split after %.1fs, takeover and finish %.1fs after the kill, "
      "total %.1fs\n",
      candles.size(), expected_candles.size(), missing_candles.size(), features_got.size(),
      missing_features, Join(victim_partitions).c_str(), seconds(split_at - test_start),
      seconds(finished_at - killed_at), seconds(Clock::now() - test_start));
  std::smatch summary;
  const std::string b_err = b.Err();
  const std::regex summary_line("market\\.candles: [0-9]+ records in[^\n]*");
  std::printf("B: %s\n", std::regex_search(b_err, summary, summary_line) ? summary[0].str().c_str()
                                                                         : "(no summary)");
}

}  // namespace
}  // namespace rtml::cli
