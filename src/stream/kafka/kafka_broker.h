// Internal: opens the kafka:// backend. Users go through OpenBroker().
//
// The broker checks at open that the cluster answers (IOError naming the servers if
// not, after kafka::kRequestTimeoutMs). Admin calls use Kafka's Admin API and need a
// controller broker; a cluster without one (librdkafka's mock cluster) answers
// CreateTopic/DeleteTopic with Unsupported, saying what to use instead, and
// DescribeTopic then reports Kafka's default retention (7 days, no size limit).
// Unknown topics give NotFound.
#pragma once

#include <memory>
#include <string>

#include "rtml/stream/broker.h"

namespace rtml::stream {

// Connects to the Kafka cluster at `bootstrap_servers` ("host:port,host:port").
Result<std::unique_ptr<Broker>> OpenKafkaBroker(const std::string& bootstrap_servers,
                                                std::string uri, const BrokerOptions& options);

}  // namespace rtml::stream
