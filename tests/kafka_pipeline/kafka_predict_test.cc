// The live-prediction pipeline (trades -> candles -> features -> predictions) over
// librdkafka's mock cluster (a separate process speaking the Kafka protocol), one
// `rtml pipeline run --stage X` process per stage, all following their inputs while
// one `rtml replay` process streams a seeded synthetic market into `trades`. A model
// is registered and promoted before any stage starts, so every prediction is its
// version 1. The predictions must be those of the whole pipeline run embedded
// (file://, one process, --until-end) over the same trades:
// 1. uninterrupted: while the stages follow, every prediction but each pair's newest
//    (its last 1 s window is still open: an unbounded run closes a window with the
//    pair's next trade) is there; a bounded run of each stage then closes the last
//    windows, and the predictions and their evaluations equal the embedded run's;
// 2. with the ingest and each stage SIGKILLed several times at random moments and
//    restarted while the trades stream in: the same, none missing and none twice.
//    A restarted `rtml replay` sends its file again from the start, and drops as
//    duplicates the trades up to the newest of each pair already in `trades`.
// In both, `trades` on Kafka holds each (pair, trade_id) of the embedded run once.
#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "mock_kafka_process.h"
#include "rtml/ml/model_registry.h"
#include "rtml/ml/model_spec.h"
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

constexpr int kPartitions = 2;
constexpr int kPairs = 4;
constexpr int kTrades = 6'000;  // ~1200 s of market: ~800 1 s candles per pair

constexpr std::string_view kModel = "close-1s";
constexpr std::string_view kConfig = R"(name: live
stages:
  - {name: candles, kind: candles, windows: [1s]}
  - {name: features, kind: features, features: [ema_5, rsi_3]}
  - name: predict
    kind: predict
    model: close-1s
    horizon: 1s
    where: {candle_seconds: 1}
)";
constexpr const char* kStages[] = {"candles", "features", "predict"};

// Per "pair|<time field>", the records of a topic without their timing field
// (latency_us), sorted: a multiset that two runs must agree on.
using Keyed = std::map<std::string, std::vector<std::string>>;

// The topics compared, each with the time field that keys its records with the pair.
// Candles and features are compared too: a trade counted twice, say, changes the
// volume but not the closes the predictions read.
struct ComparedTopic {
  const char* name;
  const char* time_field;
};
constexpr ComparedTopic kCompared[] = {{"candles", "window_start_ms"},
                                       {"features", "window_start_ms"},
                                       {"predictions", "ts_ms"},
                                       {"predictions.eval", "ts_ms"}};

std::string WithoutLatency(std::string value) {
  const size_t at = value.find(",\"latency_us\":");
  if (at == std::string::npos) return value;
  const size_t end = value.find_first_of(",}", at + 1);
  value.erase(at, end - at);
  return value;
}

Keyed ReadKeyed(stream::Broker& broker, const std::string& topic,
                const std::string& time_field = "ts_ms") {
  Keyed keyed;
  simdjson::dom::parser parser;
  EXPECT_OK(stream::ReadTopicToEnd(
      broker, topic, stream::SeekTarget::Beginning(), [&](const stream::ConsumedRecord& record) {
        const std::string value(record.value);
        simdjson::dom::element json;
        std::string_view pair;
        int64_t time = 0;
        if (parser.parse(value).get(json) || json["pair"].get_string().get(pair) ||
            json[time_field].get_int64().get(time)) {
          return Status::Corruption(topic + " record without pair and " + time_field + ": " +
                                    value);
        }
        keyed[std::string(pair) + "|" + std::to_string(time)].push_back(WithoutLatency(value));
        return Status::Ok();
      }));
  for (auto& [key, values] : keyed) std::sort(values.begin(), values.end());
  return keyed;
}

size_t Count(const Keyed& keyed) {
  size_t count = 0;
  for (const auto& [key, values] : keyed) count += values.size();
  return count;
}

// Every difference between two multisets, the first few spelled out.
void ExpectSameRecords(const Keyed& got, const Keyed& expected, std::string_view what) {
  std::vector<std::string> differences;
  size_t missing = 0;
  size_t extra = 0;
  for (const auto& [key, values] : expected) {
    const auto it = got.find(key);
    if (it == got.end()) {
      missing += values.size();
      differences.push_back("missing " + key + ": " + values.front());
    } else if (it->second != values) {
      differences.push_back(key + ": " + std::to_string(it->second.size()) + " record(s) [" +
                            it->second.front() + "] where the reference has " +
                            std::to_string(values.size()) + " [" + values.front() + "]");
      if (it->second.size() > values.size()) extra += it->second.size() - values.size();
      if (it->second.size() < values.size()) missing += values.size() - it->second.size();
    }
  }
  for (const auto& [key, values] : got) {
    if (expected.contains(key)) continue;
    extra += values.size();
    differences.push_back("not in the reference " + key + ": " + values.front());
  }
  std::string shown;
  for (size_t i = 0; i < differences.size() && i < 8; ++i) shown += "\n  " + differences[i];
  EXPECT_TRUE(differences.empty()) << what << ": " << Count(got) << " records, the reference has "
                                   << Count(expected) << "; " << missing << " missing, " << extra
                                   << " extra, " << differences.size() << " keys differ:" << shown;
}

// The reference without each pair's newest record: what a run that has not closed
// the pairs' last windows holds.
Keyed WithoutNewestOfEachPair(Keyed keyed) {
  std::map<std::string, std::pair<int64_t, std::string>> newest;  // pair -> (ts_ms, key)
  for (const auto& [key, values] : keyed) {
    const size_t bar = key.find('|');
    const int64_t ts_ms = std::stoll(key.substr(bar + 1));
    auto [at, added] = newest.emplace(key.substr(0, bar), std::pair{ts_ms, key});
    if (!added && at->second.first < ts_ms) at->second = {ts_ms, key};
  }
  for (const auto& [pair, ts_and_key] : newest) keyed.erase(ts_and_key.second);
  return keyed;
}

// A least-squares model of the close, ema_5 and rsi_3, registered as version 1 of
// kModel and promoted to production, as predict_cli_test does: fitted on fixed rows,
// so it is the same model in every run.
void RegisterModel(const std::string& registry) {
  ml::Dataset rows{.feature_names = {"close", "ema_5", "rsi_3"}};
  for (int i = 0; i < 50; ++i) {
    rows.Add(std::vector<double>{100.0 + i, 99.0 + i, 40.0 + i % 7}, 100.5 + i + 0.1 * (i % 7), i);
  }
  ASSERT_OK_AND_ASSIGN(auto model,
                       ml::MakeModel({.type = "least_squares", .features = rows.feature_names}));
  ASSERT_OK(model->Fit(rows, {}));
  ASSERT_OK_AND_ASSIGN(auto models, ml::ModelRegistry::Open(registry));
  ASSERT_OK_AND_ASSIGN(const std::string artifact, model->Save());
  ASSERT_OK_AND_ASSIGN(
      const ml::ModelVersion version,
      models->Register({.name = std::string(kModel), .task = "regression"}, artifact));
  ASSERT_EQ(version.version, 1);
  ASSERT_OK(models->Promote(std::string(kModel), "production", 1));
}

// The uninterrupted reference: replay and the whole pipeline in one bounded process on
// the embedded log, with the same partitions (same keys, same partitioner: the same
// stream per partition as on Kafka).
struct Reference {
  std::map<std::string, Keyed> topics;  // of kCompared
  Keyed trades;                         // by "pair|trade_id"
  const Keyed& predictions() const { return topics.at("predictions"); }
  const Keyed& evaluations() const { return topics.at("predictions.eval"); }
};

void RunReference(const CliRunner& cli, const std::string& trades, const std::string& registry,
                  Reference* reference) {
  const std::string file = cli.WriteFile("trades.jsonl", trades);
  const std::string partitions = " --create-partitions " + std::to_string(kPartitions);
  const CliResult replay = cli.Run("replay " + file + " --speed max" + partitions);
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  const std::string config = cli.WriteFile("live.yaml", std::string(kConfig));
  const CliResult run =
      cli.Run("pipeline run " + config + " --until-end --registry " + registry + partitions);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::unique_ptr<stream::Broker> broker = cli.OpenBroker();
  ASSERT_NE(broker, nullptr);
  for (const ComparedTopic& topic : kCompared) {
    reference->topics[topic.name] = ReadKeyed(*broker, topic.name, topic.time_field);
  }
  reference->trades = ReadKeyed(*broker, "trades", "trade_id");
  ASSERT_EQ(Count(reference->trades), static_cast<size_t>(kTrades));
  ASSERT_EQ(reference->trades.size(), static_cast<size_t>(kTrades)) << "a trade id twice";
  // Hundreds of predictions per pair, every one by the promoted model.
  ASSERT_GT(Count(reference->predictions()), static_cast<size_t>(kPairs) * 500);
  ASSERT_GT(Count(reference->evaluations()), Count(reference->predictions()) / 2);
  for (const auto& [key, values] : reference->predictions()) {
    ASSERT_EQ(values.size(), 1u) << key;
    ASSERT_NE(values.front().find("\"model\":\"close-1s\",\"model_version\":1,"), std::string::npos)
        << values.front();
  }
}

// One `rtml` process in the background.
class Process : public testing::RtmlProcess {
 public:
  using RtmlProcess::RtmlProcess;

  // True once the group has given the stage partitions of its input (its log says
  // "live.candles: partitions of trades held now: 0,1" on every change).
  bool HoldsPartitions(std::string_view stage) const {
    const std::string err = Err();
    const std::string said = "rtml: live." + std::string(stage) + ": partitions of ";
    const size_t at = err.rfind(said);
    if (at == std::string::npos) return false;
    const size_t line_end = err.find('\n', at);
    return line_end != std::string::npos &&
           err.compare(line_end - 6, 6, ": none") != 0;  // "held now: none"
  }
};

// The pipeline on the mock cluster: one process per stage, following its input as a
// member of the stage's group, and the trades streamed in by one replay process.
class KafkaPipeline {
 public:
  void SetUp(const std::string& trades, const std::string& registry) {
    const std::string p = ":" + std::to_string(kPartitions);
    // The cluster cannot create topics through the Admin API, so all are made here.
    ASSERT_OK_AND_ASSIGN(
        cluster_, MockKafkaProcess::Start(
                      RTML_MOCK_KAFKA_BIN, 3,
                      {"trades" + p, "trades.dlq" + p, "candles" + p, "candles.dlq" + p,
                       "features" + p, "features.dlq" + p, "predictions" + p,
                       "predictions.eval" + p, "predictions.dlq" + p, "live.candles.checkpoints:1",
                       "live.features.checkpoints:1", "live.predict.checkpoints:1"}));
    ASSERT_OK_AND_ASSIGN(broker_, stream::OpenBroker(cluster_->uri()));
    trades_file_ = cli_.WriteFile("trades.jsonl", trades);
    config_ = cli_.WriteFile("live.yaml", std::string(kConfig));
    common_ = " --broker " + cluster_->uri() + " --registry " + registry;
  }

  // `rtml pipeline run --stage NAME` following its input. Quick heartbeats and a
  // short session, so a killed member's partitions move within seconds (the group
  // waits a session timeout for a silent member).
  std::unique_ptr<Process> StartStage(std::string_view stage) const {
    return std::make_unique<Process>(cli_, "pipeline run " + config_ + " --stage " +
                                               std::string(stage) + common_ +
                                               " --kafka-config heartbeat.interval.ms=100"
                                               " --kafka-config session.timeout.ms=" +
                                               std::to_string(kSessionTimeoutMs));
  }

  // The trades, at `speed` times their recorded pace.
  std::unique_ptr<Process> StartReplay(const std::string& speed) const {
    return std::make_unique<Process>(
        cli_, "replay " + trades_file_ + " --speed " + speed + " --broker " + cluster_->uri());
  }

  // True once every stage's group has processed and checkpointed all of its input
  // and the predictions number `predictions`. Checked in pipeline order, so a stage
  // found caught up has seen everything the one before wrote.
  bool Settled(size_t predictions, std::string* report) {
    for (const auto& [group, input] : {std::pair{"live.candles", "trades"},
                                       {"live.features", "candles"},
                                       {"live.predict", "features"}}) {
      if (!testing::GroupCaughtUp(*broker_, group, input, report)) return false;
    }
    const size_t now = Count(ReadKeyed(*broker_, "predictions"));
    *report = std::to_string(now) + " predictions, " + std::to_string(predictions) + " expected";
    return now >= predictions;  // more would be a duplicate: the comparison then says which
  }

  // A bounded run of each stage in turn: restores its checkpoints and closes the
  // windows an unbounded run keeps open.
  void CloseLastWindows() const {
    for (const char* stage : kStages) {
      const CliResult run = cli_.Run("pipeline run " + config_ + " --until-end --stage " +
                                     std::string(stage) + common_);
      ASSERT_EQ(run.exit_code, 0) << stage << ": " << run.err;
    }
  }

  // The records in `trades`, over all partitions.
  Result<int64_t> TradesStored() {
    RTML_ASSIGN_OR_RETURN(const stream::TopicDescription trades, broker_->DescribeTopic("trades"));
    int64_t stored = 0;
    for (const stream::PartitionInfo& partition : trades.partitions) {
      stored += partition.end_offset - partition.start_offset;
    }
    return stored;
  }

  stream::Broker& broker() { return *broker_; }

  static constexpr int kSessionTimeoutMs = 3000;

 private:
  std::unique_ptr<MockKafkaProcess> cluster_;
  std::unique_ptr<stream::Broker> broker_;
  CliRunner cli_;
  std::string trades_file_;
  std::string config_;
  std::string common_;
};

// What both tests share: the input, the model, the reference.
class KafkaPredictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    trades_ = testing::SyntheticTrades(kTrades, kPairs);
    std::set<int32_t> used;
    for (const std::string& pair : testing::SyntheticPairs(kPairs)) {
      used.insert(stream::PartitionForKey(pair, kPartitions));
    }
    ASSERT_EQ(used.size(), static_cast<size_t>(kPartitions)) << "the pairs must fill every "
                                                                "partition";
    registry_ = reference_cli_.dir().str() + "/models";
    ASSERT_NO_FATAL_FAILURE(RegisterModel(registry_));
    ASSERT_NO_FATAL_FAILURE(RunReference(reference_cli_, trades_, registry_, &reference_));
    ASSERT_NO_FATAL_FAILURE(kafka_.SetUp(trades_, registry_));
  }

  // Once the replay is done, waits for the stages to settle, stops them with SIGTERM
  // and checks what they wrote, then closes the last windows and checks again.
  void FinishAndCompare(Process& replay, std::vector<std::unique_ptr<Process>>& stages) {
    ASSERT_TRUE(testing::WaitFor(60s, [&] { return replay.Exited(); })) << replay.Err();
    ASSERT_EQ(replay.exit_code(), 0) << replay.Err();
    // Each trade stored once, whatever the replay went through.
    const Keyed trades = ReadKeyed(kafka_.broker(), "trades", "trade_id");
    size_t twice = 0;
    for (const auto& [key, values] : trades) twice += values.size() > 1 ? 1 : 0;
    EXPECT_EQ(twice, 0u) << "(pair, trade_id) stored more than once";
    EXPECT_EQ(Count(trades), Count(reference_.trades));
    ExpectSameRecords(trades, reference_.trades, "trades");
    const Keyed live_expected = WithoutNewestOfEachPair(reference_.predictions());
    std::string report;
    const bool settled =
        testing::WaitFor(60s, [&] { return kafka_.Settled(Count(live_expected), &report); });
    std::string logs;
    for (size_t i = 0; i < stages.size(); ++i) {
      logs += std::string("\n--- ") + kStages[i] + ":\n" + stages[i]->Err();
    }
    ASSERT_TRUE(settled) << report << logs;
    for (size_t i = 0; i < stages.size(); ++i) {
      EXPECT_EQ(stages[i]->StopAndWait(SIGTERM), 0) << kStages[i] << logs;
      std::smatch summary;
      const std::string err = stages[i]->Err();
      if (std::regex_search(err, summary, std::regex("live\\.[a-z]+: [0-9]+ records in[^\n]*"))) {
        std::printf("last %s process: %s\n", kStages[i], summary[0].str().c_str());
      }
    }
    // Live: every prediction but each pair's newest, whose window is still open.
    ExpectSameRecords(ReadKeyed(kafka_.broker(), "predictions"), live_expected,
                      "predictions while following");

    ASSERT_NO_FATAL_FAILURE(kafka_.CloseLastWindows());
    for (const ComparedTopic& topic : kCompared) {
      ExpectSameRecords(ReadKeyed(kafka_.broker(), topic.name, topic.time_field),
                        reference_.topics.at(topic.name), topic.name);
    }
  }

  std::string trades_;
  CliRunner reference_cli_;
  std::string registry_;
  Reference reference_;
  KafkaPipeline kafka_;
};

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count() / 1e3;
}

TEST_F(KafkaPredictTest, OneProcessPerStageGivesThePredictionsOfTheEmbeddedRun) {
  const auto start = Clock::now();
  std::vector<std::unique_ptr<Process>> stages;
  for (const char* stage : kStages) stages.push_back(kafka_.StartStage(stage));
  // The trades stream in over ~10 s while the stages follow.
  const std::unique_ptr<Process> replay = kafka_.StartReplay("120");
  ASSERT_NO_FATAL_FAILURE(FinishAndCompare(*replay, stages));
  std::printf("%zu predictions (%zu evaluations) on Kafka as embedded, %.1fs\n",
              Count(reference_.predictions()), Count(reference_.evaluations()),
              SecondsSince(start));
}

TEST_F(KafkaPredictTest, IngestAndStagesSigkilledAtRandomMomentsLoseAndRepeatNoTradeOrPrediction) {
  constexpr int kKillsPerStage = 4;
  constexpr int kReplayKills = 4;
  // The market's ~1200 s in 15 s. A restarted replay paces its file from the start
  // again, the trades already stored as slowly as new ones, so it spends as long as
  // the run before it before it sends a new trade: with kills 0.5-3.5 s into each
  // run's new trades, the trades stream in over ~35 s (at most ~50 s).
  const std::string replay_speed = "80";
  const auto start = Clock::now();
  std::mt19937 rng(7);
  struct Followed {
    std::unique_ptr<Process> process;
    int kills = 0;
    std::optional<Clock::time_point> kill_at;  // once it holds partitions
  };
  std::vector<Followed> followed;
  for (const char* stage : kStages) followed.push_back({kafka_.StartStage(stage), 0, {}});
  std::unique_ptr<Process> replay = kafka_.StartReplay(replay_speed);

  // Each stage, once the group has given it its partitions (after the restart a kill
  // needs), is killed at a random moment up to 1.5 s later, mid-stream, and
  // restarted, until each was killed kKillsPerStage times. Meanwhile the replay,
  // once `trades` grows past what was stored when it was last killed (it sends new
  // trades, not only skips stored ones), is killed at a random moment 0.5-3.5 s
  // later and restarted with the same arguments, kReplayKills times.
  int replay_kills = 0;
  int64_t stored_at_replay_kill = 0;
  std::string stored_at_replay_kills;  // for the summary
  constexpr Clock::time_point kNotYet = Clock::time_point::max();
  Clock::time_point replay_kill_at = kNotYet;
  std::mt19937 replay_rng(11);
  auto next_poll = Clock::now();
  auto all_killed = [&] {
    for (const Followed& f : followed) {
      if (f.kills < kKillsPerStage) return false;
    }
    return replay_kills == kReplayKills;
  };
  const auto deadline = Clock::now() + 60s;
  while (!all_killed() && Clock::now() < deadline) {
    for (size_t i = 0; i < followed.size(); ++i) {
      Followed& f = followed[i];
      ASSERT_FALSE(f.process->Exited()) << kStages[i] << " exited by itself with "
                                        << *f.process->exit_code() << ": " << f.process->Err();
      if (f.kills >= kKillsPerStage) continue;
      if (!f.kill_at && f.process->HoldsPartitions(kStages[i])) {
        f.kill_at = Clock::now() +
                    std::chrono::milliseconds(std::uniform_int_distribution<>(100, 1500)(rng));
      }
      if (f.kill_at && Clock::now() >= *f.kill_at) {
        ASSERT_EQ(f.process->StopAndWait(SIGKILL), 128 + SIGKILL) << f.process->Err();
        ++f.kills;
        f.kill_at.reset();
        f.process = kafka_.StartStage(kStages[i]);
      }
    }
    if (replay_kills < kReplayKills) {
      ASSERT_FALSE(replay->Exited())
          << "the replay ended after " << replay_kills << " kill(s), with " << *replay->exit_code()
          << " (too fast for the kills?): " << replay->Err();
      if (replay_kill_at == kNotYet && Clock::now() >= next_poll) {
        next_poll = Clock::now() + 100ms;
        ASSERT_OK_AND_ASSIGN(const int64_t stored, kafka_.TradesStored());
        if (stored > stored_at_replay_kill) {
          replay_kill_at = Clock::now() + std::chrono::milliseconds(std::uniform_int_distribution<>(
                                              500, 3500)(replay_rng));
        }
      }
      if (Clock::now() >= replay_kill_at) {
        ASSERT_EQ(replay->StopAndWait(SIGKILL), 128 + SIGKILL) << replay->Err();
        ++replay_kills;
        replay_kill_at = kNotYet;
        ASSERT_OK_AND_ASSIGN(stored_at_replay_kill, kafka_.TradesStored());
        stored_at_replay_kills +=
            (replay_kills > 1 ? ", " : "") + std::to_string(stored_at_replay_kill);
        replay = kafka_.StartReplay(replay_speed);
      }
    }
    std::this_thread::sleep_for(10ms);
  }
  const double kills_done_at = SecondsSince(start);
  const bool replay_running = !replay->Exited();
  std::vector<std::unique_ptr<Process>> stages;
  for (Followed& f : followed) stages.push_back(std::move(f.process));
  ASSERT_NO_FATAL_FAILURE(FinishAndCompare(*replay, stages));
  std::printf(
      "SIGKILLed replay %d times (with %s of %d trades stored), candles %d, features %d, "
      "predict %d times (all by %.1fs, replay %s); %zu trades, %zu predictions (%zu "
      "evaluations) on Kafka as embedded, %.1fs\n",
      replay_kills, stored_at_replay_kills.c_str(), kTrades, followed[0].kills, followed[1].kills,
      followed[2].kills, kills_done_at, replay_running ? "still streaming" : "done",
      Count(reference_.trades), Count(reference_.predictions()), Count(reference_.evaluations()),
      SecondsSince(start));
  EXPECT_EQ(replay_kills, kReplayKills);
  for (const Followed& f : followed) EXPECT_EQ(f.kills, kKillsPerStage);
}

}  // namespace
}  // namespace rtml::cli
