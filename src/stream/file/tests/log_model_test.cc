// Randomized test: thousands of operations on the file:// log through the public
// Broker API, each checked against a simple in-memory model of the log.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "file_broker.h"
#include "log_test_util.h"
#include "rtml/stream/partitioner.h"

namespace rtml::stream {
namespace {

using file::testing::Store;
using file::testing::StoredRecord;

constexpr int32_t kPartitions = 3;
constexpr auto kShortWait = std::chrono::milliseconds(5);

class LogModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Open();
    ASSERT_OK(broker_->CreateTopic({.name = "m",
                                    .partitions = kPartitions,
                                    .retention_ms = kUnlimited,
                                    .segment_bytes = 4096}));
  }

  void Open() {
    BrokerOptions options;
    options.fsync = FsyncPolicy::kNever;  // the model checks logic, not durability
    auto broker = OpenFileBroker(dir_.str(), "file://" + dir_.str(), options);
    ASSERT_TRUE(broker.ok()) << broker.status().ToString();
    broker_ = std::move(broker).value();
    // A long linger: records become visible only on Flush, a full batch, or reopen.
    auto producer = broker_->NewProducer({.linger = std::chrono::hours(1)});
    ASSERT_TRUE(producer.ok());
    producer_ = std::move(producer).value();
  }

  void Reopen() {
    producer_.reset();  // flushes
    broker_.reset();
    for (int32_t p = 0; p < kPartitions; ++p) visible_[p] = model_[p].size();
    Open();
  }

  void Produce() {
    StoredRecord r;
    r.timestamp_ms = 1'000'000 + static_cast<int64_t>(rng_() % 5000);
    r.value = std::string(rng_() % 150, static_cast<char>('A' + rng_() % 26));
    if (rng_() % 5 == 0) r.headers.emplace_back("n", std::to_string(rng_() % 1000));
    int32_t partition;
    OutgoingRecord out{.value = r.value, .timestamp_ms = r.timestamp_ms};
    if (rng_() % 3 != 0) {
      r.key = "k" + std::to_string(rng_() % 50);
      out.key = *r.key;
      partition = PartitionForKey(*r.key, kPartitions);
    } else {
      partition = static_cast<int32_t>(rng_() % kPartitions);
      out.partition = partition;
    }
    std::vector<HeaderView> headers;
    for (const auto& [k, v] : r.headers) headers.push_back({k, v});
    out.headers = headers;
    r.offset = static_cast<int64_t>(model_[partition].size());
    ASSERT_OK(producer_->Produce("m", out));
    model_[partition].push_back(std::move(r));
  }

  void Flush() {
    ASSERT_OK(producer_->Flush());
    for (int32_t p = 0; p < kPartitions; ++p) visible_[p] = model_[p].size();
  }

  // Reads partition `p` from `offset` to its current end: the records must be the
  // model's, in order, and at least all of those already flushed.
  void CheckRead(int32_t p, int64_t offset) {
    ASSERT_OK_AND_ASSIGN(auto consumer, broker_->NewConsumer());
    ASSERT_OK(consumer->Assign({{"m", p}}));
    ASSERT_OK(consumer->Seek("m", p, SeekTarget::Offset(offset)));
    std::vector<StoredRecord> got;
    for (;;) {
      ASSERT_OK_AND_ASSIGN(auto records, consumer->Poll(kShortWait, 1 + rng_() % 300));
      if (records.empty()) break;
      for (const auto& r : records) got.push_back(Store(r));
    }
    const auto& all = model_[p];
    ASSERT_GE(got.size() + offset, visible_[p]) << "partition " << p << " from " << offset;
    ASSERT_LE(got.size() + offset, all.size());
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i], all[offset + i]) << "partition " << p << " offset " << offset + i;
    }
  }

  void CheckSeekByTime(int32_t p) {
    Flush();
    const int64_t t = 1'000'000 + static_cast<int64_t>(rng_() % 5200);
    const auto& all = model_[p];
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const StoredRecord& r) { return r.timestamp_ms >= t; });
    const int64_t expected = it - all.begin();
    ASSERT_OK_AND_ASSIGN(auto consumer, broker_->NewConsumer());
    ASSERT_OK(consumer->Assign({{"m", p}}));
    ASSERT_OK(consumer->Seek("m", p, SeekTarget::Timestamp(t)));
    ASSERT_OK_AND_ASSIGN(const int64_t position, consumer->Position({"m", p}));
    ASSERT_EQ(position, expected) << "partition " << p << " time " << t;
  }

  void CheckDescribe() {
    Flush();
    ASSERT_OK_AND_ASSIGN(TopicDescription d, broker_->DescribeTopic("m"));
    ASSERT_EQ(d.partitions.size(), static_cast<size_t>(kPartitions));
    for (int32_t p = 0; p < kPartitions; ++p) {
      EXPECT_EQ(d.partitions[p].start_offset, 0);
      EXPECT_EQ(d.partitions[p].end_offset, static_cast<int64_t>(model_[p].size()));
    }
  }

  // A group member reads some records and commits; the next member resumes there.
  void CheckGroupResume() {
    Flush();
    const int32_t p = static_cast<int32_t>(rng_() % kPartitions);
    const std::string group = "g" + std::to_string(rng_() % 3);
    int64_t resumed_at;
    {
      ASSERT_OK_AND_ASSIGN(auto consumer, broker_->NewConsumer({.group = group}));
      ASSERT_OK(consumer->Assign({{"m", p}}));
      ASSERT_OK_AND_ASSIGN(resumed_at, consumer->Position({"m", p}));
      const int64_t expected_start = committed_[{group, p}];
      ASSERT_EQ(resumed_at, expected_start);
      ASSERT_OK_AND_ASSIGN(auto records, consumer->Poll(kShortWait, 1 + rng_() % 40));
      for (const auto& r : records) ASSERT_EQ(Store(r), model_[p][r.offset]);
      ASSERT_OK(consumer->Commit());
      committed_[{group, p}] = resumed_at + static_cast<int64_t>(records.size());
    }
  }

  rtml::testing::TempDir dir_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<Producer> producer_;
  std::mt19937 rng_{20261122};
  std::vector<StoredRecord> model_[kPartitions];
  size_t visible_[kPartitions] = {};
  std::map<std::pair<std::string, int32_t>, int64_t> committed_;
};

TEST_F(LogModelTest, ThousandsOfRandomOperationsMatchTheModel) {
  for (int op = 0; op < 6000; ++op) {
    const uint32_t dice = rng_() % 1000;
    const auto p = static_cast<int32_t>(rng_() % kPartitions);
    if (dice < 800) {
      ASSERT_NO_FATAL_FAILURE(Produce());
    } else if (dice < 850) {
      ASSERT_NO_FATAL_FAILURE(Flush());
    } else if (dice < 900) {
      const auto size = static_cast<int64_t>(model_[p].size());
      ASSERT_NO_FATAL_FAILURE(CheckRead(p, size == 0 ? 0 : static_cast<int64_t>(rng_() % size)));
    } else if (dice < 930) {
      ASSERT_NO_FATAL_FAILURE(CheckSeekByTime(p));
    } else if (dice < 950) {
      ASSERT_NO_FATAL_FAILURE(CheckDescribe());
    } else if (dice < 985) {
      ASSERT_NO_FATAL_FAILURE(CheckGroupResume());
    } else {
      ASSERT_NO_FATAL_FAILURE(Reopen());
    }
  }
  for (int32_t p = 0; p < kPartitions; ++p) ASSERT_NO_FATAL_FAILURE(CheckRead(p, 0));
  // Small segments: the run must have rolled many times.
  ASSERT_OK_AND_ASSIGN(TopicDescription d, broker_->DescribeTopic("m"));
  EXPECT_GT(d.partitions[0].size_bytes, 4 * 4096);
}

}  // namespace
}  // namespace rtml::stream
