// Topics and partitions: how they are configured and what describing one returns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/status.h"

namespace rtml::stream {

inline constexpr int64_t kUnlimited = -1;

struct TopicSpec {
  std::string name;  // letters, digits, '.', '_' and '-'; at most 249 characters (as Kafka)
  int32_t partitions = 1;
  // Segments whose newest record is older than this are deleted. kUnlimited keeps all.
  int64_t retention_ms = 7LL * 24 * 3600 * 1000;
  // Oldest segments are deleted while a partition holds more than this. kUnlimited keeps all.
  int64_t retention_bytes = kUnlimited;
  // file:// only: a partition's active segment is closed and a new one begun at this size.
  int64_t segment_bytes = 128LL << 20;
  // kafka:// only: replication factor for CreateTopic; -1 uses the broker's default.
  int16_t replication_factor = -1;
};

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  friend bool operator==(const TopicPartition&, const TopicPartition&) = default;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

struct PartitionInfo {
  int32_t partition = 0;
  int64_t start_offset = 0;  // oldest offset still held (retention moves it forward)
  int64_t end_offset = 0;    // offset the next record will get ("high watermark")
  int64_t size_bytes = -1;   // bytes on disk; -1 where the backend does not know
};

struct TopicDescription {
  TopicSpec spec;
  std::vector<PartitionInfo> partitions;
};

// OK if `name` is a legal topic name, else InvalidArgument naming the problem.
Status ValidateTopicName(std::string_view name);

}  // namespace rtml::stream
