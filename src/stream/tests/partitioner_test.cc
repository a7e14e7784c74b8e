#include "rtml/stream/partitioner.h"

#include <gtest/gtest.h>

namespace rtml::stream {
namespace {

// Reference values of org.apache.kafka.common.utils.Utils.murmur2, as printed by the
// Java client (the same vectors Kafka's own UtilsTest and librdkafka's tests use).
TEST(Murmur2, MatchesKafkaJavaClient) {
  EXPECT_EQ(static_cast<int32_t>(Murmur2("21")), -973932308);
  EXPECT_EQ(static_cast<int32_t>(Murmur2("foobar")), -790332482);
  EXPECT_EQ(static_cast<int32_t>(Murmur2("a-little-bit-long-string")), -985981536);
  EXPECT_EQ(static_cast<int32_t>(Murmur2("a-little-bit-longer-string")), -1486304829);
  EXPECT_EQ(static_cast<int32_t>(Murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")),
            -58897971);
  EXPECT_EQ(static_cast<int32_t>(Murmur2("abc")), 479470107);
}

TEST(PartitionForKey, IsStableAndInRange) {
  for (int32_t partitions : {1, 3, 7, 64}) {
    for (int i = 0; i < 1000; ++i) {
      const std::string key = "key-" + std::to_string(i);
      const int32_t p = PartitionForKey(key, partitions);
      EXPECT_GE(p, 0);
      EXPECT_LT(p, partitions);
      EXPECT_EQ(p, PartitionForKey(key, partitions));
    }
  }
}

}  // namespace
}  // namespace rtml::stream
