// Consumer groups on the kafka:// backend: partitions split between members,
// handed over when one leaves, and committed offsets resumed with no gap and no
// duplicate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "kafka_test_util.h"

namespace rtml::stream {
namespace {

using Clock = std::chrono::steady_clock;

// Produces `count` records "v0".."v{count-1}" spread over all partitions.
void ProduceNumbered(Producer& producer, const std::string& topic, int count) {
  for (int i = 0; i < count; ++i) {
    const std::string key = "k" + std::to_string(i);
    const std::string value = "v" + std::to_string(i);
    ASSERT_OK(producer.Produce(topic, {.key = key, .value = value}));
  }
  ASSERT_OK(producer.Flush());
}

std::set<TopicPartition> AsSet(const std::vector<TopicPartition>& partitions) {
  return {partitions.begin(), partitions.end()};
}

// Two members of one group, made by `broker`, split the partitions; when one
// leaves, the other takes them all and reads every record.
void CheckSplitAndTakeover(Broker& broker, Producer& producer) {
  constexpr int kPartitions = 4;
  constexpr int kRecords = 200;
  ProduceNumbered(producer, "shared", kRecords);

  ASSERT_OK_AND_ASSIGN(auto first, broker.NewConsumer({.group = "workers"}));
  ASSERT_OK_AND_ASSIGN(auto second, broker.NewConsumer({.group = "workers"}));
  ASSERT_OK(first->Subscribe({"shared"}));
  ASSERT_OK(second->Subscribe({"shared"}));

  // Both poll (rebalances run inside Poll) until each holds part of the topic.
  std::map<std::string, std::set<int32_t>> values_by_consumer;
  auto drain = [&](Consumer& consumer, const std::string& name) {
    auto batch = consumer.Poll(std::chrono::milliseconds(50));
    ASSERT_OK(batch.status());
    for (const ConsumedRecord& record : *batch) {
      values_by_consumer[name].insert(std::stoi(std::string(record.value.substr(1))));
    }
  };
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  std::set<TopicPartition> a, b;
  while (Clock::now() < deadline) {
    drain(*first, "first");
    drain(*second, "second");
    a = AsSet(first->Assignment());
    b = AsSet(second->Assignment());
    if (!a.empty() && !b.empty() && a.size() + b.size() == kPartitions) break;
  }
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  std::set<TopicPartition> both = a;
  both.insert(b.begin(), b.end());
  EXPECT_EQ(both.size(), static_cast<size_t>(kPartitions)) << "members overlap or miss partitions";
  EXPECT_EQ(a.size() + b.size(), static_cast<size_t>(kPartitions));

  // The first leaves; the second must end up with every partition and read every
  // record (nothing was committed, so it reads the first's partitions from their
  // start; an eager rebalance also makes it reread its own).
  ASSERT_OK(first->Close());
  ASSERT_OK(first->Close());  // idempotent
  std::set<int32_t>& second_seen = values_by_consumer["second"];
  const auto takeover_deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < takeover_deadline &&
         (second->Assignment().size() != static_cast<size_t>(kPartitions) ||
          second_seen.size() < static_cast<size_t>(kRecords))) {
    drain(*second, "second");
  }
  EXPECT_EQ(second->Assignment().size(), static_cast<size_t>(kPartitions));
  ASSERT_EQ(second_seen.size(), static_cast<size_t>(kRecords));
  EXPECT_EQ(*second_seen.begin(), 0);
  EXPECT_EQ(*second_seen.rbegin(), kRecords - 1);

  auto closed = first->Poll(std::chrono::milliseconds(1));
  EXPECT_EQ(closed.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(KafkaTest, GroupMembersSplitPartitionsAndTheLastTakesOverAll) {
  CreateTopic("shared", 4);
  auto producer = NewProducer();
  CheckSplitAndTakeover(*broker_, *producer);  // librdkafka's default: eager range,roundrobin
}

TEST_F(KafkaTest, CooperativeAssignorSplitsAndHandsOverToo) {
  CreateTopic("shared", 4);
  BrokerOptions options = FastGroupOptions();
  options.kafka_config.emplace_back("partition.assignment.strategy", "cooperative-sticky");
  ASSERT_OK_AND_ASSIGN(auto cooperative, OpenBroker(cluster_->uri(), options));
  auto producer = NewProducer();
  CheckSplitAndTakeover(*cooperative, *producer);
}

TEST_F(KafkaTest, CommittedOffsetsResumeWithNoGapAndNoDuplicate) {
  constexpr int kRecords = 300;
  CreateTopic("jobs", 2);
  auto producer = NewProducer();
  ProduceNumbered(*producer, "jobs", kRecords);

  std::map<int, int> times_read;  // value -> how often the group returned it
  std::map<int32_t, int64_t> first_positions;
  {
    auto consumer = NewConsumer({.group = "resume"});
    ASSERT_OK(consumer->Subscribe({"jobs"}));
    // Read a part of the topic in small batches, then commit and leave.
    size_t read = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (read < 100 && Clock::now() < deadline) {
      auto batch = consumer->Poll(std::chrono::milliseconds(100), 7);
      ASSERT_OK(batch.status());
      for (const ConsumedRecord& record : *batch) {
        ++times_read[std::stoi(std::string(record.value.substr(1)))];
        ++read;
      }
    }
    ASSERT_GE(read, 100u);
    ASSERT_LT(read, static_cast<size_t>(kRecords));
    ASSERT_OK(consumer->Commit());
    for (const TopicPartition& tp : consumer->Assignment()) {
      ASSERT_OK_AND_ASSIGN(first_positions[tp.partition], consumer->Position(tp));
    }
    ASSERT_OK(consumer->Close());
  }
  ASSERT_EQ(first_positions.size(), 2u);

  // The group's committed offsets are the first member's positions...
  ASSERT_OK_AND_ASSIGN(const auto lag, broker_->GroupLag("resume", "jobs"));
  ASSERT_EQ(lag.size(), 2u);
  for (const PartitionLag& partition : lag) {
    EXPECT_EQ(partition.committed, first_positions.at(partition.partition));
  }

  // ... and a new member reads exactly the rest.
  auto next = NewConsumer({.group = "resume"});
  ASSERT_OK(next->Subscribe({"jobs"}));
  const size_t rest = kRecords - times_read.size();
  auto got = PollRecords(*next, rest, std::chrono::seconds(20));
  ASSERT_EQ(got.size(), rest);
  for (const OwnedRecord& record : got) ++times_read[std::stoi(record.value.substr(1))];
  auto extra = next->Poll(std::chrono::milliseconds(500));
  ASSERT_OK(extra.status());
  EXPECT_TRUE(extra->empty());

  ASSERT_EQ(times_read.size(), static_cast<size_t>(kRecords));
  for (const auto& [value, times] : times_read) EXPECT_EQ(times, 1) << "v" << value;

  // The first record each partition gave the new member is at the committed offset.
  std::map<int32_t, int64_t> first_offset;
  for (const OwnedRecord& record : got) first_offset.emplace(record.partition, record.offset);
  for (const auto& [partition, offset] : first_offset) {
    EXPECT_EQ(offset, first_positions.at(partition)) << "partition " << partition;
  }
}

TEST_F(KafkaTest, AssignWithGroupStartsAtCommittedOffsetElseReset) {
  CreateTopic("assigned", 2);
  auto producer = NewProducer();
  for (int i = 0; i < 10; ++i) {
    for (int32_t p = 0; p < 2; ++p) {
      ASSERT_OK(producer->Produce(
          "assigned", {.key = std::nullopt, .value = std::to_string(i), .partition = p}));
    }
  }
  ASSERT_OK(producer->Flush());
  {
    auto consumer = NewConsumer({.group = "manual"});
    ASSERT_OK(consumer->Assign({{"assigned", 0}}));
    ASSERT_OK(consumer->Seek("assigned", 0, SeekTarget::Offset(6)));
    ASSERT_OK(consumer->Commit());
    ASSERT_OK(consumer->Close());
  }
  // Partition 0 resumes at 6; partition 1 has no commit: earliest for one member,
  // latest for the other.
  auto earliest = NewConsumer({.group = "manual", .offset_reset = OffsetReset::kEarliest});
  ASSERT_OK(earliest->Assign({{"assigned", 0}, {"assigned", 1}}));
  ASSERT_OK_AND_ASSIGN(const int64_t p0, earliest->Position({"assigned", 0}));
  ASSERT_OK_AND_ASSIGN(const int64_t p1, earliest->Position({"assigned", 1}));
  EXPECT_EQ(p0, 6);
  EXPECT_EQ(p1, 0);
  auto got = PollRecords(*earliest, 14);
  ASSERT_EQ(got.size(), 14u);
  std::map<int32_t, std::vector<std::string>> values;
  for (const OwnedRecord& record : got) values[record.partition].push_back(record.value);
  EXPECT_EQ(values[0], (std::vector<std::string>{"6", "7", "8", "9"}));
  EXPECT_EQ(values[1].size(), 10u);

  auto latest = NewConsumer({.group = "manual", .offset_reset = OffsetReset::kLatest});
  ASSERT_OK(latest->Assign({{"assigned", 1}}));
  ASSERT_OK_AND_ASSIGN(const int64_t latest_p1, latest->Position({"assigned", 1}));
  EXPECT_EQ(latest_p1, 10);
  ASSERT_OK(producer->Produce("assigned", {.key = std::nullopt, .value = "new", .partition = 1}));
  ASSERT_OK(producer->Flush());
  auto fresh = PollRecords(*latest, 1);
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0].value, "new");
  EXPECT_EQ(fresh[0].offset, 10);
}

TEST_F(KafkaTest, CommitNeedsAGroup) {
  CreateTopic("solo", 1);
  auto consumer = NewConsumer();
  ASSERT_OK(consumer->Assign({{"solo", 0}}));
  const Status commit = consumer->Commit();
  EXPECT_EQ(commit.code(), StatusCode::kInvalidArgument) << commit.ToString();
  const Status subscribe = consumer->Subscribe({"solo"});
  EXPECT_EQ(subscribe.code(), StatusCode::kInvalidArgument) << subscribe.ToString();
}

}  // namespace
}  // namespace rtml::stream
