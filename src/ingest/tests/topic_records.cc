#include "topic_records.h"

#include "testing.h"

namespace rtml::ingest::testing {

std::vector<StoredRecord> ReadTopic(stream::Broker& broker, const std::string& topic) {
  std::vector<StoredRecord> records;
  Result<stream::TopicDescription> description = broker.DescribeTopic(topic);
  EXPECT_TRUE(description.ok()) << description.status().ToString();
  if (!description.ok()) return records;
  for (const stream::PartitionInfo& info : description->partitions) {
    Result<std::unique_ptr<stream::Consumer>> consumer = broker.NewConsumer();
    EXPECT_TRUE(consumer.ok()) << consumer.status().ToString();
    if (!consumer.ok()) return records;
    EXPECT_OK((*consumer)->Assign({{topic, info.partition}}));
    int64_t next = info.start_offset;
    while (next < info.end_offset) {
      Result<std::span<const stream::ConsumedRecord>> batch =
          (*consumer)->Poll(std::chrono::seconds(5), 10'000);
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok() || batch->empty()) {
        ADD_FAILURE() << topic << "/" << info.partition << ": no record at offset " << next;
        break;
      }
      for (const stream::ConsumedRecord& record : *batch) {
        records.push_back(
            StoredRecord{.partition = record.partition,
                         .offset = record.offset,
                         .timestamp_ms = record.timestamp_ms,
                         .key = record.key ? std::optional<std::string>(*record.key) : std::nullopt,
                         .value = std::string(record.value)});
        next = record.offset + 1;
      }
    }
  }
  return records;
}

}  // namespace rtml::ingest::testing
