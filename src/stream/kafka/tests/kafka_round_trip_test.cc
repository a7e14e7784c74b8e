// Produce/consume round trips through the kafka:// backend and a mock cluster.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "kafka_test_util.h"
#include "rtml/stream/partitioner.h"

namespace rtml::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

std::vector<TopicPartition> AllPartitions(const std::string& topic, int count) {
  std::vector<TopicPartition> partitions;
  for (int p = 0; p < count; ++p) partitions.push_back({topic, p});
  return partitions;
}

TEST_F(KafkaTest, RoundTripKeepsKeysHeadersTimestampsAndPartitions) {
  CreateTopic("events", 3);
  auto producer = NewProducer();
  ASSERT_NE(producer, nullptr);

  const HeaderView trace[] = {{"trace", "abc"}, {"empty", ""}, {"trace", "again"}};
  OutgoingRecord keyed{.key = "pair-BTC",
                       .value = R"({"price":1})",
                       .headers = trace,
                       .timestamp_ms = 1'700'000'000'123,
                       .partition = kAnyPartition};
  OutgoingRecord no_key{
      .key = std::nullopt, .value = "no key", .timestamp_ms = 1'700'000'000'456, .partition = 2};
  OutgoingRecord empty_key{
      .key = std::string_view(), .value = "", .timestamp_ms = 42, .partition = 2};
  OutgoingRecord pinned{.key = "pair-BTC", .value = "pinned", .timestamp_ms = 7, .partition = 0};
  for (const OutgoingRecord& record : {keyed, no_key, empty_key, pinned}) {
    ASSERT_OK(producer->Produce("events", record));
  }
  ASSERT_OK(producer->Flush());

  auto consumer = NewConsumer();
  ASSERT_OK(consumer->Assign(AllPartitions("events", 3)));
  std::vector<OwnedRecord> got = PollRecords(*consumer, 4);
  ASSERT_EQ(got.size(), 4u);
  std::map<std::string, OwnedRecord> by_value;
  for (const OwnedRecord& record : got) by_value[record.value] = record;
  ASSERT_EQ(by_value.size(), 4u);

  const OwnedRecord& k = by_value.at(R"({"price":1})");
  EXPECT_EQ(k.topic, "events");
  EXPECT_EQ(k.partition, PartitionForKey("pair-BTC", 3));
  EXPECT_EQ(k.key, std::optional<std::string>("pair-BTC"));
  EXPECT_EQ(k.timestamp_ms, 1'700'000'000'123);
  EXPECT_THAT(k.headers,
              ElementsAre(Pair("trace", "abc"), Pair("empty", ""), Pair("trace", "again")));

  const OwnedRecord& n = by_value.at("no key");
  EXPECT_EQ(n.key, std::nullopt);
  EXPECT_EQ(n.partition, 2);
  EXPECT_EQ(n.offset, 0);
  EXPECT_EQ(n.timestamp_ms, 1'700'000'000'456);
  EXPECT_TRUE(n.headers.empty());

  const OwnedRecord& e = by_value.at("");
  EXPECT_EQ(e.key, std::optional<std::string>(""));  // empty, not null
  EXPECT_EQ(e.partition, 2);
  EXPECT_EQ(e.offset, 1);
  EXPECT_EQ(e.timestamp_ms, 42);

  const OwnedRecord& p = by_value.at("pinned");
  EXPECT_EQ(p.partition, 0);  // explicit partition wins over the key
  EXPECT_EQ(p.timestamp_ms, 7);

  // Nothing more arrives.
  auto more = consumer->Poll(std::chrono::milliseconds(300));
  ASSERT_OK(more.status());
  EXPECT_TRUE(more->empty());
}

TEST_F(KafkaTest, UnstampedRecordsGetTheProduceTime) {
  CreateTopic("clock", 1);
  auto producer = NewProducer();
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  ASSERT_OK(producer->Produce("clock", {.key = std::nullopt, .value = "now"}));
  ASSERT_OK(producer->Flush());
  auto consumer = NewConsumer();
  ASSERT_OK(consumer->Assign({{"clock", 0}}));
  auto got = PollRecords(*consumer, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_GE(got[0].timestamp_ms, before);
  EXPECT_LE(got[0].timestamp_ms, before + 60'000);
}

TEST_F(KafkaTest, KeyedRecordsLandOnPartitionForKey) {
  constexpr int kPartitions = 7;
  constexpr int kKeys = 300;
  CreateTopic("keyed", kPartitions);
  auto producer = NewProducer();
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) keys.push_back("key-" + std::to_string(i * 7919));
  for (const std::string& key : keys) {
    ASSERT_OK(producer->Produce("keyed", {.key = key, .value = key}));
  }
  ASSERT_OK(producer->Flush());

  auto consumer = NewConsumer();
  ASSERT_OK(consumer->Assign(AllPartitions("keyed", kPartitions)));
  auto got = PollRecords(*consumer, kKeys);
  ASSERT_EQ(got.size(), static_cast<size_t>(kKeys));
  std::set<int32_t> used;
  for (const OwnedRecord& record : got) {
    ASSERT_TRUE(record.key.has_value());
    EXPECT_EQ(*record.key, record.value);
    EXPECT_EQ(record.partition, PartitionForKey(*record.key, kPartitions)) << record;
    used.insert(record.partition);
  }
  EXPECT_EQ(used.size(), static_cast<size_t>(kPartitions));  // the check covered them all
}

TEST_F(KafkaTest, ManyRecordsArriveInOrderPerPartition) {
  constexpr int kRecords = 20'000;
  CreateTopic("bulk", 4);
  auto producer = NewProducer();
  for (int i = 0; i < kRecords; ++i) {
    const std::string key = "k" + std::to_string(i % 50);
    const std::string value = std::to_string(i);
    ASSERT_OK(producer->Produce("bulk", {.key = key, .value = value}));
  }
  ASSERT_OK(producer->Flush());
  EXPECT_EQ(SumEndOffsets(*broker_, "bulk"), kRecords);

  auto consumer = NewConsumer();
  ASSERT_OK(consumer->Assign(AllPartitions("bulk", 4)));
  auto got = PollRecords(*consumer, kRecords, std::chrono::seconds(20), 500);
  ASSERT_EQ(got.size(), static_cast<size_t>(kRecords));
  // Within a key (hence a partition), values come back in produce order, and
  // offsets are dense.
  std::map<std::string, int> last_value;
  std::map<int32_t, int64_t> next_offset;
  for (const OwnedRecord& record : got) {
    const int value = std::stoi(record.value);
    auto [it, fresh] = last_value.emplace(*record.key, value);
    if (!fresh) {
      EXPECT_GT(value, it->second) << record;
      it->second = value;
    }
    EXPECT_EQ(record.offset, next_offset[record.partition]++) << record;
  }
}

}  // namespace
}  // namespace rtml::stream
