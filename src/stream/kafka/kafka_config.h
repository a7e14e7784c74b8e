// KafkaConfig: builds the librdkafka configuration of every client handle the
// kafka:// backend opens, from the bootstrap servers and BrokerOptions.
//
// Each role gets rtml's settings first (e.g. an idempotent, acks=all producer with
// Java's murmur2 partitioner; a consumer that never commits on its own), then the
// user's BrokerOptions::kafka_config overrides, applied last so they win.
// Immutable after construction; any thread may use it.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kafka_handles.h"
#include "rtml/core/result.h"
#include "rtml/stream/broker.h"
#include "rtml/stream/consumer.h"
#include "rtml/stream/producer.h"

namespace rtml::stream::kafka {

// How long metadata, offset and admin requests may take before they fail with
// Timeout. Nothing in the backend waits longer than this for one request.
inline constexpr int kRequestTimeoutMs = 10'000;

class KafkaConfig {
 public:
  KafkaConfig(std::string bootstrap_servers, const BrokerOptions& options);

  // For metadata, offset and admin requests.
  Result<ConfPtr> ForAdmin() const;
  Result<ConfPtr> ForProducer(const ProducerOptions& options) const;
  Result<ConfPtr> ForConsumer(const ConsumerOptions& options) const;

  // Creates a client from `conf` (taken over, also on failure). IOError naming the
  // servers if librdkafka refuses.
  Result<HandlePtr> NewHandle(rd_kafka_type_t type, ConfPtr conf) const;

  const std::string& bootstrap_servers() const { return bootstrap_servers_; }

 private:
  using Settings = std::vector<std::pair<std::string, std::string>>;

  // Common settings, then `role_settings`, then the user's overrides.
  Result<ConfPtr> Build(const Settings& role_settings) const;

  std::string bootstrap_servers_;
  std::string client_id_;
  Settings overrides_;
};

}  // namespace rtml::stream::kafka
