// The flags every command that talks to a broker shares, and opening the broker
// they name.
//
//   --broker URI           file://DIR or kafka://HOST:PORT; default: $RTML_BROKER,
//                          else file://rtml-data
//   --fsync MODE           file:// only: always | interval | never (default interval)
//   --kafka-config K=V     kafka:// only: a librdkafka property (repeatable)
#pragma once

#include <memory>

#include "flags.h"
#include "rtml/core/result.h"
#include "rtml/stream/broker.h"

namespace rtml::cli {

void AddBrokerFlags(FlagSet& flags);

// The BrokerOptions the flags ask for; InvalidArgument naming the flag if a value
// is not understood.
Result<stream::BrokerOptions> BrokerOptionsFromFlags(const ParsedFlags& flags);

// Opens the broker the flags name. InvalidArgument for a bad flag or malformed
// URI (a usage error); other codes are the broker's own failures.
Result<std::unique_ptr<stream::Broker>> OpenBrokerFromFlags(const ParsedFlags& flags);

}  // namespace rtml::cli
