// Encoding and decoding of the file:// log's record batches; the format is
// described in docs/file-log-format.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/stream/record.h"

namespace rtml::stream::file {

inline constexpr uint32_t kBatchMagic = 0x31425452;  // "RTB1" read little-endian
inline constexpr size_t kBatchHeaderSize = 40;
// Largest batch a reader accepts; a length above it means the header is damaged.
inline constexpr uint32_t kMaxBatchBytes = 64u << 20;
// Largest single record (key + value + headers) a producer accepts.
inline constexpr size_t kMaxRecordBytes = 16u << 20;

struct BatchHeader {
  uint32_t length = 0;
  uint32_t crc = 0;
  uint32_t record_count = 0;
  int64_t base_offset = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;

  int64_t next_offset() const { return base_offset + record_count; }
};

// Builds one batch in memory. Not thread-safe.
class BatchBuilder {
 public:
  BatchBuilder();

  // Starts a new, empty batch whose first record gets `base_offset`.
  void Reset(int64_t base_offset);

  // Appends a record with timestamp `timestamp_ms`. REQUIRES: EncodedSize(record) fits.
  void Add(const OutgoingRecord& record, int64_t timestamp_ms);

  bool empty() const { return count_ == 0; }
  uint32_t record_count() const { return count_; }
  size_t size_bytes() const { return buffer_.size(); }
  int64_t next_offset() const { return base_offset_ + count_; }
  int64_t max_timestamp() const { return max_timestamp_; }

  // Fills in the header and checksum; returns the complete batch, valid until the
  // next Reset or Add. REQUIRES: !empty().
  std::string_view Finish();

  // Bytes a record takes in a batch (an upper bound is enough for limits).
  static size_t EncodedSize(const OutgoingRecord& record);

 private:
  std::string buffer_;
  int64_t base_offset_ = 0;
  int64_t base_timestamp_ = 0;
  int64_t max_timestamp_ = 0;
  uint32_t count_ = 0;
};

// Parses the fixed header at the start of `bytes`. Fails (Corruption) if fewer than
// kBatchHeaderSize bytes are given, the magic is wrong, or the length is impossible.
// Does not check the CRC.
Result<BatchHeader> DecodeBatchHeader(std::string_view bytes);

// Checks the CRC of a complete batch (bytes = exactly header.length bytes).
bool BatchChecksumMatches(const BatchHeader& header, std::string_view bytes);

// Decodes the records of a verified batch, appending to `records` (topic and
// partition left for the caller) and their headers to `headers`. A record's
// `headers` span is left empty and its index range returned in `header_ranges`
// (first, count), because `headers` may still grow and move.
struct HeaderRange {
  uint32_t first = 0;
  uint32_t count = 0;
};
Status DecodeRecords(const BatchHeader& header, std::string_view batch,
                     std::vector<ConsumedRecord>& records, std::vector<HeaderRange>& header_ranges,
                     std::vector<HeaderView>& headers);

}  // namespace rtml::stream::file
