#include "kafka_config.h"

#include <unistd.h>

#include <array>
#include <atomic>

#include "rtml/core/log.h"

namespace rtml::stream::kafka {

namespace {

std::string PrivateGroupId() {
  static std::atomic<uint64_t> counter{0};
  return "rtml-no-group-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

// librdkafka logs from its own threads; route its lines through rtml's stderr format
// so an operator sees one style. Levels are syslog's: 0-4 are errors and warnings.
void LogFromLibrdkafka(const rd_kafka_t* /*handle*/, int level, const char* facility,
                       const char* message) {
  const std::string line = std::string("kafka ") + facility + ": " + message;
  if (level <= 4) {
    LogWarning(line);
  } else {
    LogInfo(line);
  }
}

}  // namespace

KafkaConfig::KafkaConfig(std::string bootstrap_servers, const BrokerOptions& options)
    : bootstrap_servers_(std::move(bootstrap_servers)),
      client_id_(options.client_id),
      overrides_(options.kafka_config) {}

Result<ConfPtr> KafkaConfig::Build(const Settings& role_settings) const {
  ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), LogFromLibrdkafka);
  std::array<char, 512> error{};
  auto set = [&](const std::string& key, const std::string& value,
                 std::string_view origin) -> Status {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), error.data(), error.size()) !=
        RD_KAFKA_CONF_OK) {
      return Status::InvalidArgument(std::string(origin) + " '" + key + "'='" + value +
                                     "': " + error.data());
    }
    return Status::Ok();
  };
  RTML_RETURN_IF_ERROR(set("bootstrap.servers", bootstrap_servers_, "kafka setting"));
  RTML_RETURN_IF_ERROR(set("client.id", client_id_, "BrokerOptions::client_id"));
  for (const auto& [key, value] : role_settings)
    RTML_RETURN_IF_ERROR(set(key, value, "kafka setting"));
  for (const auto& [key, value] : overrides_) {
    RTML_RETURN_IF_ERROR(set(key, value, "BrokerOptions::kafka_config"));
  }
  return conf;
}

Result<ConfPtr> KafkaConfig::ForAdmin() const { return Build({}); }

Result<ConfPtr> KafkaConfig::ForProducer(const ProducerOptions& options) const {
  return Build({
      {"enable.idempotence", "true"},
      {"acks", "all"},
      // Same partition for a key as Java clients and PartitionForKey().
      {"partitioner", "murmur2_random"},
      {"linger.ms", std::to_string(options.linger.count())},
      // Produce() checks that the topic exists; never create one by accident.
      {"allow.auto.create.topics", "false"},
  });
}

Result<ConfPtr> KafkaConfig::ForConsumer(const ConsumerOptions& options) const {
  Settings settings = {
      // Positions are committed only by Commit(), after the caller processed them.
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "false"},
      {"allow.auto.create.topics", "false"},
      {"auto.offset.reset", options.offset_reset == OffsetReset::kEarliest ? "earliest" : "latest"},
  };
  // librdkafka's consumer cannot even Assign() without a group id. A consumer with
  // no group gets one of its own that it never joins or commits to.
  settings.emplace_back("group.id", options.group.empty() ? PrivateGroupId() : options.group);
  return Build(settings);
}

Result<HandlePtr> KafkaConfig::NewHandle(rd_kafka_type_t type, ConfPtr conf) const {
  std::array<char, 512> error{};
  // rd_kafka_new takes the conf only when it succeeds.
  rd_kafka_t* handle = rd_kafka_new(type, conf.get(), error.data(), error.size());
  if (handle == nullptr) {
    return Status::IOError("kafka://" + bootstrap_servers_ + ": cannot create a " +
                           (type == RD_KAFKA_PRODUCER ? "producer" : "consumer") +
                           " client: " + error.data());
  }
  conf.release();
  return HandlePtr(handle);
}

}  // namespace rtml::stream::kafka
