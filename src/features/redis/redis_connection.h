// RedisConnection: one blocking connection to a Redis server (hiredis), made again
// on demand after it was lost. Commands go out as RESP text (resp_writer.h) and may
// be pipelined: Send any number, then Receive one reply for each, in order.
//
// Every failure of the connection itself - refused, reset, closed, timed out - is
// Unavailable naming the server (never its password) and drops the connection: a
// reply may be lost with it, so the caller cannot know what the server applied.
// The next EnsureConnected makes a new connection.
// Threads: one thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include "redis/redis_uri.h"
#include "rtml/core/result.h"

struct redisContext;
struct redisReply;

namespace rtml::features {

struct RedisTimeouts {
  std::chrono::milliseconds connect{2000};  // to set up a connection
  std::chrono::milliseconds command{5000};  // for each read or write on it
};

struct RedisReplyDeleter {
  void operator()(redisReply* reply) const;
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

class RedisConnection {
 public:
  RedisConnection(RedisEndpoint endpoint, RedisTimeouts timeouts);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  const RedisEndpoint& endpoint() const { return endpoint_; }

  // Connects, logs in (AUTH) and selects the database, unless connected. A failed
  // login or SELECT is InvalidArgument.
  Status EnsureConnected();

  // Writes `commands` (RESP, any number of them). REQUIRES: connected.
  Status Send(std::string_view commands);
  // The reply to the oldest command not answered yet. An error reply ("-ERR ...")
  // is a reply too: ErrorStatus turns it into a Status. REQUIRES: connected.
  Result<RedisReply> Receive();
  // Send and Receive of one command; an error reply becomes its ErrorStatus.
  Result<RedisReply> Call(std::string_view command, std::string_view what);

  // The Status for an error reply to `what` (say "HGET rtml:{market__v1}:rows"):
  // Unavailable for the ones worth retrying (LOADING, BUSY, MASTERDOWN, ...),
  // InvalidArgument when the server wants a login, Internal otherwise.
  Status ErrorStatus(const redisReply& reply, std::string_view what) const;

 private:
  Status Handshake();
  // Drops the connection; returns the Unavailable status for it.
  Status Lost(std::string_view doing, std::string_view why);
  void Disconnect();

  RedisEndpoint endpoint_;
  RedisTimeouts timeouts_;
  redisContext* context_ = nullptr;  // null while disconnected
};

}  // namespace rtml::features
