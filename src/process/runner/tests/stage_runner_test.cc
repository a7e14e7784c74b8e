// StageRunner on the embedded log: a bounded run gives the operator's outputs once;
// a rerun adds nothing; and a runner killed with SIGKILL at random moments, then
// restarted, ends with exactly the outputs of a run that was never killed.
#include "rtml/process/stage_runner.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "counting_operator.h"
#include "rtml/stream/broker.h"
#include "rtml/stream/topic_reader.h"
#include "stage_checkpoint.h"
#include "testing.h"

namespace rtml::process {
namespace {

using std::chrono::milliseconds;

constexpr int kKeys = 12;

// key → the values of its outputs in offset order (keys live in one partition).
using OutputsByKey = std::map<std::string, std::vector<std::string>>;

class StageRunnerTest : public ::testing::Test {
 protected:
  std::string Uri() const { return "file://" + dir_.str() + "/data"; }

  std::unique_ptr<stream::Broker> Open() const {
    auto broker = stream::OpenBroker(Uri());
    EXPECT_TRUE(broker.ok()) << broker.status().ToString();
    return std::move(broker).value();
  }

  // `records` input records over 3 partitions, 1 in 500 not a number.
  void WriteInput(int records) {
    auto broker = Open();
    for (const char* topic : {"in", "out", "dlq"}) {
      ASSERT_OK(broker->CreateTopic(
          {.name = topic, .partitions = 3, .retention_ms = stream::kUnlimited}));
    }
    ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
    std::mt19937_64 rng(42);
    for (int i = 0; i < records; ++i) {
      const std::string key = "k" + std::to_string(rng() % kKeys);
      const std::string value =
          i % 500 == 499 ? "x" + std::to_string(i) : std::to_string(rng() % 1000);
      ASSERT_OK(producer->Produce("in", {.key = key, .value = value, .timestamp_ms = 1000 + i}));
    }
    ASSERT_OK(producer->Flush());
  }

  static StageOptions Options(milliseconds checkpoint_interval = milliseconds(1000)) {
    return {.name = "count",
            .input_topic = "in",
            .output_topics = {"out", "dlq"},
            .checkpoint_interval = checkpoint_interval,
            .stop_at_end = true};
  }

  static OperatorFactory Factory() {
    return [](int32_t) -> Result<std::unique_ptr<PartitionOperator>> {
      return std::unique_ptr<PartitionOperator>(std::make_unique<testing::CountingOperator>());
    };
  }

  Result<StageStats> RunToEnd(StageOptions options) const {
    auto broker = Open();
    RTML_ASSIGN_OR_RETURN(auto runner, StageRunner::Create(broker.get(), options, Factory()));
    RTML_RETURN_IF_ERROR(runner->Run());
    return runner->stats();
  }

  OutputsByKey Outputs(const std::string& topic) const {
    auto broker = Open();
    OutputsByKey outputs;
    EXPECT_OK(stream::ReadTopicToEnd(*broker, topic, stream::SeekTarget::Beginning(),
                                     [&](const stream::ConsumedRecord& record) {
                                       outputs[std::string(*record.key)].emplace_back(record.value);
                                       return Status::Ok();
                                     }));
    return outputs;
  }

  // What the operator gives over the whole input in one go, without any runner.
  OutputsByKey Reference() const {
    auto broker = Open();
    std::map<int32_t, testing::CountingOperator> operators;
    OutputsByKey outputs;
    std::vector<OutputRecord> out;
    EXPECT_OK(stream::ReadTopicToEnd(
        *broker, "in", stream::SeekTarget::Beginning(), [&](const stream::ConsumedRecord& record) {
          out.clear();
          RTML_RETURN_IF_ERROR(operators[record.partition].Process(record, &out));
          for (const OutputRecord& o : out) {
            if (o.topic == "out") outputs[o.key].push_back(o.value);
          }
          return Status::Ok();
        }));
    for (auto& [partition, op] : operators) {
      out.clear();
      EXPECT_OK(op.Finish(&out));
      for (const OutputRecord& o : out) outputs[o.key].push_back(o.value);
    }
    return outputs;
  }

  rtml::testing::TempDir dir_;
};

TEST_F(StageRunnerTest, BoundedRunWritesEachOutputOnce) {
  WriteInput(5000);
  ASSERT_OK_AND_ASSIGN(const StageStats stats, RunToEnd(Options()));
  EXPECT_EQ(stats.records_in, 5000);
  EXPECT_EQ(stats.replays_skipped, 0);
  EXPECT_EQ(Outputs("out"), Reference());
  int64_t dead = 0;
  for (const auto& [key, values] : Outputs("dlq")) dead += static_cast<int64_t>(values.size());
  EXPECT_EQ(dead, 10);
}

TEST_F(StageRunnerTest, RerunOfACompletedRangeAddsNothing) {
  WriteInput(3000);
  ASSERT_OK(RunToEnd(Options()).status());
  const OutputsByKey first = Outputs("out");
  ASSERT_OK_AND_ASSIGN(const StageStats again, RunToEnd(Options()));
  EXPECT_EQ(again.records_in, 0);
  EXPECT_EQ(again.restored, 3);
  EXPECT_EQ(Outputs("out"), first);
}

TEST_F(StageRunnerTest, StagesSharingAnOutputTopicEachWriteTheirOwnOutputs) {
  // Two stages on the same input writing the same topic (a predict stage per pair):
  // at its start the second must not take the first's outputs for its own replays.
  WriteInput(2000);
  StageOptions first = Options();
  first.name = "first";
  ASSERT_OK(RunToEnd(first).status());
  StageOptions second = Options();
  second.name = "second";
  ASSERT_OK_AND_ASSIGN(const StageStats stats, RunToEnd(second));
  EXPECT_EQ(stats.replays_skipped, 0);
  OutputsByKey twice;
  for (const auto& [key, values] : Reference()) {
    for (int run = 0; run < 2; ++run)
      twice[key].insert(twice[key].end(), values.begin(), values.end());
  }
  OutputsByKey outputs = Outputs("out");
  for (auto& [key, values] : outputs) std::sort(values.begin(), values.end());
  for (auto& [key, values] : twice) std::sort(values.begin(), values.end());
  EXPECT_EQ(outputs, twice);
}

TEST_F(StageRunnerTest, CheckpointRoundTripsAndRefusesOtherBytes) {
  const StageCheckpoint checkpoint{.partition = 2,
                                   .next_offset = 12345,
                                   .finished = true,
                                   .outputs = {{"out", 0, 17}, {"dlq", 1, 3}},
                                   .state = std::string("\0binary\xff", 8)};
  ASSERT_OK_AND_ASSIGN(const StageCheckpoint decoded,
                       DecodeStageCheckpoint(EncodeStageCheckpoint(checkpoint)));
  EXPECT_EQ(decoded, checkpoint);
  EXPECT_FALSE(DecodeStageCheckpoint("counting").ok());
  std::string cut = EncodeStageCheckpoint(checkpoint);
  cut.pop_back();
  EXPECT_FALSE(DecodeStageCheckpoint(cut).ok());
}

// The exactly-once effect: kill -9 at random moments, restart, until a run finishes.
// The outputs then equal a run that was never killed: per key the same values in the
// same order, none missing, none twice.
TEST_F(StageRunnerTest, SigkillAtRandomMomentsLeavesTheOutputsOfAnUninterruptedRun) {
  WriteInput(400'000);
  std::mt19937 rng(7);
  int kills = 0;
  for (int attempt = 0; attempt < 200; ++attempt) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // A short checkpoint interval puts many checkpoints, and kills, mid-stream.
      const Result<StageStats> stats = RunToEnd(Options(milliseconds(3)));
      _exit(stats.ok() ? 0 : 1);
    }
    // Restarts grow slower as the outputs grow: later runs get longer before the kill.
    // Short pauses, so that even an idle machine is killed many times mid-stream.
    std::this_thread::sleep_for(
        milliseconds(std::uniform_int_distribution<>(10, 80)(rng) + 5 * attempt));
    kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    if (WIFEXITED(status)) {
      ASSERT_EQ(WEXITSTATUS(status), 0) << "the runner failed after " << kills << " kills";
      break;
    }
    ++kills;
  }
  EXPECT_GE(kills, 10) << "the run ended before enough kills; make the input longer";
  std::printf("killed %d times\n", kills);
  // One more run must find everything done.
  ASSERT_OK_AND_ASSIGN(const StageStats last, RunToEnd(Options()));
  EXPECT_EQ(last.records_in, 0);
  const OutputsByKey outputs = Outputs("out");
  const OutputsByKey reference = Reference();
  ASSERT_EQ(outputs.size(), reference.size());
  for (const auto& [key, values] : reference) {
    const std::vector<std::string>& got = outputs.at(key);
    ASSERT_EQ(got.size(), values.size()) << key << " after " << kills << " kills";
    for (size_t i = 0; i < values.size(); ++i) {
      ASSERT_EQ(got[i], values[i]) << key << " output " << i << " after " << kills << " kills";
    }
  }
  int64_t dead = 0;
  for (const auto& [key, values] : Outputs("dlq")) dead += static_cast<int64_t>(values.size());
  EXPECT_EQ(dead, 800);
}

}  // namespace
}  // namespace rtml::process
