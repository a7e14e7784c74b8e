#include "file_broker.h"

namespace rtml::stream {

Result<std::unique_ptr<Broker>> OpenFileBroker(const std::string& dir, std::string uri,
                                               const BrokerOptions& options) {
  (void)dir, (void)uri, (void)options;
  return Status::Unsupported("file:// backend: not built yet");
}

}  // namespace rtml::stream
