// LoopbackServer: an HTTP/1.1 and websocket server for tests and the exchange
// simulator. It binds an address (127.0.0.1 by default) and a port (0: any free one,
// see port()), and routes each request by its path: websocket upgrades to the
// WebSocketHandler of that path, GETs to the HttpHandler of that path, anything
// else to 404. Optionally TLS (wss://, https://) with a given certificate.
//
// Threads: one I/O thread, started by Start() and joined by Stop(), runs every
// handler; handlers must be quick and must not block on the server (queue work and
// return). Routes are added before Start(). port(), BaseUrl() and counters may be
// read from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "rtml/core/status.h"
#include "rtml/ingest/net/http_message.h"
#include "rtml/ingest/net/websocket_connection.h"

namespace rtml::ingest::net {

struct LoopbackServerOptions {
  std::string address = "127.0.0.1";  // the address to bind (default loopback only)
  uint16_t port = 0;                  // 0 (default): the system picks a free port
  // PEM files of the certificate (chain) and its private key. Both empty (default):
  // plain ws:// and http://; both set: TLS only (wss://, https://).
  std::string cert_file;
  std::string key_file;
};

// Callbacks of one websocket route, all run on the I/O thread. Any may be empty.
struct WebSocketHandler {
  // A client completed the upgrade. The handler may keep the pointer (to send from
  // other threads) until on_close for that connection.
  std::function<void(const std::shared_ptr<WebSocketConnection>&)> on_open;
  // A message from the client (text or binary); `message` is valid during the call.
  std::function<void(WebSocketConnection&, std::string_view message)> on_message;
  // The connection ended (either side, any reason); called once per on_open.
  std::function<void(WebSocketConnection&)> on_close;
};

// Answers one GET; runs on the I/O thread.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class LoopbackServer {
 public:
  explicit LoopbackServer(LoopbackServerOptions options = {});
  ~LoopbackServer();  // Stop()
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Routes by exact path (the target before '?'), e.g. "/v2", "/stream". A path may
  // have both kinds: an upgrade request goes to the websocket route. An HTTP route
  // ending in "/*" ("/features/*") takes every path under it that has no route of
  // its own (the longest such prefix wins). Before Start().
  void AddWebSocketRoute(std::string path, WebSocketHandler handler);
  void AddHttpRoute(std::string path, HttpHandler handler);

  // Binds, listens and starts the I/O thread. IOError naming the address and port
  // (e.g. in use), or the certificate/key file that could not be loaded.
  Status Start();

  // Closes the listener and every connection (abruptly), calls on_close for each
  // open websocket connection, and joins the I/O thread. Idempotent.
  void Stop();

  uint16_t port() const;  // the bound port; 0 before Start()
  // "ws://127.0.0.1:PORT" or "http://127.0.0.1:PORT" ("wss"/"https" with TLS).
  std::string BaseUrl(bool websocket) const;

  int64_t connections_accepted() const;  // TCP connections, all kinds
  int64_t websockets_open() const;       // websocket connections now open

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtml::ingest::net
