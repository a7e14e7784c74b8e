#include "redis/redis_connection.h"

#include <hiredis/hiredis.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "redis/resp_writer.h"

namespace rtml::features {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  return {.tv_sec = static_cast<time_t>(ms.count() / 1000),
          .tv_usec = static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
}

// Error replies worth retrying: the server is starting, busy or failing over.
constexpr std::array<std::string_view, 6> kTransientErrors = {
    "LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "READONLY"};
constexpr std::array<std::string_view, 3> kLoginErrors = {"NOAUTH", "WRONGPASS", "NOPERM"};

bool StartsWithWord(std::string_view text, std::string_view word) {
  return text.starts_with(word) && (text.size() == word.size() || text[word.size()] == ' ');
}

}  // namespace

void RedisReplyDeleter::operator()(redisReply* reply) const { freeReplyObject(reply); }

RedisConnection::RedisConnection(RedisEndpoint endpoint, RedisTimeouts timeouts)
    : endpoint_(std::move(endpoint)), timeouts_(timeouts) {}

RedisConnection::~RedisConnection() { Disconnect(); }

void RedisConnection::Disconnect() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
}

Status RedisConnection::EnsureConnected() {
  if (context_ != nullptr && context_->err == 0) return Status::Ok();
  Disconnect();
  redisContext* context =
      redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, ToTimeval(timeouts_.connect));
  if (context == nullptr || context->err != 0) {
    const std::string why = context == nullptr ? "out of memory" : context->errstr;
    if (context != nullptr) redisFree(context);
    return Status::Unavailable("cannot reach " + endpoint_.Describe() + ": " + why);
  }
  context_ = context;
  // The command timeout bounds each read and write; keepalive notices a peer
  // that vanished without closing the connection.
  if (redisSetTimeout(context_, ToTimeval(timeouts_.command)) != REDIS_OK ||
      redisEnableKeepAlive(context_) != REDIS_OK) {
    return Lost("setting up the connection", std::string(context_->errstr));
  }
  const Status login = Handshake();
  if (!login.ok()) Disconnect();
  return login;
}

Status RedisConnection::Handshake() {
  // A refused login or database is a setting to fix, not worth retrying.
  const auto step = [this](std::initializer_list<std::string_view> args) -> Status {
    std::string command;
    resp::AppendCommand(command, args);
    auto reply = Call(command, *args.begin());
    if (reply.ok() || reply.status().code() != StatusCode::kInternal) return reply.status();
    return Status::InvalidArgument(reply.status().message());
  };
  if (!endpoint_.password.empty() && endpoint_.user.empty()) {
    RTML_RETURN_IF_ERROR(step({"AUTH", endpoint_.password}));
  } else if (!endpoint_.password.empty()) {
    RTML_RETURN_IF_ERROR(step({"AUTH", endpoint_.user, endpoint_.password}));
  }
  if (endpoint_.db != 0) RTML_RETURN_IF_ERROR(step({"SELECT", std::to_string(endpoint_.db)}));
  return Status::Ok();
}

Status RedisConnection::Lost(std::string_view doing, std::string_view why) {
  Disconnect();
  return Status::Unavailable(endpoint_.Describe() + ": connection lost while " +
                             std::string(doing) + " (" + std::string(why) +
                             "); the next call reconnects");
}

Status RedisConnection::Send(std::string_view commands) {
  // send() with MSG_NOSIGNAL rather than hiredis's write(): a server gone away must
  // be an error here, not a SIGPIPE that kills the process.
  while (!commands.empty()) {
    const ssize_t n = send(context_->fd, commands.data(), commands.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return Lost("sending",
                    "no progress for " + std::to_string(timeouts_.command.count()) + " ms");
      }
      return Lost("sending", std::strerror(errno));
    }
    commands.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Result<RedisReply> RedisConnection::Receive() {
  void* reply = nullptr;
  if (redisGetReply(context_, &reply) != REDIS_OK) {
    const bool timed_out =
        context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
    return Lost("waiting for a reply",
                timed_out ? "no reply within " + std::to_string(timeouts_.command.count()) + " ms"
                          : std::string(context_->errstr));
  }
  return RedisReply(static_cast<redisReply*>(reply));
}

Result<RedisReply> RedisConnection::Call(std::string_view command, std::string_view what) {
  RTML_RETURN_IF_ERROR(Send(command));
  RTML_ASSIGN_OR_RETURN(RedisReply reply, Receive());
  if (reply->type == REDIS_REPLY_ERROR) return ErrorStatus(*reply, what);
  return reply;
}

Status RedisConnection::ErrorStatus(const redisReply& reply, std::string_view what) const {
  const std::string_view text(reply.str, reply.len);
  std::string message = endpoint_.Describe() + ": " + std::string(what) + ": " + std::string(text);
  for (const std::string_view word : kTransientErrors) {
    if (StartsWithWord(text, word)) return Status::Unavailable(std::move(message));
  }
  for (const std::string_view word : kLoginErrors) {
    if (StartsWithWord(text, word)) {
      return Status::InvalidArgument(message +
                                     " (give the password in the URI: "
                                     "redis://:PASSWORD@HOST:PORT/DB)");
    }
  }
  return Status::Internal(std::move(message));
}

}  // namespace rtml::features
