#include "kafka_metadata.h"

#include "kafka_config.h"
#include "kafka_errors.h"
#include "kafka_handles.h"

namespace rtml::stream::kafka {

Result<ClusterMetadata> ClusterMetadata::Fetch(rd_kafka_t* rk, std::string_view where) {
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &raw, kRequestTimeoutMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaStatus(err, std::string(where) + ": cannot read the cluster's metadata");
  }
  const MetadataPtr metadata(raw);
  ClusterMetadata result;
  result.where_ = where;
  for (int i = 0; i < metadata->broker_cnt; ++i) result.brokers_.insert(metadata->brokers[i].id);
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[i];
    if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR || topic.partition_cnt <= 0) continue;
    TopicMetadata entry;
    entry.name = topic.topic;
    entry.partitions = topic.partition_cnt;
    entry.replication_factor = static_cast<int16_t>(topic.partitions[0].replica_cnt);
    result.topics_.emplace(entry.name, std::move(entry));
  }
  return result;
}

const TopicMetadata* ClusterMetadata::Find(std::string_view topic) const {
  const auto it = topics_.find(topic);
  return it == topics_.end() ? nullptr : &it->second;
}

Result<TopicMetadata> ClusterMetadata::Require(std::string_view topic) const {
  if (const TopicMetadata* found = Find(topic)) return *found;
  return Status::NotFound("topic '" + std::string(topic) + "' does not exist on " + where_);
}

std::vector<std::string> ClusterMetadata::TopicNames() const {
  std::vector<std::string> names;
  for (const auto& [name, topic] : topics_) {
    if (!name.starts_with("__")) names.push_back(name);
  }
  return names;  // std::map keeps them sorted
}

Result<Watermarks> QueryWatermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition) {
  Watermarks marks;
  const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      rk, topic.c_str(), partition, &marks.low, &marks.high, kRequestTimeoutMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaStatus(err,
                       "offsets of topic '" + topic + "' partition " + std::to_string(partition));
  }
  return marks;
}

}  // namespace rtml::stream::kafka
