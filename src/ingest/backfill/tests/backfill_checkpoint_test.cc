// The checkpoint record: its JSON form, and that the newest one of a key wins.
#include "backfill_checkpoint.h"

#include <gtest/gtest.h>

#include "rtml/stream/broker.h"
#include "rtml/stream/topic_reader.h"
#include "testing.h"

namespace rtml::ingest {
namespace {

BackfillCheckpoint Sample() {
  return {.exchange = "kraken",
          .pair = "BTC/USD",
          .since_ms = 1723161255000,
          .until_ms = 1723247655000,
          .cursor_ns = 1723170000123456789,
          .written = 18234,
          .complete = false};
}

TEST(BackfillCheckpointTest, JsonRoundTrips) {
  BackfillCheckpoint checkpoint = Sample();
  ASSERT_OK_AND_ASSIGN(BackfillCheckpoint parsed, ParseCheckpointJson(CheckpointJson(checkpoint)));
  EXPECT_EQ(parsed, checkpoint);
  checkpoint.complete = true;
  checkpoint.pair = "weird \"pair\"";
  ASSERT_OK_AND_ASSIGN(parsed, ParseCheckpointJson(CheckpointJson(checkpoint)));
  EXPECT_EQ(parsed, checkpoint);
}

TEST(BackfillCheckpointTest, MalformedJsonNamesTheField) {
  EXPECT_FALSE(ParseCheckpointJson("not json").ok());
  std::string json = CheckpointJson(Sample());
  json.replace(json.find("cursor_ns"), 9, "cursor_xx");
  const Result<BackfillCheckpoint> parsed = ParseCheckpointJson(json);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("'cursor_ns'"), std::string::npos)
      << parsed.status().ToString();
}

class CheckpointTopicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(broker_, stream::OpenBroker("file://" + dir_.str()));
    ASSERT_OK(broker_->CreateTopic(
        {.name = "trades.backfill", .partitions = 2, .retention_ms = stream::kUnlimited}));
    ASSERT_OK_AND_ASSIGN(producer_, broker_->NewProducer());
  }
  rtml::testing::TempDir dir_;
  std::unique_ptr<stream::Broker> broker_;
  std::unique_ptr<stream::Producer> producer_;
};

TEST_F(CheckpointTopicTest, NewestCheckpointOfTheKeyWins) {
  const std::string key = CheckpointKey("kraken", "BTC/USD", Sample().since_ms);
  ASSERT_OK_AND_ASSIGN(auto none, LoadCheckpoint(*broker_, "trades.backfill", key));
  EXPECT_FALSE(none.has_value());

  BackfillCheckpoint checkpoint = Sample();
  BackfillCheckpoint other = Sample();
  other.pair = "ETH/USD";
  for (int page = 1; page <= 3; ++page) {
    checkpoint.cursor_ns += 1000;
    checkpoint.written += 1000;
    ASSERT_OK(SaveCheckpoint(*producer_, "trades.backfill", checkpoint));
    ASSERT_OK(SaveCheckpoint(*producer_, "trades.backfill", other));
  }
  ASSERT_OK(producer_->Flush());
  ASSERT_OK_AND_ASSIGN(auto newest, LoadCheckpoint(*broker_, "trades.backfill", key));
  ASSERT_TRUE(newest.has_value());
  EXPECT_EQ(*newest, checkpoint);
  // Another start time is another backfill.
  ASSERT_OK_AND_ASSIGN(auto later_start,
                       LoadCheckpoint(*broker_, "trades.backfill",
                                      CheckpointKey("kraken", "BTC/USD", Sample().since_ms + 1)));
  EXPECT_FALSE(later_start.has_value());
}

TEST_F(CheckpointTopicTest, UnreadableCheckpointIsCorruptionNotAFreshStart) {
  const std::string key = CheckpointKey("kraken", "BTC/USD", Sample().since_ms);
  ASSERT_OK(producer_->Produce("trades.backfill", {.key = key, .value = "{\"exchange\":"}));
  ASSERT_OK(producer_->Flush());
  const auto loaded = LoadCheckpoint(*broker_, "trades.backfill", key);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption) << loaded.status().ToString();
  EXPECT_NE(loaded.status().message().find("offset 0"), std::string::npos);
}

TEST_F(CheckpointTopicTest, ReadTopicToEndSeesOnlyWhatWasThereAtTheStart) {
  ASSERT_OK(
      broker_->CreateTopic({.name = "t", .partitions = 3, .retention_ms = stream::kUnlimited}));
  for (int i = 0; i < 300; ++i) {
    const std::string value = std::to_string(i);
    ASSERT_OK(producer_->Produce("t", {.key = value, .value = value, .timestamp_ms = 1000 + i}));
  }
  ASSERT_OK(producer_->Flush());
  int64_t read = 0;
  ASSERT_OK(stream::ReadTopicToEnd(
      *broker_, "t", stream::SeekTarget::Beginning(), [&](const stream::ConsumedRecord& record) {
        EXPECT_NE(record.value, "late");
        if (++read > 1) return Status::Ok();
        // Appended during the pass: not part of it.
        RTML_RETURN_IF_ERROR(
            producer_->Produce("t", {.key = "late", .value = "late", .timestamp_ms = 5000}));
        return producer_->Flush();
      }));
  EXPECT_EQ(read, 300);
  int64_t from_time = 0;
  ASSERT_OK(stream::ReadTopicToEnd(*broker_, "t", stream::SeekTarget::Timestamp(1250),
                                   [&](const stream::ConsumedRecord& record) {
                                     EXPECT_GE(record.timestamp_ms, 1250);
                                     ++from_time;
                                     return Status::Ok();
                                   }));
  EXPECT_EQ(from_time, 50 + 1);  // 1250..1299 and the late record
  ASSERT_OK(broker_->CreateTopic({.name = "empty", .partitions = 2}));
  ASSERT_OK(stream::ReadTopicToEnd(*broker_, "empty", stream::SeekTarget::Beginning(),
                                   [](const stream::ConsumedRecord&) {
                                     ADD_FAILURE() << "an empty topic has no records";
                                     return Status::Ok();
                                   }));
}

}  // namespace
}  // namespace rtml::ingest
