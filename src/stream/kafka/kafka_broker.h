// Internal: opens the kafka:// backend. Users go through OpenBroker().
#pragma once

#include <memory>
#include <string>

#include "rtml/stream/broker.h"

namespace rtml::stream {

// Connects to the Kafka cluster at `bootstrap_servers` ("host:port,host:port").
Result<std::unique_ptr<Broker>> OpenKafkaBroker(const std::string& bootstrap_servers,
                                                std::string uri, const BrokerOptions& options);

}  // namespace rtml::stream
