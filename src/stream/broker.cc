#include "rtml/stream/broker.h"

#include <cstdlib>
#include <string>

#include "file/file_broker.h"
#include "kafka/kafka_broker.h"

namespace rtml::stream {
namespace {

constexpr std::string_view kFileScheme = "file://";
constexpr std::string_view kKafkaScheme = "kafka://";

Status Malformed(std::string_view uri, std::string_view why) {
  return Status::InvalidArgument("broker URI '" + std::string(uri) + "': " + std::string(why) +
                                 " (expected file://DIR or kafka://HOST:PORT[,HOST:PORT...])");
}

// Checks "host:port[,host:port...]".
Status ValidateBootstrap(std::string_view uri, std::string_view servers) {
  if (servers.empty()) return Malformed(uri, "no host given");
  size_t start = 0;
  while (start <= servers.size()) {
    size_t end = servers.find(',', start);
    if (end == std::string_view::npos) end = servers.size();
    const std::string_view server = servers.substr(start, end - start);
    const size_t colon = server.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == server.size()) {
      return Malformed(uri, "'" + std::string(server) + "' is not HOST:PORT");
    }
    for (const char c : server.substr(colon + 1)) {
      if (c < '0' || c > '9')
        return Malformed(uri, "port of '" + std::string(server) + "' is not a number");
    }
    start = end + 1;
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Broker>> OpenBroker(std::string_view uri, const BrokerOptions& options) {
  if (uri.starts_with(kFileScheme)) {
    const std::string dir(uri.substr(kFileScheme.size()));
    if (dir.empty()) return Malformed(uri, "no directory given");
    return OpenFileBroker(dir, std::string(uri), options);
  }
  if (uri.starts_with(kKafkaScheme)) {
    const std::string_view servers = uri.substr(kKafkaScheme.size());
    RTML_RETURN_IF_ERROR(ValidateBootstrap(uri, servers));
    return OpenKafkaBroker(std::string(servers), std::string(uri), options);
  }
  return Malformed(uri, "unknown scheme");
}

std::string ResolveBrokerUri(std::string_view flag_value) {
  if (!flag_value.empty()) return std::string(flag_value);
  if (const char* env = std::getenv("RTML_BROKER"); env != nullptr && *env != '\0') return env;
  return std::string(kDefaultBrokerUri);
}

}  // namespace rtml::stream
