#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "file_broker.h"
#include "testing.h"

namespace rtml::stream {
namespace {

using ::testing::HasSubstr;

TEST(FileBroker, ProduceThenConsumeInOrder) {
  testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto broker, OpenFileBroker(dir.str(), "file://" + dir.str(), {}));
  ASSERT_OK(broker->CreateTopic({.name = "t", .partitions = 1}));
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  for (int i = 0; i < 1000; ++i) {
    const std::string value = "v" + std::to_string(i);
    ASSERT_OK(producer->Produce("t", {.key = "k", .value = value, .timestamp_ms = 1000 + i}));
  }
  ASSERT_OK(producer->Flush());
  ASSERT_OK_AND_ASSIGN(auto consumer, broker->NewConsumer());
  ASSERT_OK(consumer->Assign({{"t", 0}}));
  std::vector<std::string> got;
  while (got.size() < 1000) {
    ASSERT_OK_AND_ASSIGN(auto records, consumer->Poll(std::chrono::milliseconds(100), 300));
    ASSERT_FALSE(records.empty());
    for (const auto& r : records) {
      EXPECT_EQ(r.offset, static_cast<int64_t>(got.size()));
      EXPECT_EQ(r.timestamp_ms, 1000 + r.offset);
      EXPECT_EQ(r.topic, "t");
      got.emplace_back(r.value);
    }
  }
  EXPECT_EQ(got.front(), "v0");
  EXPECT_EQ(got.back(), "v999");
}

TEST(FileBroker, UnknownTopicNamesTheFix) {
  testing::TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto broker, OpenFileBroker(dir.str(), "file://" + dir.str(), {}));
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  const Status s = producer->Produce("nope", {.value = "x"});
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("rtml topics create nope"));
}

}  // namespace
}  // namespace rtml::stream
