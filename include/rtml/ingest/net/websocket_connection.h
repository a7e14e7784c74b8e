// WebSocketConnection: the server's side of one websocket connection accepted by a
// LoopbackServer, as its route handlers see it.
//
// Thread safety: every method may be called from any thread. Sending is queued: each
// connection has its own send queue, written in order by the server's I/O thread, so
// a slow client never blocks the caller (watch queued() to apply backpressure).
// Methods called after the connection closed do nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace rtml::ingest::net {

class WebSocketConnection {
 public:
  virtual ~WebSocketConnection() = default;

  // Unique per server, from 1, in order of acceptance.
  virtual uint64_t id() const = 0;
  // The request target of the upgrade, e.g. "/stream?streams=btcusdt@trade".
  virtual const std::string& target() const = 0;

  // Queues a text message. Any bytes are sent as they are: malformed JSON, a
  // truncated message - what fault injection needs.
  virtual void Send(std::string text) = 0;
  // Queues a ping frame (after the messages queued before it).
  virtual void Ping(std::string payload = {}) = 0;
  // Queues a normal close frame (code 1000) after everything queued before it.
  virtual void Close() = 0;
  // Ends the connection abruptly, now: TCP reset, no close frame, the queue dropped.
  virtual void Drop() = 0;
  // Stops writing (queued messages wait) until SetSending(true); the connection stays
  // open. A stalled server, as a client sees it.
  virtual void SetSending(bool sending) = 0;

  // Messages and pings queued and not yet written.
  virtual size_t queued() const = 0;
  virtual bool is_open() const = 0;
  virtual int64_t pongs_received() const = 0;  // pong frames from the client
};

}  // namespace rtml::ingest::net
