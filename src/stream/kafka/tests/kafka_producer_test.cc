// Producer behaviour on the kafka:// backend: back-pressure, delivery errors,
// shutdown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kafka_test_util.h"

namespace rtml::stream {
namespace {

using ::testing::HasSubstr;

TEST_F(KafkaTest, FullQueueWaitsInsteadOfFailing) {
  CreateTopic("pressure", 2);
  BrokerOptions options;
  options.kafka_config = {{"queue.buffering.max.messages", "50"}};
  ASSERT_OK_AND_ASSIGN(auto small_queue, OpenBroker(cluster_->uri(), options));
  ASSERT_OK_AND_ASSIGN(auto producer, small_queue->NewProducer());
  constexpr int kRecords = 5000;
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_OK(producer->Produce("pressure", {.key = std::nullopt, .value = std::to_string(i)}));
  }
  ASSERT_OK(producer->Flush());
  EXPECT_EQ(SumEndOffsets(*broker_, "pressure"), kRecords);
}

TEST_F(KafkaTest, DestructorDeliversWhatWasQueued) {
  CreateTopic("shutdown", 3);
  constexpr int kRecords = 1000;
  {
    // A long linger: without the destructor's flush these would still be queued.
    auto producer = NewProducer({.linger = std::chrono::milliseconds(2000)});
    for (int i = 0; i < kRecords; ++i) {
      const std::string key = std::to_string(i);
      ASSERT_OK(producer->Produce("shutdown", {.key = key, .value = key}));
    }
  }
  EXPECT_EQ(SumEndOffsets(*broker_, "shutdown"), kRecords);
}

TEST_F(KafkaTest, DeliveryErrorsSurfaceInFlush) {
  CreateTopic("guarded", 1);
  auto producer = NewProducer();
  // Warm up so the producer knows its leader and producer id.
  ASSERT_OK(producer->Produce("guarded", {.key = std::nullopt, .value = "ok"}));
  ASSERT_OK(producer->Flush());

  // The broker refuses the next produce requests with a permanent error.
  rd_kafka_mock_push_request_errors(
      cluster_->get(), /*ApiKey Produce=*/0, 3, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  ASSERT_OK(producer->Produce("guarded", {.key = std::nullopt, .value = "refused"}));
  const Status flush = producer->Flush();
  ASSERT_FALSE(flush.ok());
  EXPECT_THAT(flush.message(), HasSubstr("topic 'guarded' partition 0"));
  EXPECT_THAT(flush.message(), HasSubstr("TOPIC_AUTHORIZATION_FAILED"));
  // Reported once.
  EXPECT_OK(producer->Flush());
}

}  // namespace
}  // namespace rtml::stream
