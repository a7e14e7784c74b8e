#include "broker_flags.h"

#include <string>

namespace rtml::cli {

void AddBrokerFlags(FlagSet& flags) {
  flags.Value("broker", "URI",
              "file://DIR or kafka://HOST:PORT (default: $RTML_BROKER, else file://rtml-data)");
  flags.Value("fsync", "MODE",
              "file:// only: when to fsync writes: always, interval or never (default interval)");
  flags.Repeated("kafka-config", "KEY=VALUE", "kafka:// only: a librdkafka property");
}

Result<stream::BrokerOptions> BrokerOptionsFromFlags(const ParsedFlags& flags) {
  stream::BrokerOptions options;
  if (const std::optional<std::string_view> fsync = flags.Get("fsync")) {
    if (*fsync == "always") {
      options.fsync = stream::FsyncPolicy::kAlways;
    } else if (*fsync == "interval") {
      options.fsync = stream::FsyncPolicy::kInterval;
    } else if (*fsync == "never") {
      options.fsync = stream::FsyncPolicy::kNever;
    } else {
      return Status::InvalidArgument("flag --fsync: '" + std::string(*fsync) +
                                     "' is not one of always, interval, never");
    }
  }
  for (const std::string_view property : flags.GetAll("kafka-config")) {
    const size_t eq = property.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status::InvalidArgument("flag --kafka-config: '" + std::string(property) +
                                     "' is not KEY=VALUE");
    }
    options.kafka_config.emplace_back(std::string(property.substr(0, eq)),
                                      std::string(property.substr(eq + 1)));
  }
  return options;
}

Result<std::unique_ptr<stream::Broker>> OpenBrokerFromFlags(const ParsedFlags& flags) {
  RTML_ASSIGN_OR_RETURN(const stream::BrokerOptions options, BrokerOptionsFromFlags(flags));
  const std::string uri = stream::ResolveBrokerUri(flags.Get("broker").value_or(""));
  return stream::OpenBroker(uri, options);
}

}  // namespace rtml::cli
