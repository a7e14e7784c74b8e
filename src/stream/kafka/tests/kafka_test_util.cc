#include "kafka_test_util.h"

#include <ostream>

namespace rtml::stream {

OwnedRecord OwnedRecord::From(const ConsumedRecord& record) {
  OwnedRecord owned;
  owned.topic = record.topic;
  owned.partition = record.partition;
  owned.offset = record.offset;
  owned.timestamp_ms = record.timestamp_ms;
  if (record.key.has_value()) owned.key = std::string(*record.key);
  owned.value = record.value;
  for (const HeaderView& header : record.headers) {
    owned.headers.emplace_back(std::string(header.key), std::string(header.value));
  }
  return owned;
}

std::ostream& operator<<(std::ostream& out, const OwnedRecord& record) {
  out << record.topic << "/" << record.partition << "@" << record.offset
      << " ts=" << record.timestamp_ms << " key=" << (record.key ? "'" + *record.key + "'" : "null")
      << " value='" << record.value << "' headers={";
  for (const auto& [key, value] : record.headers) out << key << ":" << value << ",";
  return out << "}";
}

std::vector<OwnedRecord> PollRecords(Consumer& consumer, size_t count,
                                     std::chrono::milliseconds limit, size_t max_per_poll) {
  std::vector<OwnedRecord> records;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (records.size() < count && std::chrono::steady_clock::now() < deadline) {
    auto batch = consumer.Poll(std::chrono::milliseconds(100), max_per_poll);
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    if (!batch.ok()) break;
    for (const ConsumedRecord& record : *batch) records.push_back(OwnedRecord::From(record));
  }
  return records;
}

int64_t SumEndOffsets(Broker& broker, std::string_view topic) {
  auto description = broker.DescribeTopic(topic);
  EXPECT_TRUE(description.ok()) << description.status().ToString();
  if (!description.ok()) return -1;
  int64_t sum = 0;
  for (const PartitionInfo& partition : description->partitions) sum += partition.end_offset;
  return sum;
}

BrokerOptions KafkaTest::FastGroupOptions() {
  BrokerOptions options;
  options.kafka_config = {{"heartbeat.interval.ms", "100"}, {"session.timeout.ms", "6000"}};
  return options;
}

void KafkaTest::SetUp() {
  ASSERT_OK_AND_ASSIGN(cluster_, testing::MockCluster::Start(3));
  ASSERT_OK_AND_ASSIGN(broker_, OpenBroker(cluster_->uri(), FastGroupOptions()));
}

void KafkaTest::CreateTopic(const std::string& name, int partitions) {
  ASSERT_OK(cluster_->CreateTopic(name, partitions));
}

std::unique_ptr<Producer> KafkaTest::NewProducer(const ProducerOptions& options) {
  auto producer = broker_->NewProducer(options);
  EXPECT_TRUE(producer.ok()) << producer.status().ToString();
  return producer.ok() ? std::move(producer).value() : nullptr;
}

std::unique_ptr<Consumer> KafkaTest::NewConsumer(const ConsumerOptions& options) {
  auto consumer = broker_->NewConsumer(options);
  EXPECT_TRUE(consumer.ok()) << consumer.status().ToString();
  return consumer.ok() ? std::move(consumer).value() : nullptr;
}

}  // namespace rtml::stream
