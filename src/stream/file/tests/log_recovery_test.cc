// Crash recovery of the file:// log: a torn or damaged tail is dropped, every
// complete batch before it is kept, and no damaged record is ever returned.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "log_test_util.h"

namespace rtml::stream::file {
namespace {

using testing::ReadAll;
using testing::StoredRecord;

struct WrittenLog {
  std::vector<StoredRecord> records;
  std::vector<uint64_t> batch_ends;  // file size after each batch
  std::vector<int64_t> batch_next;   // next offset after each batch
};

// Writes `batches` batches of 1..12 records each into one segment of `dir`.
WrittenLog WriteBatches(const std::filesystem::path& dir, int batches, uint32_t seed) {
  std::mt19937 rng(seed);
  WrittenLog log;
  PartitionWriterOptions options;
  options.fsync = FsyncPolicy::kNever;
  auto writer = PartitionWriter::Open(dir, "test/0", options, nullptr);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  for (int b = 0; b < batches; ++b) {
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) {
      StoredRecord r;
      r.offset = static_cast<int64_t>(log.records.size());
      r.timestamp_ms = 1'700'000'000'000 + static_cast<int64_t>(rng() % 100000);
      if (rng() % 4 != 0) r.key = "key" + std::to_string(rng() % 10);
      r.value = std::string(rng() % 200, static_cast<char>('a' + rng() % 26));
      if (rng() % 3 == 0) r.headers.emplace_back("h", std::to_string(rng()));
      std::vector<HeaderView> headers;
      for (const auto& [k, v] : r.headers) headers.push_back({k, v});
      OutgoingRecord out{.value = r.value, .headers = headers};
      if (r.key.has_value()) out.key = *r.key;
      auto offset = (*writer)->Append(out, r.timestamp_ms, INT64_MAX);
      EXPECT_TRUE(offset.ok());
      EXPECT_EQ(*offset, r.offset);
      log.records.push_back(std::move(r));
    }
    EXPECT_TRUE((*writer)->Flush().ok());
    log.batch_ends.push_back(std::filesystem::file_size(testing::FirstSegment(dir)));
    log.batch_next.push_back(static_cast<int64_t>(log.records.size()));
  }
  EXPECT_TRUE((*writer)->Close().ok());
  return log;
}

std::vector<StoredRecord> Prefix(const std::vector<StoredRecord>& records, int64_t n) {
  return {records.begin(), records.begin() + n};
}

// Reopens for writing; returns the report and checks the writer continues at `next`.
RecoveryReport Reopen(const std::filesystem::path& dir, int64_t expected_next) {
  RecoveryReport report;
  PartitionWriterOptions options;
  options.fsync = FsyncPolicy::kNever;
  auto writer = PartitionWriter::Open(dir, "test/0", options, &report);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  if (writer.ok()) {
    EXPECT_EQ((*writer)->next_offset(), expected_next);
  }
  return report;
}

TEST(LogRecovery, CutAtEveryBytePositionOfTheLastBatch) {
  rtml::testing::TempDir tmp;
  const auto golden = tmp.path() / "golden";
  const WrittenLog log = WriteBatches(golden, 6, 1);
  const uint64_t last_start = log.batch_ends[log.batch_ends.size() - 2];
  const uint64_t last_end = log.batch_ends.back();
  const int64_t kept = log.batch_next[log.batch_next.size() - 2];

  for (uint64_t cut = last_start; cut < last_end; ++cut) {
    const auto dir = tmp.path() / ("cut" + std::to_string(cut));
    std::filesystem::copy(golden, dir);
    std::filesystem::resize_file(testing::FirstSegment(dir), cut);

    const RecoveryReport report = Reopen(dir, kept);
    EXPECT_EQ(report.dropped_bytes, cut - last_start) << "cut at " << cut;
    EXPECT_EQ(std::filesystem::file_size(testing::FirstSegment(dir)), last_start);
    Status status;
    EXPECT_EQ(ReadAll(dir, &status), Prefix(log.records, kept)) << "cut at " << cut;
    EXPECT_TRUE(status.ok()) << status.ToString();
    std::filesystem::remove_all(dir);
  }
}

TEST(LogRecovery, ReaderOfALogAtRestRepairsATornTailItself) {
  rtml::testing::TempDir tmp;
  const WrittenLog log = WriteBatches(tmp.path(), 4, 2);
  std::filesystem::resize_file(testing::FirstSegment(tmp.path()), log.batch_ends.back() - 3);
  Status status;
  EXPECT_EQ(ReadAll(tmp.path(), &status), Prefix(log.records, log.batch_next[2]));
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(LogRecovery, ZeroFilledTailFromPowerLossIsDropped) {
  // After a power loss, ext4 may keep a file's new size but not its data: zeros.
  rtml::testing::TempDir tmp;
  const WrittenLog log = WriteBatches(tmp.path(), 5, 5);
  const auto segment = testing::FirstSegment(tmp.path());
  std::filesystem::resize_file(segment, log.batch_ends.back() + 8192);
  const RecoveryReport report = Reopen(tmp.path(), log.batch_next.back());
  EXPECT_EQ(report.dropped_bytes, 8192u);
  EXPECT_NE(report.reason.find("bad batch magic"), std::string::npos) << report.reason;
  Status status;
  EXPECT_EQ(ReadAll(tmp.path(), &status), log.records);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

// Index of the batch holding byte `pos`.
size_t BatchAt(const WrittenLog& log, uint64_t pos) {
  size_t b = 0;
  while (log.batch_ends[b] <= pos) ++b;
  return b;
}

void FlipByte(const std::filesystem::path& file, uint64_t pos, uint8_t mask) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(pos));
  char c;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(pos));
  f.put(static_cast<char>(c ^ mask));
}

TEST(LogRecovery, RandomFlippedBytesKeepEveryBatchBeforeTheDamage) {
  rtml::testing::TempDir tmp;
  const auto golden = tmp.path() / "golden";
  const WrittenLog log = WriteBatches(golden, 30, 3);
  std::mt19937 rng(42);
  for (int trial = 0; trial < 300; ++trial) {
    const auto dir = tmp.path() / ("flip" + std::to_string(trial));
    std::filesystem::copy(golden, dir);
    const uint64_t pos = rng() % log.batch_ends.back();
    FlipByte(testing::FirstSegment(dir), pos, static_cast<uint8_t>(1 + rng() % 255));
    const size_t damaged = BatchAt(log, pos);
    const int64_t kept = damaged == 0 ? 0 : log.batch_next[damaged - 1];

    const RecoveryReport report = Reopen(dir, kept);
    EXPECT_EQ(report.dropped_bytes,
              log.batch_ends.back() - (damaged == 0 ? 0 : log.batch_ends[damaged - 1]))
        << "flip at " << pos;
    EXPECT_FALSE(report.reason.empty());
    Status status;
    EXPECT_EQ(ReadAll(dir, &status), Prefix(log.records, kept)) << "flip at " << pos;
    EXPECT_TRUE(status.ok()) << status.ToString();
    std::filesystem::remove_all(dir);
  }
}

TEST(LogRecovery, DamageUnderALiveWriterIsReportedNeverReturned) {
  rtml::testing::TempDir tmp;
  const WrittenLog log = WriteBatches(tmp.path(), 10, 4);
  // A writer holds the partition, so the reader must not repair it: it has to stop
  // at the damaged batch with Corruption, after returning every batch before it.
  auto writer = PartitionWriter::Open(tmp.path(), "test/0", {}, nullptr);
  ASSERT_TRUE(writer.ok());
  const uint64_t pos = log.batch_ends[4] + 45;  // inside batch 5, past its header
  FlipByte(testing::FirstSegment(tmp.path()), pos, 0x01);
  Status status;
  const auto records = ReadAll(tmp.path(), &status);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("checksum"), std::string::npos) << status.ToString();
  EXPECT_EQ(records, Prefix(log.records, log.batch_next[4]));
}

}  // namespace
}  // namespace rtml::stream::file
