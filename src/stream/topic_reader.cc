#include "rtml/stream/topic_reader.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace rtml::stream {

Status ReadTopicToEnd(Broker& broker, std::string_view topic, SeekTarget start,
                      const std::function<Status(const ConsumedRecord&)>& visit,
                      std::chrono::milliseconds stall_timeout) {
  return ReadTopicToEnd(
      broker, topic, [start](int32_t) { return start; }, visit, stall_timeout);
}

Status ReadTopicToEnd(Broker& broker, std::string_view topic,
                      const std::function<SeekTarget(int32_t partition)>& start,
                      const std::function<Status(const ConsumedRecord&)>& visit,
                      std::chrono::milliseconds stall_timeout) {
  RTML_ASSIGN_OR_RETURN(const TopicDescription description, broker.DescribeTopic(topic));
  // The end of each partition now; partitions already at their end need no reads.
  std::unordered_map<int32_t, int64_t> end_of;
  std::vector<TopicPartition> partitions;
  for (const PartitionInfo& info : description.partitions) {
    if (info.end_offset <= info.start_offset) continue;
    end_of[info.partition] = info.end_offset;
    partitions.push_back({std::string(topic), info.partition});
  }
  if (partitions.empty()) return Status::Ok();
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<Consumer> consumer, broker.NewConsumer());
  RTML_RETURN_IF_ERROR(consumer->Assign(partitions));
  // A seek can land at the end already (a timestamp after every record).
  for (const TopicPartition& tp : partitions) {
    RTML_RETURN_IF_ERROR(consumer->Seek(topic, tp.partition, start(tp.partition)));
    RTML_ASSIGN_OR_RETURN(const int64_t position, consumer->Position(tp));
    if (position >= end_of[tp.partition]) end_of.erase(tp.partition);
  }
  auto last_progress = std::chrono::steady_clock::now();
  while (!end_of.empty()) {
    RTML_ASSIGN_OR_RETURN(const auto records,
                          consumer->Poll(std::chrono::milliseconds(100), 10'000));
    if (!records.empty()) last_progress = std::chrono::steady_clock::now();
    for (const ConsumedRecord& record : records) {
      const auto end = end_of.find(record.partition);
      if (end == end_of.end() || record.offset >= end->second) continue;
      RTML_RETURN_IF_ERROR(visit(record));
      if (record.offset + 1 >= end->second) end_of.erase(end);
    }
    if (std::chrono::steady_clock::now() - last_progress > stall_timeout) {
      return Status::Timeout("reading topic " + std::string(topic) + ": no records for " +
                             std::to_string(stall_timeout.count()) + " ms before its end");
    }
  }
  return consumer->Close();
}

Result<std::optional<KeyedValue>> ReadNewestOfKey(Broker& broker, std::string_view topic,
                                                  std::string_view key) {
  std::optional<KeyedValue> newest;
  RTML_RETURN_IF_ERROR(
      ReadTopicToEnd(broker, topic, SeekTarget::Beginning(), [&](const ConsumedRecord& record) {
        if (record.key != key) return Status::Ok();
        newest = KeyedValue{record.partition, record.offset, std::string(record.value)};
        return Status::Ok();
      }));
  return newest;
}

}  // namespace rtml::stream
