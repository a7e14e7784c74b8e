#include "ensure_topic.h"

namespace rtml::cli {

Status EnsureTopic(stream::Broker& broker, const std::string& name, int32_t partitions) {
  Result<stream::TopicDescription> topic = broker.DescribeTopic(name);
  if (topic.ok()) return Status::Ok();
  if (topic.status().code() != StatusCode::kNotFound) return topic.status();
  const Status created = broker.CreateTopic(
      {.name = name, .partitions = partitions, .retention_ms = stream::kUnlimited});
  return created.code() == StatusCode::kAlreadyExists ? Status::Ok() : created;
}

}  // namespace rtml::cli
