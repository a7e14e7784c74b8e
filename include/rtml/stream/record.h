// Records as producers hand them in and as consumers get them back.
//
// Both hold views: a producer copies what an OutgoingRecord points to before
// Produce() returns; a ConsumedRecord points into the consumer's buffers and stays
// valid until that consumer's next Poll(), Seek() or Close().
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace rtml::stream {

// Partition chosen by the producer from the key (Kafka's murmur2) or, with no key,
// spread across partitions.
inline constexpr int32_t kAnyPartition = -1;
// Timestamp chosen by the producer: the wall clock when the record is produced.
inline constexpr int64_t kNoTimestamp = -1;

struct HeaderView {
  std::string_view key;
  std::string_view value;
};

struct OutgoingRecord {
  std::optional<std::string_view> key;  // nullopt: no key (differs from an empty key)
  std::string_view value;
  std::span<const HeaderView> headers;
  int64_t timestamp_ms = kNoTimestamp;  // event time, ms since the Unix epoch
  int32_t partition = kAnyPartition;
};

struct ConsumedRecord {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  std::optional<std::string_view> key;
  std::string_view value;
  std::span<const HeaderView> headers;
};

}  // namespace rtml::stream
