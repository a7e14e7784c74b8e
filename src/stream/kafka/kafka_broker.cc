#include "kafka_broker.h"

namespace rtml::stream {

Result<std::unique_ptr<Broker>> OpenKafkaBroker(const std::string& bootstrap_servers,
                                                std::string uri, const BrokerOptions& options) {
  (void)bootstrap_servers, (void)uri, (void)options;
  return Status::Unsupported("kafka:// backend: not built yet");
}

}  // namespace rtml::stream
