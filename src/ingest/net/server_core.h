// Internal: what the loopback server's sessions need from the server. Included only
// by this folder's server files.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "rtml/ingest/net/loopback_server.h"

namespace rtml::ingest::net::internal {

// Any session the server can end at Stop().
class Session {
 public:
  virtual ~Session() = default;
  // Closes the socket now (I/O thread only).
  virtual void Abort() = 0;
};

// The server state that sessions use, all on the I/O thread except the atomics.
struct ServerCore {
  std::shared_ptr<boost::asio::io_context> ioc;  // shared: sessions keep it alive
  std::map<std::string, WebSocketHandler> websocket_routes;
  std::map<std::string, HttpHandler> http_routes;
  std::map<uint64_t, std::weak_ptr<Session>> sessions;
  uint64_t next_session_id = 1;
  uint64_t next_websocket_id = 1;
  bool stopping = false;
  std::atomic<int64_t> connections_accepted{0};
  std::atomic<int64_t> websockets_open{0};

  uint64_t Register(const std::shared_ptr<Session>& session) {
    const uint64_t id = next_session_id++;
    sessions[id] = session;
    return id;
  }
  void Unregister(uint64_t id) { sessions.erase(id); }
};

}  // namespace rtml::ingest::net::internal
