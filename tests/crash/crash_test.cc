// Crash tests of the file:// log with real processes (see crash_writer_main.cc and
// crash_consumer_main.cc). Each test SIGKILLs the helpers at random moments, then
// holds the log and the consumer group to the contract in docs/file-log-format.md.
// The random seed is printed; RTML_CRASH_SEED=<seed> replays the same schedule.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "child_process.h"
#include "consumer_runs.h"
#include "crash_log.h"
#include "crash_record.h"
#include "file_broker.h"
#include "partition_writer.h"
#include "testing.h"
#include "torn_tail.h"
#include "writer_runs.h"

namespace rtml::crash {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kTopic[] = "crash";
constexpr char kGroup[] = "crashers";
constexpr int kWriterRounds = 24;
constexpr int kConsumerRounds = 20;
// Small segments, so that kills also land around segment rolls.
constexpr int64_t kSegmentBytes = 1 << 20;
// A kill cuts at most the one batch being written: a full batch plus a record.
const uint64_t kMaxTornBytes = stream::file::PartitionWriterOptions{}.batch_bytes + 1024;

constexpr const char* kPolicies[] = {"always", "interval", "never"};
constexpr int kFlushEvery[] = {100, 1000, 20000, 7};

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Describe(const std::vector<std::string>& violations) {
  std::string out;
  for (size_t i = 0; i < violations.size() && i < 20; ++i) out += "\n  " + violations[i];
  return out;
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* seed_env = std::getenv("RTML_CRASH_SEED");
    seed_ = seed_env != nullptr ? static_cast<uint32_t>(std::strtoul(seed_env, nullptr, 10))
                                : std::random_device{}();
    rng_.seed(seed_);
    std::printf("RTML_CRASH_SEED=%u\n", seed_);
    RecordProperty("seed", std::to_string(seed_));
    std::filesystem::create_directory(dir_.path() / "out");
    ASSERT_OK_AND_ASSIGN(auto broker, stream::OpenFileBroker(log_dir(), "file://" + log_dir(), {}));
    ASSERT_OK(broker->CreateTopic({.name = kTopic,
                                   .partitions = kPartitions,
                                   .retention_ms = stream::kUnlimited,
                                   .segment_bytes = kSegmentBytes}));
  }

  std::string log_dir() const { return (dir_.path() / "log").string(); }
  std::filesystem::path topic_dir() const { return dir_.path() / "log" / "topics" / kTopic; }
  std::filesystem::path OutPath(const std::string& name) const {
    return dir_.path() / "out" / name;
  }

  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  static void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

  // Writer number `id` with stdout/stderr in out/writer-<id>.{out,err}.
  Result<ChildProcess> StartWriter(int id, std::vector<std::string> extra) {
    std::vector<std::string> argv = {RTML_CRASH_WRITER, "--dir=" + log_dir(),
                                     std::string("--topic=") + kTopic};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const std::string name = "writer-" + std::to_string(id);
    return ChildProcess::Start(argv, OutPath(name + ".out"), OutPath(name + ".err"));
  }
  std::vector<std::string> RoundFlags(int round) {
    return {std::string("--fsync=") + kPolicies[round % 3],
            "--flush-every=" + std::to_string(kFlushEvery[round % 4])};
  }
  WriterRun WriterOutput(int id) {
    return ParseWriterRun(ReadText(OutPath("writer-" + std::to_string(id) + ".out")));
  }
  std::string WriterErrors(int id) {
    return ReadText(OutPath("writer-" + std::to_string(id) + ".err"));
  }

  // Appends a cut-short batch to a random partition. `tracked`: the next writer
  // must report dropping it (not so when a consumer may repair it first).
  void InjectTornTail(bool tracked) {
    const auto p = static_cast<size_t>(Uniform(0, kPartitions - 1));
    const std::string batch =
        BatchForTornTail(ActiveSegments(topic_dir(), kPartitions)[p].base, Uniform(1, 50));
    const auto keep = static_cast<size_t>(Uniform(1, static_cast<int>(batch.size()) - 1));
    ASSERT_OK(AppendToActiveSegment(topic_dir() / std::to_string(p), batch.substr(0, keep)));
    if (tracked) must_drop_[p] += keep;
    may_drop_[p] += keep;
  }

  // Holds a writer's recovery report to the segments as they were before it ran
  // and to the torn tails injected since the last recovery.
  void ExpectSaneRecovery(const WriterRun& run, const std::vector<SegmentTail>& before,
                          const std::string& who) {
    const uint64_t injected = *std::max_element(may_drop_.begin(), may_drop_.end());
    auto bad = CheckRecovery(run, before, kMaxTornBytes + injected);
    for (const RecoveryLine& r : run.recovered) {
      const auto p = static_cast<size_t>(r.partition);
      if (p >= must_drop_.size()) continue;  // reported by CheckRecovery
      if (r.dropped < must_drop_[p]) {
        bad.push_back("partition " + std::to_string(p) + ": dropped " + std::to_string(r.dropped) +
                      " bytes, " + std::to_string(must_drop_[p]) + " were injected");
      }
      must_drop_[p] = may_drop_[p] = 0;
      torn_tails_ += r.dropped > 0 ? 1 : 0;
      dropped_bytes_ += r.dropped;
    }
    // A run killed before reporting a partition may or may not have repaired it.
    must_drop_.assign(kPartitions, 0);
    EXPECT_THAT(bad, IsEmpty()) << who << Describe(bad);
  }

  // Runs a writer that produces nothing: it recovers the last kill's torn tails
  // and must find where to resume, leaving the log at rest for the checks.
  void RunQuietWriter(int id, std::vector<WriterRun>* runs) {
    const auto before = ActiveSegments(topic_dir(), kPartitions);
    ASSERT_OK_AND_ASSIGN(ChildProcess writer, StartWriter(id, {"--count=0"}));
    const auto exit = writer.WaitFor(30'000);
    ASSERT_TRUE(exit.has_value() && !exit->signaled && exit->code == 0)
        << (exit ? exit->ToString() : "still running") << ": " << WriterErrors(id);
    WriterRun run = WriterOutput(id);
    EXPECT_EQ(run.recovered.size(), static_cast<size_t>(kPartitions));
    EXPECT_TRUE(run.start.has_value());
    ExpectSaneRecovery(run, before, "quiet writer");
    runs->push_back(run);
  }

  // Counts the records each run left beyond what it reported flushed: they may
  // or may not survive a kill (the check allows both), this says which happened.
  static size_t UnflushedSurvivors(const CrashLog& log, const std::vector<WriterRun>& runs) {
    size_t count = 0;
    for (size_t r = 0; r < runs.size(); ++r) {
      if (!runs[r].start.has_value()) continue;
      int64_t next = INT64_MAX;
      for (size_t later = r + 1; later < runs.size(); ++later) {
        if (runs[later].start.has_value()) {
          next = *runs[later].start;
          break;
        }
      }
      const int64_t from = std::max(*runs[r].start, runs[r].flushed + 1);
      for (const auto& seqs : log.seqs) {
        count += static_cast<size_t>(std::lower_bound(seqs.begin(), seqs.end(), next) -
                                     std::lower_bound(seqs.begin(), seqs.end(), from));
      }
    }
    return count;
  }

  testing::TempDir dir_;
  uint32_t seed_ = 0;
  std::mt19937 rng_;
  std::vector<uint64_t> must_drop_ = std::vector<uint64_t>(kPartitions, 0);
  std::vector<uint64_t> may_drop_ = std::vector<uint64_t>(kPartitions, 0);
  int torn_tails_ = 0;  // recoveries that dropped bytes
  uint64_t dropped_bytes_ = 0;
};

// Acceptance: "A writer process killed with SIGKILL while producing: after restart,
// the log holds an exact prefix of what was sent".
TEST_F(CrashTest, KilledWriterLeavesAnExactPrefix) {
  std::vector<WriterRun> runs;
  for (int round = 0; round < kWriterRounds; ++round) {
    const auto before = ActiveSegments(topic_dir(), kPartitions);
    ASSERT_OK_AND_ASSIGN(ChildProcess writer, StartWriter(round, RoundFlags(round)));
    SleepMs(Uniform(20, 300));
    writer.Kill(SIGKILL);
    const ExitStatus exit = writer.Wait();
    ASSERT_TRUE(exit.signaled) << "writer " << round << " ended by itself (" << exit.ToString()
                               << "): " << WriterErrors(round);
    WriterRun run = WriterOutput(round);
    ExpectSaneRecovery(run, before, "writer " + std::to_string(round));
    runs.push_back(std::move(run));
    if (round % 3 == 1) InjectTornTail(/*tracked=*/true);
  }
  RunQuietWriter(kWriterRounds, &runs);

  ASSERT_OK_AND_ASSIGN(const CrashLog log, ReadCrashLog(log_dir(), kTopic));
  const auto bad = CheckWriterRuns(log, runs);
  EXPECT_THAT(bad, IsEmpty()) << Describe(bad);

  // Not vacuous: most runs got going, every partition got records.
  int flushed_runs = 0;
  for (const WriterRun& run : runs) flushed_runs += run.flushed >= 0 ? 1 : 0;
  EXPECT_GE(flushed_runs, kWriterRounds / 2);
  for (const auto& seqs : log.seqs) EXPECT_GT(seqs.size(), 0u);
  std::printf(
      "%zu records from %d killed writers (%d flushed); %zu unflushed records survived; "
      "%d torn tails, %llu bytes dropped\n",
      log.TotalRecords(), kWriterRounds, flushed_runs, UnflushedSurvivors(log, runs), torn_tails_,
      static_cast<unsigned long long>(dropped_bytes_));
}

// Acceptance: "... the consumer group resumes after its last commit with no gap".
// The consumer follows the log live while writers are killed and restarted under
// it, and is killed itself at random moments.
TEST_F(CrashTest, KilledConsumerResumesAfterItsLastCommit) {
  std::vector<ConsumerRun> consumer_runs;
  std::vector<WriterRun> writer_runs;
  std::optional<ChildProcess> consumer;
  const auto out_file = OutPath("processed.txt");
  const auto consumer_out = [&](size_t id) { return OutPath("consumer-" + std::to_string(id)); };
  const auto start_consumer = [&](bool until_caught_up) {
    ConsumerRun run;
    ASSERT_OK_AND_ASSIGN(run.committed_before,
                         ReadCommitted(dir_.path() / "log", kGroup, kTopic, kPartitions));
    const size_t id = consumer_runs.size();
    consumer_runs.push_back(std::move(run));
    ASSERT_OK_AND_ASSIGN(
        ChildProcess child,
        ChildProcess::Start(
            {RTML_CRASH_CONSUMER, "--dir=" + log_dir(), std::string("--topic=") + kTopic,
             std::string("--group=") + kGroup, "--out=" + out_file.string(),
             "--run=" + std::to_string(id), "--batch=" + std::to_string(Uniform(20, 2000)),
             std::string("--until-caught-up=") + (until_caught_up ? "1" : "0")},
            consumer_out(id).string() + ".out", consumer_out(id).string() + ".err"));
    consumer.emplace(std::move(child));
  };
  const auto kill_consumer = [&] {
    consumer->Kill(SIGKILL);
    const ExitStatus exit = consumer->Wait();
    consumer.reset();
    const size_t id = consumer_runs.size() - 1;
    EXPECT_TRUE(exit.signaled) << "consumer " << id << " ended by itself (" << exit.ToString()
                               << "): " << ReadText(consumer_out(id).string() + ".err");
  };

  int consumer_kills = 0;
  start_consumer(false);
  for (int round = 0; round < kConsumerRounds; ++round) {
    // Slower than flat out, so the final consumer catches up in a few seconds.
    auto flags = RoundFlags(round);
    flags.push_back("--rate=200000");
    ASSERT_OK_AND_ASSIGN(ChildProcess writer, StartWriter(round, flags));
    SleepMs(Uniform(10, 150));
    if (round % 3 == 0 || Uniform(0, 1) == 1) {
      kill_consumer();
      ++consumer_kills;
      start_consumer(false);
      if (HasFatalFailure()) return;
    }
    SleepMs(Uniform(10, 150));
    writer.Kill(SIGKILL);
    const ExitStatus exit = writer.Wait();
    ASSERT_TRUE(exit.signaled) << "writer " << round << " ended by itself (" << exit.ToString()
                               << "): " << WriterErrors(round);
    writer_runs.push_back(WriterOutput(round));
    // While no writer runs, the consumer follows the log up to a torn tail.
    if (round % 3 == 1) InjectTornTail(/*tracked=*/false);
  }
  SleepMs(Uniform(0, 50));
  kill_consumer();
  ++consumer_kills;
  RunQuietWriter(kConsumerRounds, &writer_runs);

  // The last member runs until it has committed the end of every partition.
  start_consumer(true);
  if (HasFatalFailure()) return;
  const auto exit = consumer->WaitFor(30'000);
  const size_t last = consumer_runs.size() - 1;
  ASSERT_TRUE(exit.has_value() && !exit->signaled && exit->code == 0)
      << "final consumer: " << (exit ? exit->ToString() : "still running after 30 s") << ": "
      << ReadText(consumer_out(last).string() + ".err");
  consumer.reset();

  ASSERT_OK_AND_ASSIGN(const CrashLog log, ReadCrashLog(log_dir(), kTopic));
  const auto writer_bad = CheckWriterRuns(log, writer_runs);
  EXPECT_THAT(writer_bad, IsEmpty()) << Describe(writer_bad);

  for (size_t id = 0; id < consumer_runs.size(); ++id) {
    consumer_runs[id].commits =
        ParseCommitLines(ReadText(consumer_out(id).string() + ".out"), kPartitions);
  }
  ASSERT_OK(ParseConsumerOutput(ReadText(out_file), consumer_runs));
  ASSERT_OK_AND_ASSIGN(const auto final_committed,
                       ReadCommitted(dir_.path() / "log", kGroup, kTopic, kPartitions));
  size_t reprocessed = 0;
  const auto bad = CheckConsumerRuns(log, consumer_runs, final_committed, &reprocessed);
  EXPECT_THAT(bad, IsEmpty()) << Describe(bad);

  size_t started = 0;
  for (const ConsumerRun& run : consumer_runs) started += run.started ? 1 : 0;
  EXPECT_GE(started, static_cast<size_t>(consumer_kills) / 2);
  EXPECT_GT(log.TotalRecords(), 0u);
  std::printf(
      "%zu records; consumer killed %d times (%zu runs got going), %zu records "
      "processed again after a kill\n",
      log.TotalRecords(), consumer_kills, started, reprocessed);
}

// One writer per partition: a second writer process gets Busy naming the
// partition and the holder's pid, and exits without writing anything.
TEST_F(CrashTest, SecondWriterIsRefusedWithBusy) {
  ASSERT_OK_AND_ASSIGN(ChildProcess first, StartWriter(0, {"--flush-every=100", "--rate=20000"}));
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (WriterOutput(0).flushed < 0) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "first writer: " << WriterErrors(0);
    SleepMs(5);
  }
  const std::string holder = "(pid " + std::to_string(first.pid()) + ")";

  ASSERT_OK_AND_ASSIGN(ChildProcess second, StartWriter(1, {"--flush-every=1"}));
  const auto exit = second.WaitFor(20'000);
  ASSERT_TRUE(exit.has_value()) << "second writer still running";
  EXPECT_FALSE(exit->signaled);
  EXPECT_EQ(exit->code, 3);
  EXPECT_THAT(WriterErrors(1), HasSubstr(std::string(StatusCodeName(StatusCode::kBusy)) +
                                         ": partition crash/0 is held by another process"));
  EXPECT_THAT(WriterErrors(1), HasSubstr(holder));
  EXPECT_EQ(ReadText(OutPath("writer-1.out")), "");  // no recovery, no start, no record

  // The public API says the same to a producer in this process.
  {
    ASSERT_OK_AND_ASSIGN(auto broker, stream::OpenFileBroker(log_dir(), "file://" + log_dir(), {}));
    ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
    const Status busy = producer->Produce(kTopic, {.value = "intruder", .partition = 1});
    EXPECT_EQ(busy.code(), StatusCode::kBusy) << busy.ToString();
    EXPECT_THAT(busy.message(), HasSubstr("partition crash/1"));
    EXPECT_THAT(busy.message(), HasSubstr(holder));
  }

  first.Kill(SIGKILL);
  EXPECT_TRUE(first.Wait().signaled);
  std::vector<WriterRun> runs = {WriterOutput(0), WriterOutput(1)};
  RunQuietWriter(2, &runs);
  // Anything from the refused writer or the producer would break the sequence.
  ASSERT_OK_AND_ASSIGN(const CrashLog log, ReadCrashLog(log_dir(), kTopic));
  const auto bad = CheckWriterRuns(log, runs);
  EXPECT_THAT(bad, IsEmpty()) << Describe(bad);
  EXPECT_GT(log.TotalRecords(), 0u);
}

// A consumer at the end of the log when a writer dies mid-batch sees the torn
// tail as a batch still being written; the next writer drops it and appends other
// batches at that byte. The consumer must read those, not mistake them for damage.
TEST_F(CrashTest, FollowingConsumerReadsPastARecoveredTornTail) {
  const auto produce = [&](int64_t first, int64_t count) {
    ASSERT_OK_AND_ASSIGN(auto broker, stream::OpenFileBroker(log_dir(), "file://" + log_dir(), {}));
    ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
    for (int64_t n = first; n < first + count; ++n) {
      const CrashRecord record(n);
      auto outgoing = record.Outgoing();
      outgoing.partition = 0;
      ASSERT_OK(producer->Produce(kTopic, outgoing));
    }
    ASSERT_OK(producer->Flush());
  };
  produce(0, 10);
  ASSERT_OK_AND_ASSIGN(auto broker, stream::OpenFileBroker(log_dir(), "file://" + log_dir(), {}));
  ASSERT_OK_AND_ASSIGN(auto consumer, broker->NewConsumer());
  ASSERT_OK(consumer->Assign({{kTopic, 0}}));
  ASSERT_OK_AND_ASSIGN(auto first, consumer->Poll(std::chrono::seconds(1), 100));
  ASSERT_EQ(first.size(), 10u);

  // The dead writer's last write: a header and part of the records.
  const std::string torn = BatchForTornTail(10, 40);
  ASSERT_OK(AppendToActiveSegment(topic_dir() / "0", torn.substr(0, torn.size() / 2)));
  ASSERT_OK_AND_ASSIGN(auto none, consumer->Poll(std::chrono::milliseconds(20), 100));
  EXPECT_TRUE(none.empty());

  produce(10, 200);  // recovers (drops the torn tail), then appends
  std::vector<int64_t> offsets;
  while (offsets.size() < 200) {
    auto records = consumer->Poll(std::chrono::seconds(1), 1000);
    ASSERT_OK(records.status());
    ASSERT_FALSE(records->empty()) << "stopped after " << offsets.size() << " records";
    for (const auto& r : *records) offsets.push_back(r.offset);
  }
  EXPECT_EQ(offsets.front(), 10);
  EXPECT_EQ(offsets.back(), 209);
}

}  // namespace
}  // namespace rtml::crash
