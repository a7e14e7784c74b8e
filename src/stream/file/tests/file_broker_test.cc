// Behaviour of the file:// broker that users rely on: topics, partitioning, the
// single-writer lock, live following by another process, consumer groups, seeks,
// lag and retention. A second broker on the same directory stands in for another
// process: flock() locks conflict between open files even within one process.
#include "file_broker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "rtml/core/clock.h"
#include "rtml/stream/partitioner.h"
#include "testing.h"

namespace rtml::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::unique_ptr<Broker> Open(const rtml::testing::TempDir& dir,
                             FsyncPolicy fsync = FsyncPolicy::kNever) {
  BrokerOptions options;
  options.fsync = fsync;
  auto broker = OpenFileBroker(dir.str(), "file://" + dir.str(), options);
  EXPECT_TRUE(broker.ok()) << broker.status().ToString();
  return std::move(broker).value();
}

// Polls until `n` records arrived or `patience` passed; returns their values.
std::vector<std::string> PollValues(Consumer& consumer, size_t n,
                                    std::chrono::milliseconds patience = 5s) {
  std::vector<std::string> values;
  const auto give_up = std::chrono::steady_clock::now() + patience;
  while (values.size() < n && std::chrono::steady_clock::now() < give_up) {
    auto records = consumer.Poll(20ms, n - values.size());
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    if (!records.ok()) break;
    for (const auto& r : *records) values.emplace_back(r.value);
  }
  return values;
}

Status ProduceValues(Producer& producer, std::string_view topic, int from, int to,
                     int32_t partition = 0) {
  for (int i = from; i < to; ++i) {
    const std::string value = std::to_string(i);
    RTML_RETURN_IF_ERROR(producer.Produce(topic, {.value = value, .partition = partition}));
  }
  return producer.Flush();
}

std::vector<std::string> Range(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(std::to_string(i));
  return out;
}

TEST(FileBroker, ProduceThenConsumeInOrder) {
  rtml::testing::TempDir dir;
  auto broker = Open(dir);
  ASSERT_OK(broker->CreateTopic({.name = "t", .partitions = 1}));
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  for (int i = 0; i < 1000; ++i) {
    const std::string value = "v" + std::to_string(i);
    ASSERT_OK(producer->Produce("t", {.key = "k", .value = value, .timestamp_ms = 1000 + i}));
  }
  ASSERT_OK(producer->Flush());
  ASSERT_OK_AND_ASSIGN(auto consumer, broker->NewConsumer());
  ASSERT_OK(consumer->Assign({{"t", 0}}));
  int64_t expected = 0;
  while (expected < 1000) {
    ASSERT_OK_AND_ASSIGN(auto records, consumer->Poll(100ms, 300));
    ASSERT_FALSE(records.empty());
    for (const auto& r : records) {
      EXPECT_EQ(r.offset, expected);
      EXPECT_EQ(r.timestamp_ms, 1000 + expected);
      EXPECT_EQ(r.value, "v" + std::to_string(expected));
      EXPECT_EQ(r.topic, "t");
      ++expected;
    }
  }
}

TEST(FileBroker, ProduceBatchKeepsOrderAndStopsAtTheFirstBadRecord) {
  rtml::testing::TempDir dir;
  auto broker = Open(dir);
  ASSERT_OK(broker->CreateTopic({.name = "t", .partitions = 2}));
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  const std::vector<OutgoingRecord> good = {{.value = "a", .partition = 1},
                                            {.value = "b", .partition = 1},
                                            {.value = "c", .partition = 1}};
  ASSERT_OK(producer->ProduceBatch("t", good));
  const std::vector<OutgoingRecord> mixed = {{.value = "d", .partition = 1},
                                             {.value = "bad", .partition = 7},
                                             {.value = "e", .partition = 1}};
  EXPECT_EQ(producer->ProduceBatch("t", mixed).code(), StatusCode::kInvalidArgument);
  ASSERT_OK(producer->Flush());
  ASSERT_OK_AND_ASSIGN(auto consumer, broker->NewConsumer());
  ASSERT_OK(consumer->Assign({{"t", 1}}));
  EXPECT_THAT(PollValues(*consumer, 5, 300ms), ElementsAre("a", "b", "c", "d"));
}

TEST(FileBroker, TopicsCreateListDescribeDelete) {
  rtml::testing::TempDir dir;
  auto broker = Open(dir);
  ASSERT_OK(broker->CreateTopic({.name = "b", .partitions = 2, .retention_bytes = 1 << 20}));
  ASSERT_OK(broker->CreateTopic({.name = "a", .partitions = 1}));
  EXPECT_EQ(broker->CreateTopic({.name = "a"}).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(broker->CreateTopic({.name = "bad/name"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(broker->CreateTopic({.name = "z", .partitions = 0}).code(),
            StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto names, broker->ListTopics());
  EXPECT_THAT(names, ElementsAre("a", "b"));

  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  ASSERT_OK(ProduceValues(*producer, "b", 0, 5, 1));
  // Another "process" sees the topic and its end offsets.
  auto other = Open(dir);
  ASSERT_OK_AND_ASSIGN(TopicDescription d, other->DescribeTopic("b"));
  EXPECT_EQ(d.spec.partitions, 2);
  EXPECT_EQ(d.spec.retention_bytes, 1 << 20);
  ASSERT_EQ(d.partitions.size(), 2u);
  EXPECT_EQ(d.partitions[0].end_offset, 0);
  EXPECT_EQ(d.partitions[1].end_offset, 5);
  EXPECT_GT(d.partitions[1].size_bytes, 0);

  // The other process cannot delete a topic this one is writing.
  const Status busy = other->DeleteTopic("b");
  EXPECT_EQ(busy.code(), StatusCode::kBusy);
  EXPECT_THAT(busy.message(), HasSubstr("b/1"));
  producer.reset();
  broker.reset();
  ASSERT_OK(other->DeleteTopic("b"));
  ASSERT_OK_AND_ASSIGN(names, other->ListTopics());
  EXPECT_THAT(names, ElementsAre("a"));
  EXPECT_EQ(other->DescribeTopic("b").status().code(), StatusCode::kNotFound);
}

// A process killed while creating topics leaves each topic whole or absent: a
// half-made topic would block every later create ("already exists") while no one
// could open it ("does not exist").
TEST(FileBroker, KilledWhileCreatingTopicsLeavesNoHalfMadeTopic) {
  rtml::testing::TempDir dir;
  for (int round = 0; round < 5; ++round) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto broker = OpenFileBroker(dir.str(), "file://" + dir.str(), {});
      for (int i = 0; broker.ok(); ++i) {
        const std::string name = "r" + std::to_string(round) + "t" + std::to_string(i);
        if (!(*broker)->CreateTopic({.name = name, .partitions = 8}).ok()) _exit(1);
      }
      _exit(2);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + 15 * round));
    kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child stopped by itself: " << status;
  }
  auto broker = Open(dir);
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> listed, broker->ListTopics());
  EXPECT_GT(listed.size(), 5u);
  size_t dirs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "topics")) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with('.')) continue;  // a staging directory of a killed create
    ++dirs;
    ASSERT_OK_AND_ASSIGN(const TopicDescription d, broker->DescribeTopic(name));
    EXPECT_EQ(d.partitions.size(), 8u) << name;
  }
  EXPECT_EQ(dirs, listed.size());
}

TEST(FileBroker, KeysLandOnTheKafkaPartitionAndPartitionsAreChecked) {
  rtml::testing::TempDir dir;
  auto broker = Open(dir);
  ASSERT_OK(broker->CreateTopic({.name = "t", .partitions = 5}));
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  for (int i = 0; i < 100; ++i) {
    const std::string key = "pair-" + std::to_string(i);
    ASSERT_OK(producer->Produce("t", {.key = key, .value = key}));
  }
  const Status bad = producer->Produce("t", {.value = "x", .partition = 5});
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("has no partition 5"));
  ASSERT_OK(producer->Flush());
  ASSERT_OK_AND_ASSIGN(auto consumer, broker->NewConsumer());
  ASSERT_OK(consumer->Assign({{"t", 0}, {"t", 1}, {"t", 2}, {"t", 3}, {"t", 4}}));
  size_t seen = 0;
  while (seen < 100) {
    ASSERT_OK_AND_ASSIGN(auto records, consumer->Poll(100ms, 1000));
    ASSERT_FALSE(records.empty());
    for (const auto& r : records) {
      ASSERT_TRUE(r.key.has_value());
      EXPECT_EQ(r.partition, PartitionForKey(*r.key, 5)) << *r.key;
      ++seen;
    }
  }
}

TEST(FileBroker, OneWriterPerPartitionOthersGetAClearError) {
  rtml::testing::TempDir dir;
  auto first = Open(dir);
  ASSERT_OK(first->CreateTopic({.name = "t", .partitions = 2}));
  ASSERT_OK_AND_ASSIGN(auto p1, first->NewProducer());
  ASSERT_OK(p1->Produce("t", {.value = "mine", .partition = 0}));

  auto second = Open(dir);
  ASSERT_OK_AND_ASSIGN(auto p2, second->NewProducer());
  const Status busy = p2->Produce("t", {.value = "theirs", .partition = 0});
  EXPECT_EQ(busy.code(), StatusCode::kBusy);
  EXPECT_THAT(busy.message(), HasSubstr("partition t/0"));
  EXPECT_THAT(busy.message(), HasSubstr("pid"));
  // Other partitions are free, and the partition is free again once its writer goes.
  EXPECT_OK(p2->Produce("t", {.value = "theirs", .partition = 1}));
  p1.reset();
  first.reset();
  EXPECT_OK(p2->Produce("t", {.value = "theirs", .partition = 0}));
}

TEST(FileBroker, AnotherProcessFollowsTheLogLiveAcrossSegments) {
  rtml::testing::TempDir dir;
  auto writer_side = Open(dir);
  ASSERT_OK(writer_side->CreateTopic({.name = "t", .partitions = 1, .segment_bytes = 2048}));
  auto reader_side = Open(dir);
  ASSERT_OK_AND_ASSIGN(auto consumer, reader_side->NewConsumer());
  ASSERT_OK(consumer->Assign({{"t", 0}}));

  std::thread writer([&] {
    auto producer = writer_side->NewProducer({.linger = 1ms});
    ASSERT_TRUE(producer.ok());
    for (int i = 0; i < 2000; ++i) {
      const std::string value = std::to_string(i);
      ASSERT_OK((*producer)->Produce("t", {.value = value}));
      if (i % 50 == 0) std::this_thread::sleep_for(1ms);
    }
    ASSERT_OK((*producer)->Flush());
  });
  const auto values = PollValues(*consumer, 2000, 20s);
  writer.join();
  EXPECT_EQ(values, Range(0, 2000));
}

TEST(FileBroker, GroupResumesAfterItsLastCommit) {
  rtml::testing::TempDir dir;
  auto broker = Open(dir);
  ASSERT_OK(broker->CreateTopic({.name = "t", .partitions = 1}));
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  ASSERT_OK(ProduceValues(*producer, "t", 0, 100));
  {
    ASSERT_OK_AND_ASSIGN(auto consumer, broker->NewConsumer({.group = "g"}));
    ASSERT_OK(consumer->Subscribe({"t"}));
    EXPECT_EQ(PollValues(*consumer, 30), Range(0, 30));
    ASSERT_OK(consumer->Commit());
    EXPECT_EQ(PollValues(*consumer, 10), Range(30, 40));  // read, never committed
  }
  auto restarted = Open(dir);
  ASSERT_OK_AND_ASSIGN(auto consumer, restarted->NewConsumer({.group = "g"}));
  ASSERT_OK(consumer->Subscribe({"t"}));
  EXPECT_EQ(PollValues(*consumer, 70), Range(30, 100));
  ASSERT_OK(consumer->Commit());
  ASSERT_OK_AND_ASSIGN(auto lags, restarted->GroupLag("g", "t"));
  ASSERT_EQ(lags.size(), 1u);
  EXPECT_EQ(lags[0].committed, 100);
  EXPECT_EQ(lags[0].lag, 0);
  // A new group starts per offset_reset.
  ASSERT_OK_AND_ASSIGN(
      auto latest, restarted->NewConsumer({.group = "new", .offset_reset = OffsetReset::kLatest}));
  ASSERT_OK(latest->Subscribe({"t"}));
  EXPECT_EQ(latest->Position({"t", 0}).value(), 100);
}

TEST(FileBroker, StandbyMemberTakesOverWhenTheOwnerLeaves) {
  rtml::testing::TempDir dir;
  auto broker = Open(dir);
  ASSERT_OK(broker->CreateTopic({.name = "t", .partitions = 2}));
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  ASSERT_OK(ProduceValues(*producer, "t", 0, 10, 0));
  ASSERT_OK(ProduceValues(*producer, "t", 10, 20, 1));

  auto a_side = Open(dir);
  auto b_side = Open(dir);
  ASSERT_OK_AND_ASSIGN(auto a, a_side->NewConsumer({.group = "g"}));
  ASSERT_OK_AND_ASSIGN(auto b, b_side->NewConsumer({.group = "g"}));
  ASSERT_OK(a->Subscribe({"t"}));
  ASSERT_OK(b->Subscribe({"t"}));
  EXPECT_EQ(a->Assignment().size(), 2u);
  EXPECT_TRUE(b->Assignment().empty());
  EXPECT_EQ(PollValues(*a, 5), Range(0, 5));
  ASSERT_OK(a->Commit());
  ASSERT_OK(a->Close());
  // b claims the partitions and continues exactly after a's commit.
  auto values = PollValues(*b, 15);
  std::sort(values.begin(), values.end(),
            [](const auto& x, const auto& y) { return std::stoi(x) < std::stoi(y); });
  EXPECT_EQ(values, Range(5, 20));
  EXPECT_EQ(b->Assignment().size(), 2u);
  // Assign of a partition another member owns is refused, naming it.
  ASSERT_OK_AND_ASSIGN(auto c, a_side->NewConsumer({.group = "g"}));
  const Status busy = c->Assign({{"t", 1}});
  EXPECT_EQ(busy.code(), StatusCode::kBusy);
  EXPECT_THAT(busy.message(), HasSubstr("t/1 of group 'g'"));
}

TEST(FileBroker, SeeksAndLag) {
  rtml::testing::TempDir dir;
  auto broker = Open(dir);
  ASSERT_OK(broker->CreateTopic({.name = "t", .partitions = 1, .segment_bytes = 1024}));
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  for (int i = 0; i < 500; ++i) {
    const std::string value = std::to_string(i);
    ASSERT_OK(producer->Produce("t", {.value = value, .timestamp_ms = 10'000 + 10 * i}));
  }
  ASSERT_OK(producer->Flush());
  ASSERT_OK_AND_ASSIGN(auto consumer, broker->NewConsumer({.group = "g"}));
  ASSERT_OK(consumer->Assign({{"t", 0}}));
  ASSERT_OK(consumer->Seek("t", 0, SeekTarget::Offset(321)));
  EXPECT_EQ(PollValues(*consumer, 2), Range(321, 323));
  ASSERT_OK(consumer->Seek("t", -1, SeekTarget::Timestamp(10'000 + 10 * 250 - 5)));
  EXPECT_EQ(PollValues(*consumer, 1), Range(250, 251));
  ASSERT_OK(consumer->Seek("t", 0, SeekTarget::Timestamp(99'999'999)));
  EXPECT_EQ(consumer->Position({"t", 0}).value(), 500);
  ASSERT_OK(consumer->Seek("t", 0, SeekTarget::Beginning()));
  EXPECT_EQ(PollValues(*consumer, 1), Range(0, 1));
  ASSERT_OK(consumer->Seek("t", 0, SeekTarget::End()));
  EXPECT_EQ(consumer->Position({"t", 0}).value(), 500);
  ASSERT_OK(consumer->Seek("t", 0, SeekTarget::Offset(1'000'000)));  // past the end: clamped
  EXPECT_EQ(consumer->Position({"t", 0}).value(), 500);
  EXPECT_EQ(consumer->Seek("u", 0, SeekTarget::End()).code(), StatusCode::kInvalidArgument);

  ASSERT_OK(consumer->Seek("t", 0, SeekTarget::Offset(120)));
  ASSERT_OK(consumer->Commit());
  ASSERT_OK_AND_ASSIGN(auto lags, consumer->Lag());
  ASSERT_EQ(lags.size(), 1u);
  EXPECT_EQ(lags[0].committed, 120);
  EXPECT_EQ(lags[0].position, 120);
  EXPECT_EQ(lags[0].end_offset, 500);
  EXPECT_EQ(lags[0].lag, 380);
}

TEST(FileBroker, RetentionByBytesDropsOldestSegments) {
  rtml::testing::TempDir dir;
  auto broker = Open(dir);
  ASSERT_OK(broker->CreateTopic(
      {.name = "t", .partitions = 1, .retention_bytes = 8192, .segment_bytes = 2048}));
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  const std::string value(100, 'x');
  for (int i = 0; i < 1000; ++i) {
    ASSERT_OK(producer->Produce("t", {.value = value}));
    ASSERT_OK(producer->Flush());  // small batches, so segments roll often
  }
  ASSERT_OK_AND_ASSIGN(TopicDescription d, broker->DescribeTopic("t"));
  EXPECT_EQ(d.partitions[0].end_offset, 1000);
  EXPECT_GT(d.partitions[0].start_offset, 900);  // ~100 KB written, ≤ 8 KB + a segment kept
  // Checked when a segment rolls: at most the limit, the oldest kept segment and the
  // active one.
  EXPECT_LE(d.partitions[0].size_bytes, 8192 + 2 * 2048);
  // A reader positioned before the start is moved to the oldest record still held.
  ASSERT_OK_AND_ASSIGN(auto consumer, broker->NewConsumer());
  ASSERT_OK(consumer->Assign({{"t", 0}}));
  ASSERT_OK_AND_ASSIGN(auto records, consumer->Poll(100ms, 1));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].offset, d.partitions[0].start_offset);
}

TEST(FileBroker, RetentionByTimeDropsSegmentsOfOldRecords) {
  rtml::testing::TempDir dir;
  auto broker = Open(dir);
  ASSERT_OK(broker->CreateTopic(
      {.name = "t", .partitions = 1, .retention_ms = 60'000, .segment_bytes = 1024}));
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  const std::string value(200, 'x');
  const int64_t two_hours_ago = WallClockMs() - 2 * 3600 * 1000;
  for (int i = 0; i < 50; ++i) {  // old records, many segments
    ASSERT_OK(producer->Produce("t", {.value = value, .timestamp_ms = two_hours_ago}));
    ASSERT_OK(producer->Flush());
  }
  for (int i = 0; i < 10; ++i) {  // fresh records
    ASSERT_OK(producer->Produce("t", {.value = value}));
    ASSERT_OK(producer->Flush());
  }
  ASSERT_OK_AND_ASSIGN(TopicDescription d, broker->DescribeTopic("t"));
  EXPECT_GE(d.partitions[0].start_offset, 45);  // old segments gone, at most one kept
  EXPECT_LE(d.partitions[0].start_offset, 50);  // fresh records all kept
  EXPECT_EQ(d.partitions[0].end_offset, 60);
}

}  // namespace
}  // namespace rtml::stream
