// A blocking HTTP/1.1 GET client on one kept-alive loopback connection, as a
// serving client would hold one: the benchmark times requests, not handshakes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "rtml/core/result.h"

namespace rtml::bench {

class KeepAliveClient {
 public:
  static Result<std::unique_ptr<KeepAliveClient>> Connect(const std::string& host, uint16_t port);
  ~KeepAliveClient();

  // The status and body of GET `target`.
  Result<std::pair<int, std::string>> Get(const std::string& target);

 private:
  struct Impl;
  explicit KeepAliveClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtml::bench
