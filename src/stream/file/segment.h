// A segment: one file of consecutive record batches of a partition, with its
// offset and time indexes (docs/file-log-format.md). This header has the pieces
// both the writer and the readers use: file names, index entries, a sequential
// batch reader, and recovery of a segment's tail.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "file_util.h"
#include "record_batch.h"
#include "rtml/core/result.h"

namespace rtml::stream::file {

// "<base offset, 20 digits>.<ext>", e.g. 00000000000000052113.log
std::filesystem::path SegmentPath(const std::filesystem::path& dir, int64_t base_offset,
                                  std::string_view ext);

// Base offsets of the segments (*.log files) in a partition directory, ascending.
Result<std::vector<int64_t>> ListSegments(const std::filesystem::path& dir);

struct OffsetIndexEntry {
  uint32_t relative_offset;
  uint32_t position;
};
struct TimeIndexEntry {
  int64_t max_timestamp;  // newest timestamp in the segment up to this batch
  uint32_t relative_offset;
  uint32_t position;
};
static_assert(sizeof(OffsetIndexEntry) == 8 && sizeof(TimeIndexEntry) == 16);

// Index entries of a segment, keeping only the prefix that is plausible for a log of
// `log_size` bytes (ascending, inside the file). A missing file gives no entries.
std::vector<OffsetIndexEntry> LoadOffsetIndex(const std::filesystem::path& path, uint64_t log_size);
std::vector<TimeIndexEntry> LoadTimeIndex(const std::filesystem::path& path, uint64_t log_size);

// Reads the batches of one segment file in order, from a position, verifying each.
// Follows a file that another process is appending to. Not thread-safe.
class SegmentReader {
 public:
  enum class Next {
    kBatch,       // a verified batch is available
    kEndOfData,   // nothing more yet: end of file, or a batch still being written
    kNeedRefill,  // the batch is not in the buffer and refilling was not allowed
    kDamaged,     // the bytes here are not a valid batch (see damage())
  };

  static Result<SegmentReader> Open(const std::filesystem::path& path, int64_t base_offset);

  // Peeks at the batch at position(); with allow_refill false, never replaces
  // the buffer (so views handed out from it stay valid). On kBatch, `header` and
  // `batch` describe it; `batch` is valid until the buffer is refilled.
  Result<Next> Peek(bool allow_refill, BatchHeader* header, std::string_view* batch);

  // Moves past the batch Peek() returned.
  void Consume(const BatchHeader& header) { position_ += header.length; }

  void set_position(uint64_t position) { position_ = position; }
  uint64_t position() const { return position_; }
  int64_t base_offset() const { return base_offset_; }
  const std::filesystem::path& path() const { return path_; }
  // Why the last Peek() said kDamaged.
  const std::string& damage() const { return damage_; }

 private:
  SegmentReader(std::filesystem::path path, FileHandle fd, int64_t base_offset);
  // Reads from position_ into the buffer; at least `need` bytes if the file has them.
  Status Refill(size_t need);

  std::filesystem::path path_;
  FileHandle fd_;
  int64_t base_offset_;
  uint64_t position_ = 0;
  std::string buffer_;
  uint64_t buffer_start_ = 0;  // file position of buffer_[0]
  size_t buffer_len_ = 0;      // valid bytes in buffer_
  std::string damage_;
};

// What opening a segment for appending found, after dropping a torn tail.
struct RecoveredSegment {
  uint64_t valid_bytes = 0;    // the file's size after recovery
  uint64_t dropped_bytes = 0;  // bytes removed from its tail
  std::string drop_reason;     // why, when dropped_bytes > 0
  int64_t next_offset = 0;     // offset the next record appended gets
  int64_t max_timestamp = -1;  // newest timestamp in the segment, -1 if empty
  std::vector<OffsetIndexEntry> offset_index;
  std::vector<TimeIndexEntry> time_index;
};

// Verifies every batch of the segment at `base_offset` in `dir`, truncates the file
// at the first one that is damaged or incomplete, and rewrites its index files.
// REQUIRES: the caller holds the partition's writer lock.
Result<RecoveredSegment> RecoverSegment(const std::filesystem::path& dir, int64_t base_offset,
                                        uint32_t index_interval_bytes, bool sync);

}  // namespace rtml::stream::file
