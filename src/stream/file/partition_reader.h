// PartitionReader: reads one partition of the file:// log from any offset, and
// follows it live while another process (or thread) writes it.
//
// Every batch is verified before any of its records is returned. Records point
// into the reader's buffer and stay valid until Unpin(). Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "record_batch.h"
#include "segment.h"

namespace rtml::stream::file {

class PartitionReader {
 public:
  // Opens the partition in `dir` positioned at its oldest record. If no writer holds
  // the partition, first repairs a torn tail left by a crash (as a writer would).
  static Result<std::unique_ptr<PartitionReader>> Open(const std::filesystem::path& dir,
                                                       std::string name);

  // Positions: an offset before the oldest record moves to the oldest, one past the
  // end moves to the end.
  Status SeekToOffset(int64_t offset);
  Status SeekToBeginning();
  Status SeekToEnd();
  // The first record with timestamp >= timestamp_ms, or the end.
  Status SeekToTimestamp(int64_t timestamp_ms);

  // Offset of the next record Read() returns.
  int64_t position() const { return position_; }

  // Appends up to `max_records` records from position() on to `records` (with their
  // headers), advancing position(). Returns early at the end of the data, or where
  // the buffer would have to be replaced while records handed out since the last
  // Unpin() still point into it. Corruption for a damaged batch.
  Status Read(size_t max_records, std::vector<ConsumedRecord>& records,
              std::vector<HeaderRange>& header_ranges, std::vector<HeaderView>& headers);

  // The caller is done with every record returned so far.
  void Unpin() { pinned_ = false; }

  Result<int64_t> StartOffset();
  Result<int64_t> EndOffset();

 private:
  PartitionReader(std::filesystem::path dir, std::string name);
  // Opens the segment holding `offset` (or the first after it) at a position at or
  // before that offset's batch.
  Status OpenSegmentFor(int64_t offset);
  // Moves to the segment after the current one, if the writer has begun one.
  Result<bool> AdvanceSegment();
  Status Damaged(const SegmentReader& reader) const;

  const std::filesystem::path dir_;
  const std::string name_;
  std::optional<SegmentReader> segment_;
  int64_t position_ = 0;
  bool pinned_ = false;
  // The batch at segment_'s position, decoded, while position_ is inside it: a
  // Read that stops mid-batch (max_records) resumes from here instead of checking
  // and decoding the batch again. Its views point into segment_'s buffer, which
  // stays put until the batch is consumed. Empty when there is none.
  BatchHeader decoded_header_;
  std::vector<ConsumedRecord> decoded_;
  std::vector<HeaderRange> decoded_ranges_;
  std::vector<HeaderView> decoded_headers_;
};

}  // namespace rtml::stream::file
