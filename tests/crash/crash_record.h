// What the crash writer produces for sequence number n, so that a checker can tell
// from any record read back which n it is and whether every field is intact.
//
// Record n: value "seq=<n>", key "<n % 7>", headers {"n": "<n>", "pad": n % 61
// letters}, timestamp kBaseTimestampMs + n. Its partition follows from the key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/stream/record.h"

namespace rtml::crash {

inline constexpr int32_t kPartitions = 3;
inline constexpr int64_t kBaseTimestampMs = 1'700'000'000'000;

// Owns the bytes an OutgoingRecord for n points to.
class CrashRecord {
 public:
  explicit CrashRecord(int64_t n);
  CrashRecord(const CrashRecord&) = delete;
  CrashRecord& operator=(const CrashRecord&) = delete;

  // Valid while this object lives.
  stream::OutgoingRecord Outgoing() const;

 private:
  int64_t n_;
  std::string key_, value_, n_text_, pad_;
  std::vector<stream::HeaderView> headers_;
};

// The partition record n lands on (from its key, as the producer picks it).
int32_t PartitionOf(int64_t n);

// n of a value "seq=<n>"; nullopt if the value is not one.
std::optional<int64_t> ParseSeq(std::string_view value);

// Empty if `record` is exactly what CrashRecord(n) produces (key, value, headers,
// timestamp, partition), else what differs.
std::string Mismatch(const stream::ConsumedRecord& record, int64_t n);

}  // namespace rtml::crash
