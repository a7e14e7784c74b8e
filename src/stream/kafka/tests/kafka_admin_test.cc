// Topic administration and error reporting on the kafka:// backend.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kafka_test_util.h"

namespace rtml::stream {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(KafkaTest, UnknownTopicsGiveClearErrorsAndAreNotCreated) {
  CreateTopic("real", 2);
  auto producer = NewProducer();
  const Status produce = producer->Produce("typo", {.key = std::nullopt, .value = "x"});
  EXPECT_EQ(produce.code(), StatusCode::kInvalidArgument) << produce.ToString();
  EXPECT_THAT(produce.message(), HasSubstr("'typo'"));
  EXPECT_THAT(produce.message(), HasSubstr("does not exist"));

  const Status bad_partition =
      producer->Produce("real", {.key = std::nullopt, .value = "x", .partition = 2});
  EXPECT_EQ(bad_partition.code(), StatusCode::kInvalidArgument) << bad_partition.ToString();
  EXPECT_THAT(bad_partition.message(), HasSubstr("partition 2"));

  auto consumer = NewConsumer({.group = "g"});
  const Status subscribe = consumer->Subscribe({"real", "typo"});
  EXPECT_EQ(subscribe.code(), StatusCode::kNotFound) << subscribe.ToString();
  EXPECT_THAT(subscribe.message(), HasSubstr("'typo'"));
  const Status assign = consumer->Assign({{"typo", 0}});
  EXPECT_EQ(assign.code(), StatusCode::kNotFound) << assign.ToString();
  const Status assign_partition = consumer->Assign({{"real", 5}});
  EXPECT_EQ(assign_partition.code(), StatusCode::kInvalidArgument) << assign_partition.ToString();
  EXPECT_THAT(assign_partition.message(), HasSubstr("no partition 5"));

  auto describe = broker_->DescribeTopic("typo");
  EXPECT_EQ(describe.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(describe.status().message(), HasSubstr(cluster_->uri()));
  EXPECT_EQ(broker_->GroupLag("g", "typo").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(broker_->DeleteTopic("typo").code(), StatusCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(auto topics, broker_->ListTopics());
  EXPECT_THAT(topics, ElementsAre("real"));
}

TEST_F(KafkaTest, ListAndDescribeTopics) {
  CreateTopic("zeta", 1);
  CreateTopic("alpha", 3);
  ASSERT_OK_AND_ASSIGN(auto topics, broker_->ListTopics());
  EXPECT_THAT(topics, ElementsAre("alpha", "zeta"));

  auto producer = NewProducer();
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(producer->Produce("alpha", {.key = std::nullopt, .value = "x", .partition = 1}));
  }
  ASSERT_OK(producer->Flush());
  ASSERT_OK_AND_ASSIGN(const TopicDescription alpha, broker_->DescribeTopic("alpha"));
  EXPECT_EQ(alpha.spec.name, "alpha");
  EXPECT_EQ(alpha.spec.partitions, 3);
  EXPECT_EQ(alpha.spec.replication_factor, 3);
  ASSERT_EQ(alpha.partitions.size(), 3u);
  for (int32_t p = 0; p < 3; ++p) {
    EXPECT_EQ(alpha.partitions[static_cast<size_t>(p)].partition, p);
    EXPECT_EQ(alpha.partitions[static_cast<size_t>(p)].start_offset, 0);
    EXPECT_EQ(alpha.partitions[static_cast<size_t>(p)].end_offset, p == 1 ? 5 : 0);
  }
}

TEST_F(KafkaTest, AdminCallsTheMockClusterLacksAreUnsupported) {
  CreateTopic("exists", 1);
  const Status create = broker_->CreateTopic({.name = "new-topic", .partitions = 2});
  EXPECT_EQ(create.code(), StatusCode::kUnsupported) << create.ToString();
  EXPECT_THAT(create.message(), HasSubstr("'new-topic'"));
  EXPECT_THAT(create.message(), HasSubstr("rtml_mock_kafka --topic new-topic:2"));

  const Status again = broker_->CreateTopic({.name = "exists", .partitions = 1});
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.ToString();
  const Status bad_name = broker_->CreateTopic({.name = "no spaces", .partitions = 1});
  EXPECT_EQ(bad_name.code(), StatusCode::kInvalidArgument) << bad_name.ToString();

  const Status remove = broker_->DeleteTopic("exists");
  EXPECT_EQ(remove.code(), StatusCode::kUnsupported) << remove.ToString();
  EXPECT_THAT(remove.message(), HasSubstr("kafka-topics.sh --delete"));
  ASSERT_OK_AND_ASSIGN(auto topics, broker_->ListTopics());
  EXPECT_THAT(topics, ElementsAre("exists"));
}

TEST(KafkaBrokerOpen, RejectsUnknownKafkaSettingNamingIt) {
  ASSERT_OK_AND_ASSIGN(auto cluster, testing::MockCluster::Start(1));
  BrokerOptions options;
  options.kafka_config = {{"no.such.setting", "1"}};
  auto broker = OpenBroker(cluster->uri(), options);
  ASSERT_FALSE(broker.ok());
  EXPECT_EQ(broker.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(broker.status().message(), HasSubstr("no.such.setting"));
}

}  // namespace
}  // namespace rtml::stream
