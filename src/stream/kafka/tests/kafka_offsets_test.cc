// Seek, Position and Lag on the kafka:// backend.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <librdkafka/rdkafka.h>

#include <array>

#include "kafka_test_util.h"

namespace rtml::stream {
namespace {

// Ten records in partition 0, values "0".."9", timestamps 1000, 2000, ... 10000.
void ProduceTen(Producer& producer, const std::string& topic) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK(producer.Produce(topic, {.key = std::nullopt,
                                       .value = std::to_string(i),
                                       .timestamp_ms = 1000 * (i + 1),
                                       .partition = 0}));
  }
  ASSERT_OK(producer.Flush());
}

std::vector<int64_t> Offsets(const std::vector<OwnedRecord>& records) {
  std::vector<int64_t> offsets;
  for (const OwnedRecord& record : records) offsets.push_back(record.offset);
  return offsets;
}

// Whether the cluster answers timestamp look-ups (ListOffsets by time). The mock
// cluster of librdkafka 2.0.2 answers every one with "no such record".
bool ClusterFindsTimestamps(const std::string& servers, const std::string& topic) {
  std::array<char, 256> error{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  (void)rd_kafka_conf_set(conf, "bootstrap.servers", servers.c_str(), error.data(), error.size());
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error.data(), error.size());
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), 0)->offset = 0;  // before every record
  const bool found = rd_kafka_offsets_for_times(rk, list, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR &&
                     list->elems[0].offset == 0;
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  return found;
}

TEST_F(KafkaTest, SeekToOffsetBeginningEndAndPastTheLastTimestamp) {
  CreateTopic("seeks", 1);
  auto producer = NewProducer();
  ProduceTen(*producer, "seeks");
  auto consumer = NewConsumer();
  ASSERT_OK(consumer->Assign({{"seeks", 0}}));
  const TopicPartition tp{"seeks", 0};

  ASSERT_OK(consumer->Seek("seeks", 0, SeekTarget::Offset(6)));
  ASSERT_OK_AND_ASSIGN(int64_t position, consumer->Position(tp));
  EXPECT_EQ(position, 6);
  EXPECT_THAT(Offsets(PollRecords(*consumer, 4)), ::testing::ElementsAre(6, 7, 8, 9));
  ASSERT_OK_AND_ASSIGN(position, consumer->Position(tp));
  EXPECT_EQ(position, 10);

  ASSERT_OK(consumer->Seek("seeks", -1, SeekTarget::Beginning()));
  auto all = PollRecords(*consumer, 10);
  ASSERT_EQ(all.size(), 10u);
  EXPECT_EQ(all.front().offset, 0);
  EXPECT_EQ(all.front().timestamp_ms, 1000);
  EXPECT_EQ(all.back().offset, 9);

  ASSERT_OK(consumer->Seek("seeks", 0, SeekTarget::Offset(3)));
  ASSERT_OK(consumer->Seek("seeks", 0, SeekTarget::End()));
  ASSERT_OK_AND_ASSIGN(position, consumer->Position(tp));
  EXPECT_EQ(position, 10);
  auto none = consumer->Poll(std::chrono::milliseconds(300));
  ASSERT_OK(none.status());
  EXPECT_TRUE(none->empty());

  // A timestamp after every record means the end.
  ASSERT_OK(consumer->Seek("seeks", 0, SeekTarget::Offset(2)));
  ASSERT_OK(consumer->Seek("seeks", 0, SeekTarget::Timestamp(99'000)));
  ASSERT_OK_AND_ASSIGN(position, consumer->Position(tp));
  EXPECT_EQ(position, 10);

  // Seeking a partition the consumer does not read is an error naming it.
  const Status other = consumer->Seek("seeks", 3, SeekTarget::Beginning());
  EXPECT_EQ(other.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(other.message(), ::testing::HasSubstr("partition 3"));
  const Status negative = consumer->Seek("seeks", 0, SeekTarget::Offset(-5));
  EXPECT_EQ(negative.code(), StatusCode::kInvalidArgument);
}

TEST_F(KafkaTest, SeekToTimestampBetweenRecords) {
  CreateTopic("times", 1);
  auto producer = NewProducer();
  ProduceTen(*producer, "times");
  auto consumer = NewConsumer();
  ASSERT_OK(consumer->Assign({{"times", 0}}));
  const TopicPartition tp{"times", 0};
  if (!ClusterFindsTimestamps(cluster_->bootstrap_servers(), "times")) {
    GTEST_SKIP() << "this cluster (librdkafka's mock) does not look offsets up by timestamp; "
                    "Seek(Timestamp) between records is checked only against a real broker";
  }
  ASSERT_OK(consumer->Seek("times", 0, SeekTarget::Timestamp(5500)));
  ASSERT_OK_AND_ASSIGN(int64_t position, consumer->Position(tp));
  EXPECT_EQ(position, 5);  // the first record at or after 5500 has timestamp 6000
  ASSERT_OK(consumer->Seek("times", 0, SeekTarget::Timestamp(3000)));
  ASSERT_OK_AND_ASSIGN(position, consumer->Position(tp));
  EXPECT_EQ(position, 2);
}

TEST_F(KafkaTest, LagFollowsPositionsCommitsAndEndOffsets) {
  CreateTopic("lagging", 2);
  auto producer = NewProducer();
  for (int i = 0; i < 10; ++i) {
    for (int32_t p = 0; p < 2; ++p) {
      ASSERT_OK(producer->Produce("lagging", {.key = std::nullopt, .value = "x", .partition = p}));
    }
  }
  ASSERT_OK(producer->Flush());

  auto consumer = NewConsumer({.group = "lag-group"});
  ASSERT_OK(consumer->Assign({{"lagging", 0}, {"lagging", 1}}));
  ASSERT_OK_AND_ASSIGN(auto lags, consumer->Lag());
  ASSERT_EQ(lags.size(), 2u);
  for (const PartitionLag& lag : lags) {
    EXPECT_EQ(lag.topic, "lagging");
    EXPECT_EQ(lag.committed, kNoOffset);
    EXPECT_EQ(lag.position, 0);
    EXPECT_EQ(lag.end_offset, 10);
    EXPECT_EQ(lag.lag, 10);
  }

  ASSERT_EQ(PollRecords(*consumer, 20).size(), 20u);
  ASSERT_OK(consumer->Seek("lagging", 0, SeekTarget::Offset(4)));
  ASSERT_OK(consumer->Seek("lagging", 1, SeekTarget::Offset(7)));
  ASSERT_OK(consumer->Commit());
  ASSERT_OK(producer->Produce("lagging", {.key = std::nullopt, .value = "y", .partition = 1}));
  ASSERT_OK(producer->Flush());

  ASSERT_OK_AND_ASSIGN(lags, consumer->Lag());
  ASSERT_EQ(lags.size(), 2u);
  EXPECT_EQ(lags[0].partition, 0);
  EXPECT_EQ(lags[0].committed, 4);
  EXPECT_EQ(lags[0].position, 4);
  EXPECT_EQ(lags[0].end_offset, 10);
  EXPECT_EQ(lags[0].lag, 6);
  EXPECT_EQ(lags[1].partition, 1);
  EXPECT_EQ(lags[1].committed, 7);
  EXPECT_EQ(lags[1].end_offset, 11);
  EXPECT_EQ(lags[1].lag, 4);

  // The broker sees the same from outside the group.
  ASSERT_OK_AND_ASSIGN(auto group_lags, broker_->GroupLag("lag-group", "lagging"));
  ASSERT_EQ(group_lags.size(), 2u);
  EXPECT_EQ(group_lags[0].committed, 4);
  EXPECT_EQ(group_lags[0].lag, 6);
  EXPECT_EQ(group_lags[1].committed, 7);
  EXPECT_EQ(group_lags[1].end_offset, 11);
  EXPECT_EQ(group_lags[1].lag, 4);

  // A group that never committed lags by the whole partition.
  ASSERT_OK_AND_ASSIGN(auto fresh, broker_->GroupLag("nobody", "lagging"));
  ASSERT_EQ(fresh.size(), 2u);
  EXPECT_EQ(fresh[0].committed, kNoOffset);
  EXPECT_EQ(fresh[0].lag, 10);
  EXPECT_EQ(fresh[1].lag, 11);
}

}  // namespace
}  // namespace rtml::stream
