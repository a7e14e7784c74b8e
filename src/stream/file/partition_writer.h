// PartitionWriter: the single appender of one partition of the file:// log.
//
// Holds the partition's writer lock for its lifetime, so at most one process
// writes a partition. Opening it recovers the active segment (dropping a torn
// tail). Records are gathered into a batch in memory and written with one write()
// when the batch is full, its linger deadline passes (Tick), or on Flush. Thread-safe:
// producers of one process share the writer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "file_util.h"
#include "record_batch.h"
#include "rtml/stream/broker.h"
#include "segment.h"

namespace rtml::stream::file {

struct PartitionWriterOptions {
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  int64_t fsync_interval_ms = 1000;
  int64_t segment_bytes = 128LL << 20;
  int64_t retention_ms = kUnlimited;
  int64_t retention_bytes = kUnlimited;
  // A batch is written once it holds this many bytes.
  size_t batch_bytes = 256 << 10;
  // At most one index entry per this many bytes of log.
  uint32_t index_interval_bytes = 4096;
  // Called after each batch is written (the writer's lock held): wakes readers of
  // this process waiting for new records. Must not call back into the writer.
  std::function<void()> on_written;
};

// What opening the partition found and repaired.
struct RecoveryReport {
  std::string partition;  // "topic/partition"
  uint64_t dropped_bytes = 0;
  std::string reason;  // why bytes were dropped; empty if none
};

class PartitionWriter {
 public:
  // Opens (creating if needed) the partition in `dir`. `name` ("topic/3") is used in
  // messages. Busy if another writer holds it.
  static Result<std::unique_ptr<PartitionWriter>> Open(const std::filesystem::path& dir,
                                                       std::string name,
                                                       const PartitionWriterOptions& options,
                                                       RecoveryReport* report);
  ~PartitionWriter();

  // Adds a record to the current batch; returns its offset. `linger_deadline_ns`
  // (monotonic) is when the batch must be written at the latest.
  Result<int64_t> Append(const OutgoingRecord& record, int64_t timestamp_ms,
                         int64_t linger_deadline_ns);

  // Writes the current batch, and syncs if the policy is `always`. Also reports a
  // failure of a background write since the last Flush (its records are lost).
  Status Flush();

  // Periodic work: writes a batch whose linger deadline passed, syncs under the
  // `interval` policy, applies retention. `now_ns` is monotonic.
  Status Tick(int64_t now_ns);

  // Offsets of the oldest record held and of the next record to be appended.
  int64_t start_offset() const;
  int64_t next_offset() const;
  uint64_t size_bytes() const;

  // Flushes, syncs (unless policy `never`) and releases the lock. Idempotent.
  Status Close();

 private:
  struct SegmentInfo {
    int64_t base_offset;
    uint64_t size;
    int64_t max_timestamp;
  };

  PartitionWriter(std::filesystem::path dir, std::string name, PartitionWriterOptions options,
                  FileLock lock);
  Status OpenActiveLocked(int64_t base_offset, bool create);
  Status WriteBatchLocked();
  Status RollLocked(int64_t new_base_offset);
  Status SyncLocked();
  Status ApplyRetentionLocked();
  Status AppendIndexLocked(int64_t base_offset, uint32_t position, int64_t max_timestamp);

  const std::filesystem::path dir_;
  const std::string name_;
  const PartitionWriterOptions options_;

  mutable std::mutex mu_;
  FileLock lock_;
  std::vector<SegmentInfo> segments_;  // ascending; back() is the active one
  FileHandle log_, index_, time_index_;
  std::filesystem::path log_path_;
  BatchBuilder batch_;
  int64_t next_offset_ = 0;        // includes records in batch_
  int64_t batch_deadline_ns_ = 0;  // when batch_ must be written
  uint64_t last_indexed_position_ = 0;
  bool indexed_any_ = false;
  bool dirty_ = false;  // written but not synced
  int64_t last_sync_ns_ = 0;
  int64_t last_retention_ns_ = 0;
  bool closed_ = false;
  // A background write (Tick) that failed; the next Flush() reports it, since the
  // producer whose records were lost is not on the ticker's call stack.
  Status deferred_error_;
};

}  // namespace rtml::stream::file
