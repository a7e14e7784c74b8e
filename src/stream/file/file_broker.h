// Internal: opens the file:// backend. Users go through OpenBroker().
#pragma once

#include <memory>
#include <string>

#include "rtml/stream/broker.h"

namespace rtml::stream {

// Opens (creating if needed) the embedded log in directory `dir`.
Result<std::unique_ptr<Broker>> OpenFileBroker(const std::string& dir, std::string uri,
                                               const BrokerOptions& options);

}  // namespace rtml::stream
