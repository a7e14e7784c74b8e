// WebSocketClient: a blocking websocket connection (ws:// or wss://) for one thread.
//
// Thread safety: none. One thread connects, sends, reads and closes; it may hand the
// client to another thread between calls. Nothing happens in the background: pings
// from the server are answered (with a pong carrying the ping's payload, as Binance
// requires) only while a Read() is running, so a caller reads in a loop, with a
// timeout short enough for its own housekeeping.
//
// After any IOError (connection lost, closed by the server, write failed) the client
// is finished: every later call returns that same error. Reconnecting means a new
// Connect().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/ingest/net/tls_options.h"

namespace rtml::ingest::net {

struct WebSocketClientOptions {
  // Resolving, TCP connect, TLS handshake and the websocket upgrade together must
  // finish within this (default 10 s), else Connect() returns Timeout.
  std::chrono::milliseconds connect_timeout{10'000};
  // A Send(), Ping() or Close() not written within this (default 10 s) means the
  // connection is dead: IOError, and the client is finished.
  std::chrono::milliseconds write_timeout{10'000};
  TlsOptions tls;                        // for wss:// (default: system CA store)
  std::string user_agent = "rtml";       // the User-Agent of the upgrade request
  size_t max_message_bytes = 16u << 20;  // a longer message is an IOError (16 MiB)
};

// One message from the server.
struct WebSocketFrame {
  std::string_view text;    // the payload; valid until the next Read() or Close()
  bool binary = false;      // true for a binary message (text for everything else)
  int64_t received_ns = 0;  // wall clock when it was read, ns since the Unix epoch
};

class WebSocketClient {
 public:
  using Options = WebSocketClientOptions;
  using Clock = std::chrono::steady_clock;

  // Connects and performs the websocket handshake. InvalidArgument for a bad URL (or
  // not ws/wss), Timeout past options.connect_timeout, IOError otherwise (refused,
  // TLS verification failed, the server declined the upgrade with its status), each
  // naming the URL.
  static Result<std::unique_ptr<WebSocketClient>> Connect(std::string_view url,
                                                          const Options& options = {});
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Sends one text message (any bytes; the server may reject invalid UTF-8).
  Status Send(std::string_view text);

  // Waits up to `timeout` (zero: only what has already arrived) for the next message.
  // Timeout status if none came; the connection stays usable and a message that is
  // half-received then is completed by the next Read(). IOError naming the URL when
  // the server closed the connection (with its close code and reason), or it was
  // lost (reset, end of stream).
  Result<WebSocketFrame> Read(std::chrono::milliseconds timeout);

  // Sends a websocket ping frame; the pong arrives during a later Read() (see
  // pongs_received()).
  Status Ping(std::string_view payload = {});

  // Sends a close frame and waits (up to write_timeout) for the server's; then closes
  // the socket. OK if the connection was already gone. The client is finished after.
  Status Close();

  // Time of the most recent frame of any kind (message, ping, pong) received; the
  // time the connection opened before any. For heartbeat tracking: a feed that is
  // alive sends something regularly.
  Clock::time_point last_receive_time() const;
  int64_t pings_received() const;  // ping frames from the server (each answered)
  int64_t pongs_received() const;  // pong frames from the server
  bool is_open() const;            // false after an error or Close()
  const std::string& url() const;  // as given to Connect()

 private:
  class Impl;
  explicit WebSocketClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtml::ingest::net
