#include "kafka_broker.h"

#include <array>
#include <chrono>
#include <thread>

#include "kafka_config.h"
#include "kafka_consumer.h"
#include "kafka_errors.h"
#include "kafka_handles.h"
#include "kafka_metadata.h"
#include "kafka_producer.h"

namespace rtml::stream {
namespace kafka {
namespace {

// How long to wait for the cluster to name its controller before admin calls are
// declared unsupported.
constexpr int kControllerWaitMs = 2000;

class KafkaBroker final : public Broker {
 public:
  KafkaBroker(std::string uri, KafkaConfig config, HandlePtr admin)
      : uri_(std::move(uri)), config_(std::move(config)), admin_(std::move(admin)) {}

  Status CreateTopic(const TopicSpec& spec) override;
  Result<std::vector<std::string>> ListTopics() override;
  Result<TopicDescription> DescribeTopic(std::string_view topic) override;
  Status DeleteTopic(std::string_view topic) override;
  Result<std::vector<PartitionLag>> GroupLag(std::string_view group,
                                             std::string_view topic) override;

  Result<std::unique_ptr<Producer>> NewProducer(const ProducerOptions& options) override {
    return KafkaProducer::Open(config_, options);
  }
  Result<std::unique_ptr<Consumer>> NewConsumer(const ConsumerOptions& options) override {
    return KafkaConsumer::Open(config_, options);
  }

  const std::string& uri() const override { return uri_; }

 private:
  Result<ClusterMetadata> Metadata() { return ClusterMetadata::Fetch(admin_.get(), uri_); }
  // OK if the cluster has a controller to send admin requests to; else Unsupported
  // for `action`, suggesting `instead`.
  Status RequireAdminApi(const ClusterMetadata& metadata, std::string_view action,
                         std::string_view instead);
  AdminOptionsPtr NewAdminOptions(rd_kafka_admin_op_t op);
  // Waits for the result of an admin request sent to `queue`.
  Result<EventPtr> AwaitResult(rd_kafka_queue_t* queue, std::string_view context);
  // Retention of `topic` from the broker's DescribeConfigs, into `spec`.
  Status ReadRetention(const std::string& topic, TopicSpec* spec);

  const std::string uri_;
  const KafkaConfig config_;
  const HandlePtr admin_;  // metadata, offsets and admin requests
};

Status KafkaBroker::RequireAdminApi(const ClusterMetadata& metadata, std::string_view action,
                                    std::string_view instead) {
  const int32_t controller = rd_kafka_controllerid(admin_.get(), kControllerWaitMs);
  if (controller >= 0 && metadata.HasBroker(controller)) return Status::Ok();
  return Status::Unsupported(
      "cannot " + std::string(action) + " on " + uri_ +
      ": the cluster names no controller broker, so it does not take Admin API requests "
      "(librdkafka's mock cluster does not implement them); " +
      std::string(instead));
}

AdminOptionsPtr KafkaBroker::NewAdminOptions(rd_kafka_admin_op_t op) {
  AdminOptionsPtr options(rd_kafka_AdminOptions_new(admin_.get(), op));
  std::array<char, 256> error{};
  (void)rd_kafka_AdminOptions_set_request_timeout(options.get(), kRequestTimeoutMs, error.data(),
                                                  error.size());
  if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS) {
    // Wait until the controller has finished, not just accepted, the change.
    (void)rd_kafka_AdminOptions_set_operation_timeout(options.get(), kRequestTimeoutMs,
                                                      error.data(), error.size());
  }
  return options;
}

Result<EventPtr> KafkaBroker::AwaitResult(rd_kafka_queue_t* queue, std::string_view context) {
  // librdkafka answers within the request timeout; the margin covers queueing.
  EventPtr event(rd_kafka_queue_poll(queue, 2 * kRequestTimeoutMs));
  if (event == nullptr) {
    return Status::Timeout(std::string(context) + " on " + uri_ + ": no answer after " +
                           std::to_string(2 * kRequestTimeoutMs) + " ms");
  }
  const rd_kafka_resp_err_t err = rd_kafka_event_error(event.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const Status status = KafkaStatus(err, std::string(context) + " on " + uri_);
    return Status(status).WithContext(rd_kafka_event_error_string(event.get()));
  }
  return event;
}

Status KafkaBroker::CreateTopic(const TopicSpec& spec) {
  RTML_RETURN_IF_ERROR(ValidateTopicName(spec.name));
  if (spec.partitions < 1) {
    return Status::InvalidArgument("topic '" + spec.name +
                                   "': partitions must be at least 1, not " +
                                   std::to_string(spec.partitions));
  }
  RTML_ASSIGN_OR_RETURN(const ClusterMetadata metadata, Metadata());
  if (metadata.Find(spec.name) != nullptr) {
    return Status::AlreadyExists("topic '" + spec.name + "' already exists on " + uri_);
  }
  RTML_RETURN_IF_ERROR(RequireAdminApi(
      metadata, "create topic '" + spec.name + "'",
      "create it with the cluster's own tools (kafka-topics.sh --create), or for a mock "
      "cluster with rtml_mock_kafka --topic " +
          spec.name + ":" + std::to_string(spec.partitions)));

  std::array<char, 512> error{};
  NewTopicPtr new_topic(rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions,
                                              spec.replication_factor, error.data(), error.size()));
  if (new_topic == nullptr) {
    return Status::InvalidArgument("topic '" + spec.name + "': " + error.data());
  }
  // Kafka reads -1 as "unlimited" for both, as rtml's kUnlimited does.
  RTML_RETURN_IF_ERROR(
      KafkaStatus(rd_kafka_NewTopic_set_config(new_topic.get(), "retention.ms",
                                               std::to_string(spec.retention_ms).c_str()),
                  "topic '" + spec.name + "' retention.ms"));
  RTML_RETURN_IF_ERROR(
      KafkaStatus(rd_kafka_NewTopic_set_config(new_topic.get(), "retention.bytes",
                                               std::to_string(spec.retention_bytes).c_str()),
                  "topic '" + spec.name + "' retention.bytes"));

  const std::string context = "creating topic '" + spec.name + "'";
  QueuePtr queue(rd_kafka_queue_new(admin_.get()));
  rd_kafka_NewTopic_t* topics[] = {new_topic.get()};
  const AdminOptionsPtr options = NewAdminOptions(RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_CreateTopics(admin_.get(), topics, 1, options.get(), queue.get());
  RTML_ASSIGN_OR_RETURN(const EventPtr event, AwaitResult(queue.get(), context));
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &count);
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    const char* detail = rd_kafka_topic_result_error_string(results[i]);
    return KafkaStatus(err, context + " on " + uri_ + (detail ? std::string(": ") + detail : ""));
  }
  // The controller has created it; wait until the metadata our clients read says so.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kRequestTimeoutMs);
  for (;;) {
    RTML_ASSIGN_OR_RETURN(const ClusterMetadata now, Metadata());
    if (now.Find(spec.name) != nullptr) return Status::Ok();
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Timeout(context + " on " + uri_ + ": created, but not in the metadata after " +
                             std::to_string(kRequestTimeoutMs) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Result<std::vector<std::string>> KafkaBroker::ListTopics() {
  RTML_ASSIGN_OR_RETURN(const ClusterMetadata metadata, Metadata());
  return metadata.TopicNames();
}

Status KafkaBroker::ReadRetention(const std::string& topic, TopicSpec* spec) {
  const std::string context = "reading the configuration of topic '" + topic + "'";
  ConfigResourcePtr resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  QueuePtr queue(rd_kafka_queue_new(admin_.get()));
  const AdminOptionsPtr options = NewAdminOptions(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
  rd_kafka_DescribeConfigs(admin_.get(), resources, 1, options.get(), queue.get());
  RTML_ASSIGN_OR_RETURN(const EventPtr event, AwaitResult(queue.get(), context));
  size_t count = 0;
  const rd_kafka_ConfigResource_t** results = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(event.get()), &count);
  for (size_t i = 0; i < count; ++i) {
    RTML_RETURN_IF_ERROR(KafkaStatus(rd_kafka_ConfigResource_error(results[i]), context));
    size_t entry_count = 0;
    const rd_kafka_ConfigEntry_t** entries =
        rd_kafka_ConfigResource_configs(results[i], &entry_count);
    for (size_t j = 0; j < entry_count; ++j) {
      const std::string_view name = rd_kafka_ConfigEntry_name(entries[j]);
      const char* value = rd_kafka_ConfigEntry_value(entries[j]);
      if (value == nullptr) continue;
      if (name == "retention.ms") spec->retention_ms = std::stoll(value);
      if (name == "retention.bytes") spec->retention_bytes = std::stoll(value);
    }
  }
  return Status::Ok();
}

Result<TopicDescription> KafkaBroker::DescribeTopic(std::string_view topic) {
  RTML_ASSIGN_OR_RETURN(const ClusterMetadata metadata, Metadata());
  RTML_ASSIGN_OR_RETURN(const TopicMetadata found, metadata.Require(topic));
  TopicDescription description;
  description.spec.name = found.name;
  description.spec.partitions = found.partitions;
  description.spec.replication_factor = found.replication_factor;
  // Kafka's defaults, which TopicSpec's match, unless the broker tells otherwise.
  description.spec.retention_ms = 7LL * 24 * 3600 * 1000;
  description.spec.retention_bytes = kUnlimited;
  description.spec.segment_bytes = -1;  // file:// only
  if (RequireAdminApi(metadata, "", "").ok()) {
    RTML_RETURN_IF_ERROR(ReadRetention(found.name, &description.spec));
  }
  for (int32_t p = 0; p < found.partitions; ++p) {
    RTML_ASSIGN_OR_RETURN(const Watermarks marks, QueryWatermarks(admin_.get(), found.name, p));
    description.partitions.push_back(
        {.partition = p, .start_offset = marks.low, .end_offset = marks.high, .size_bytes = -1});
  }
  return description;
}

Status KafkaBroker::DeleteTopic(std::string_view topic) {
  RTML_ASSIGN_OR_RETURN(const ClusterMetadata metadata, Metadata());
  RTML_RETURN_IF_ERROR(metadata.Require(topic).status());
  const std::string name(topic);
  RTML_RETURN_IF_ERROR(RequireAdminApi(
      metadata, "delete topic '" + name + "'",
      "delete it with the cluster's own tools (kafka-topics.sh --delete), or restart the mock "
      "cluster without it"));
  const std::string context = "deleting topic '" + name + "'";
  DeleteTopicPtr request(rd_kafka_DeleteTopic_new(name.c_str()));
  rd_kafka_DeleteTopic_t* requests[] = {request.get()};
  QueuePtr queue(rd_kafka_queue_new(admin_.get()));
  const AdminOptionsPtr options = NewAdminOptions(RD_KAFKA_ADMIN_OP_DELETETOPICS);
  rd_kafka_DeleteTopics(admin_.get(), requests, 1, options.get(), queue.get());
  RTML_ASSIGN_OR_RETURN(const EventPtr event, AwaitResult(queue.get(), context));
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event.get()), &count);
  for (size_t i = 0; i < count; ++i) {
    RTML_RETURN_IF_ERROR(
        KafkaStatus(rd_kafka_topic_result_error(results[i]), context + " on " + uri_));
  }
  return Status::Ok();
}

Result<std::vector<PartitionLag>> KafkaBroker::GroupLag(std::string_view group,
                                                        std::string_view topic) {
  if (group.empty()) return Status::InvalidArgument("GroupLag on " + uri_ + ": no group given");
  RTML_ASSIGN_OR_RETURN(const ClusterMetadata metadata, Metadata());
  RTML_ASSIGN_OR_RETURN(const TopicMetadata found, metadata.Require(topic));
  const std::string group_name(group);
  const std::string context =
      "reading offsets of group '" + group_name + "' for topic '" + found.name + "'";

  PartitionListPtr partitions(rd_kafka_topic_partition_list_new(found.partitions));
  for (int32_t p = 0; p < found.partitions; ++p) {
    rd_kafka_topic_partition_list_add(partitions.get(), found.name.c_str(), p);
  }
  GroupOffsetsRequestPtr request(
      rd_kafka_ListConsumerGroupOffsets_new(group_name.c_str(), partitions.get()));
  rd_kafka_ListConsumerGroupOffsets_t* requests[] = {request.get()};
  QueuePtr queue(rd_kafka_queue_new(admin_.get()));
  const AdminOptionsPtr options = NewAdminOptions(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
  rd_kafka_ListConsumerGroupOffsets(admin_.get(), requests, 1, options.get(), queue.get());
  RTML_ASSIGN_OR_RETURN(const EventPtr event, AwaitResult(queue.get(), context));

  std::vector<PartitionLag> lags(static_cast<size_t>(found.partitions));
  for (int32_t p = 0; p < found.partitions; ++p) {
    lags[static_cast<size_t>(p)].topic = found.name;
    lags[static_cast<size_t>(p)].partition = p;
  }
  size_t count = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
      rd_kafka_event_ListConsumerGroupOffsets_result(event.get()), &count);
  for (size_t i = 0; i < count; ++i) {
    RTML_RETURN_IF_ERROR(KafkaStatus(rd_kafka_group_result_error(groups[i]), context));
    const rd_kafka_topic_partition_list_t* offsets = rd_kafka_group_result_partitions(groups[i]);
    for (int j = 0; offsets != nullptr && j < offsets->cnt; ++j) {
      const rd_kafka_topic_partition_t& elem = offsets->elems[j];
      RTML_RETURN_IF_ERROR(
          KafkaStatus(elem.err, context + " partition " + std::to_string(elem.partition)));
      if (elem.partition < 0 || elem.partition >= found.partitions) continue;
      if (elem.offset >= 0) lags[static_cast<size_t>(elem.partition)].committed = elem.offset;
    }
  }
  for (PartitionLag& lag : lags) {
    RTML_ASSIGN_OR_RETURN(const Watermarks marks,
                          QueryWatermarks(admin_.get(), found.name, lag.partition));
    lag.end_offset = marks.high;
    lag.lag = marks.high - (lag.committed != kNoOffset ? lag.committed : marks.low);
  }
  return lags;
}

}  // namespace
}  // namespace kafka

Result<std::unique_ptr<Broker>> OpenKafkaBroker(const std::string& bootstrap_servers,
                                                std::string uri, const BrokerOptions& options) {
  kafka::KafkaConfig config(bootstrap_servers, options);
  RTML_ASSIGN_OR_RETURN(kafka::ConfPtr conf, config.ForAdmin());
  RTML_ASSIGN_OR_RETURN(kafka::HandlePtr admin,
                        config.NewHandle(RD_KAFKA_PRODUCER, std::move(conf)));
  // Fail now, not at first use, if nothing answers at that address.
  const Status reachable = kafka::ClusterMetadata::Fetch(admin.get(), uri).status();
  if (!reachable.ok()) {
    return Status::IOError("cannot reach the Kafka cluster at " + uri + ": " + reachable.message());
  }
  return std::unique_ptr<Broker>(
      std::make_unique<kafka::KafkaBroker>(std::move(uri), std::move(config), std::move(admin)));
}

}  // namespace rtml::stream
