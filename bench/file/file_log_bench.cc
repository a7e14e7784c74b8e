// rtml_file_log_bench: how fast the embedded file:// log appends and reads
// 100-byte records, through the public Producer and Consumer, on one partition.
//
// One thread produces or consumes; the broker's one background thread writes
// lingering batches and syncs under fsync=interval. Logs go to a real directory
// (--data_dir=PATH, default a fresh /tmp/rtml-file-log-bench-<pid>), removed at exit.
// Every benchmark checks its answer and fails (SkipWithError) if it is wrong.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "file_broker.h"

namespace rtml::bench {
namespace {

using stream::FsyncPolicy;

constexpr size_t kValueBytes = 100;
constexpr int kKeys = 64;
constexpr int64_t kAppendRecordsPerIteration = 1'000'000;
constexpr int64_t kReadLogRecords = 4'000'000;
// Several segments, so that reads cross segment boundaries and seeks pick one.
constexpr int64_t kReadLogSegmentBytes = 64LL << 20;
constexpr int64_t kBaseTimestampMs = 1'700'000'000'000;
constexpr char kTopic[] = "bench";
// Each benchmark runs at least this long, so a figure covers several iterations.
constexpr double kMinSeconds = 2.0;

struct Catalog {
  const char* name;
  const char* measures;
};
constexpr Catalog kCatalog[] = {
    {"Append/fsync=interval",
     "Producer::Produce of 1M records (8-byte key, 100-byte value, event time), then Flush(); "
     "fsync at most once a second (the default). items_per_second = records/s"},
    {"Append/fsync=never", "the same, leaving writeback to the OS"},
    {"Append/fsync=always", "the same, fsync after every batch written (256 KiB)"},
    {"Read/poll",
     "Consumer::Poll (up to 1000 records per call) over a 4M-record log, from the "
     "first record to the last, each record checked. items_per_second = records/s"},
    {"SeekTimestamp",
     "Consumer::Seek to a random timestamp of that log, then Poll of the first "
     "record; time per seek"},
};

std::filesystem::path g_data_dir;

// Record i: key "key-<i % 64>", a 100-byte value starting with i (8 bytes), event
// time kBaseTimestampMs + i. Reuses its buffers: one record at a time.
class RecordMaker {
 public:
  RecordMaker() : value_(kValueBytes, 'v') {
    for (int k = 0; k < kKeys; ++k) keys_.push_back("key-" + std::to_string(1000 + k).substr(1));
  }
  stream::OutgoingRecord Make(int64_t i) {
    std::memcpy(value_.data(), &i, sizeof(i));
    return {.key = keys_[static_cast<size_t>(i % kKeys)],
            .value = value_,
            .timestamp_ms = kBaseTimestampMs + i};
  }
  // True if `r` is record i exactly.
  bool Matches(const stream::ConsumedRecord& r, int64_t i) const {
    int64_t index = -1;
    if (r.value.size() == kValueBytes) std::memcpy(&index, r.value.data(), sizeof(index));
    return index == i && r.offset == i && r.timestamp_ms == kBaseTimestampMs + i &&
           r.key == keys_[static_cast<size_t>(i % kKeys)];
  }

 private:
  std::vector<std::string> keys_;
  std::string value_;
};

Result<std::unique_ptr<stream::Broker>> Open(const std::filesystem::path& dir, FsyncPolicy fsync) {
  return stream::OpenFileBroker(dir.string(), "file://" + dir.string(), {.fsync = fsync});
}

Status CreateTopic(stream::Broker& broker, int64_t segment_bytes) {
  return broker.CreateTopic({.name = kTopic,
                             .partitions = 1,
                             .retention_ms = stream::kUnlimited,
                             .segment_bytes = segment_bytes});
}

// Produces records [first, first + count) and flushes.
Status Produce(stream::Producer& producer, RecordMaker& maker, int64_t first, int64_t count) {
  for (int64_t i = first; i < first + count; ++i) {
    RTML_RETURN_IF_ERROR(producer.Produce(kTopic, maker.Make(i)));
  }
  return producer.Flush();
}

// OK if the log in `dir` ends at `count` with record count - 1.
Status CheckLogEnd(const std::filesystem::path& dir, int64_t count) {
  RTML_ASSIGN_OR_RETURN(auto broker, Open(dir, FsyncPolicy::kNever));
  RTML_ASSIGN_OR_RETURN(const auto description, broker->DescribeTopic(kTopic));
  if (description.partitions[0].end_offset != count) {
    return Status::Internal("log ends at " + std::to_string(description.partitions[0].end_offset) +
                            ", " + std::to_string(count) + " records were produced");
  }
  RTML_ASSIGN_OR_RETURN(auto consumer, broker->NewConsumer());
  RTML_RETURN_IF_ERROR(consumer->Assign({{kTopic, 0}}));
  RTML_RETURN_IF_ERROR(consumer->Seek(kTopic, 0, stream::SeekTarget::Offset(count - 1)));
  RTML_ASSIGN_OR_RETURN(auto records, consumer->Poll(std::chrono::seconds(5), 1));
  if (records.size() != 1 || !RecordMaker().Matches(records[0], count - 1)) {
    return Status::Internal("the last record is not record " + std::to_string(count - 1));
  }
  return Status::Ok();
}

void BM_Append(benchmark::State& state, FsyncPolicy fsync) {
  const auto dir = g_data_dir / ("append-" + std::to_string(static_cast<int>(fsync)));
  std::filesystem::remove_all(dir);
  int64_t produced = 0;
  {
    auto broker = Open(dir, fsync);
    if (!broker.ok() || !CreateTopic(**broker, stream::TopicSpec{}.segment_bytes).ok()) {
      state.SkipWithError("cannot create the log");
      return;
    }
    auto producer = (*broker)->NewProducer();
    RecordMaker maker;
    for (auto _ : state) {
      if (const Status s = Produce(**producer, maker, produced, kAppendRecordsPerIteration);
          !s.ok()) {
        state.SkipWithError(s.ToString().c_str());
        return;
      }
      produced += kAppendRecordsPerIteration;
    }
  }
  state.SetItemsProcessed(produced);
  state.SetBytesProcessed(produced * static_cast<int64_t>(kValueBytes));
  if (const Status s = CheckLogEnd(dir, produced); !s.ok())
    state.SkipWithError(s.ToString().c_str());
  std::filesystem::remove_all(dir);
}

// The log Read and SeekTimestamp use, written once: records 0 .. kReadLogRecords-1.
Result<std::filesystem::path> ReadLog() {
  static Result<std::filesystem::path> log = []() -> Result<std::filesystem::path> {
    const auto dir = g_data_dir / "read";
    RTML_ASSIGN_OR_RETURN(auto broker, Open(dir, FsyncPolicy::kNever));
    RTML_RETURN_IF_ERROR(CreateTopic(*broker, kReadLogSegmentBytes));
    RTML_ASSIGN_OR_RETURN(auto producer, broker->NewProducer());
    RecordMaker maker;
    RTML_RETURN_IF_ERROR(Produce(*producer, maker, 0, kReadLogRecords));
    return dir;
  }();
  return log;
}

void BM_Read(benchmark::State& state) {
  auto dir = ReadLog();
  if (!dir.ok()) {
    state.SkipWithError(dir.status().ToString().c_str());
    return;
  }
  auto broker = Open(*dir, FsyncPolicy::kNever);
  const RecordMaker maker;
  int64_t read = 0;
  for (auto _ : state) {
    auto consumer = (*broker)->NewConsumer();
    if (!(*consumer)->Assign({{kTopic, 0}}).ok()) {
      state.SkipWithError("cannot assign the partition");
      return;
    }
    int64_t next = 0;
    while (next < kReadLogRecords) {
      auto records = (*consumer)->Poll(std::chrono::seconds(1), 1000);
      if (!records.ok() || records->empty()) {
        state.SkipWithError(("stopped at offset " + std::to_string(next)).c_str());
        return;
      }
      for (const stream::ConsumedRecord& r : *records) {
        if (!maker.Matches(r, next)) {
          state.SkipWithError(("wrong record at offset " + std::to_string(next)).c_str());
          return;
        }
        ++next;
      }
    }
    read += next;
  }
  state.SetItemsProcessed(read);
  state.SetBytesProcessed(read * static_cast<int64_t>(kValueBytes));
}

void BM_SeekTimestamp(benchmark::State& state) {
  auto dir = ReadLog();
  if (!dir.ok()) {
    state.SkipWithError(dir.status().ToString().c_str());
    return;
  }
  auto broker = Open(*dir, FsyncPolicy::kNever);
  auto consumer = (*broker)->NewConsumer();
  if (!(*consumer)->Assign({{kTopic, 0}}).ok()) {
    state.SkipWithError("cannot assign the partition");
    return;
  }
  const RecordMaker maker;
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> pick(0, kReadLogRecords - 1);
  for (auto _ : state) {
    const int64_t target = pick(rng);
    const auto seek = stream::SeekTarget::Timestamp(kBaseTimestampMs + target);
    auto records = (*consumer)->Seek(kTopic, 0, seek).ok()
                       ? (*consumer)->Poll(std::chrono::seconds(1), 1)
                       : Result<std::span<const stream::ConsumedRecord>>(Status::Internal("seek"));
    if (!records.ok() || records->size() != 1 || !maker.Matches((*records)[0], target)) {
      state.SkipWithError(
          ("seek to the time of record " + std::to_string(target) + " failed").c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void PrintCatalog() {
  std::printf("rtml_file_log_bench: the embedded file:// log, one partition, one thread\n");
  for (const Catalog& entry : kCatalog) std::printf("  %-24s %s\n", entry.name, entry.measures);
  std::printf("Data directory: %s\n\n", g_data_dir.c_str());
  std::fflush(stdout);
}

}  // namespace
}  // namespace rtml::bench

int main(int argc, char** argv) {
  using namespace rtml::bench;
  // --data_dir=PATH is ours; the rest is Google Benchmark's.
  g_data_dir = "/tmp/rtml-file-log-bench-" + std::to_string(::getpid());
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--data_dir=", 11) == 0) {
      g_data_dir = argv[i] + 11;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::filesystem::create_directories(g_data_dir);
  PrintCatalog();

  benchmark::RegisterBenchmark(kCatalog[0].name, BM_Append, FsyncPolicy::kInterval)
      ->UseRealTime()
      ->MinTime(kMinSeconds)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(kCatalog[1].name, BM_Append, FsyncPolicy::kNever)
      ->UseRealTime()
      ->MinTime(kMinSeconds)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(kCatalog[2].name, BM_Append, FsyncPolicy::kAlways)
      ->UseRealTime()
      ->MinTime(kMinSeconds)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(kCatalog[3].name, BM_Read)
      ->UseRealTime()
      ->MinTime(kMinSeconds)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(kCatalog[4].name, BM_SeekTimestamp)
      ->UseRealTime()
      ->MinTime(kMinSeconds)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(g_data_dir, ec);
  return 0;
}
