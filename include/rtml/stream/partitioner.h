// Kafka's default key partitioner, so a key lands on the same partition whichever
// backend or client (Java, librdkafka with murmur2, rtml) wrote it.
#pragma once

#include <cstdint>
#include <string_view>

namespace rtml::stream {

// Kafka's murmur2 hash (org.apache.kafka.common.utils.Utils.murmur2), seed 0x9747b28c.
uint32_t Murmur2(std::string_view data);

// The partition of a keyed record: (murmur2(key) & 0x7fffffff) % partition_count.
// REQUIRES: partition_count > 0.
int32_t PartitionForKey(std::string_view key, int32_t partition_count);

}  // namespace rtml::stream
