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
  std::map<std::string, HttpHandler> http_routes;  // "/a/*" routes every path under /a/
  std::map<uint64_t, std::weak_ptr<Session>> sessions;
  uint64_t next_session_id = 1;
  uint64_t next_websocket_id = 1;
  bool stopping = false;
  std::atomic<int64_t> connections_accepted{0};
  std::atomic<int64_t> websockets_open{0};

  // The route of `path`: its exact route, else the longest "prefix/*" route it is
  // under; null if none.
  const HttpHandler* FindHttpRoute(const std::string& path) const {
    if (const auto exact = http_routes.find(path); exact != http_routes.end())
      return &exact->second;
    const HttpHandler* found = nullptr;
    size_t longest = 0;
    for (const auto& [route, handler] : http_routes) {
      if (!route.ends_with("/*")) continue;
      const std::string_view prefix(route.data(), route.size() - 1);
      if (path.starts_with(prefix) && prefix.size() > longest) {
        found = &handler;
        longest = prefix.size();
      }
    }
    return found;
  }

  uint64_t Register(const std::shared_ptr<Session>& session) {
    const uint64_t id = next_session_id++;
    sessions[id] = session;
    return id;
  }
  void Unregister(uint64_t id) { sessions.erase(id); }
};

}  // namespace rtml::ingest::net::internal
