#include "redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "child_process.h"

namespace rtml::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr int kPortAttempts = 5;  // another process may take the free port we picked

// One connection that sends `command` inline and reads the first line of the reply.
Result<std::string> InlineCommand(int port, std::string_view command) {
  const auto unavailable = [&](std::string_view what, std::string_view why) {
    return Status::Unavailable("redis-server on 127.0.0.1:" + std::to_string(port) + ": " +
                               std::string(what) + ": " + std::string(why));
  };
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("socket", errno);
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  const timeval timeout{.tv_sec = 5, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return unavailable("connect", std::strerror(errno));
  }
  const std::string request = std::string(command) + "\r\n";
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return unavailable("send", std::strerror(errno));
  }
  std::string reply;
  char buf[512];
  while (reply.find("\r\n") == std::string::npos) {
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n == 0) return unavailable("recv", "connection closed");
    if (n < 0) return unavailable("recv", std::strerror(errno));
    reply.append(buf, static_cast<size_t>(n));
  }
  return reply.substr(0, reply.find("\r\n"));
}

}  // namespace

Result<std::unique_ptr<RedisServer>> RedisServer::Start() {
  auto binary = FindOnPath("redis-server");
  if (!binary.ok()) {
    return Status::NotFound(binary.status().message() +
                            ": install it with `apt-get install redis-server` "
                            "(scripts/setup.sh does)");
  }
  Status last;
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    RTML_ASSIGN_OR_RETURN(const int port, FreeLoopbackPort());
    std::unique_ptr<RedisServer> server(new RedisServer(*binary, port));
    last = server->Launch();
    if (last.ok()) return server;
  }
  return last;
}

RedisServer::~RedisServer() { (void)Stop(); }

std::string RedisServer::uri(int db) const {
  return "redis://127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

Status RedisServer::FlushAll() {
  RTML_ASSIGN_OR_RETURN(const std::string reply, Command("FLUSHALL"));
  if (reply != "+OK") return Status::Internal("FLUSHALL answered " + reply);
  return Status::Ok();
}

Result<std::string> RedisServer::Command(std::string_view command) {
  return InlineCommand(port_, command);
}

Status RedisServer::Stop() {
  if (pid_ < 0) return Status::Ok();
  const pid_t pid = pid_;
  pid_ = -1;
  return Terminate(pid, SIGTERM, std::chrono::seconds(30));
}

Status RedisServer::Restart() {
  if (pid_ >= 0) return Status::Ok();
  return Launch();
}

Status RedisServer::Launch() {
  // No RDB snapshots (save ""): the append-only file is the only copy. The log goes
  // to stdout, which is redis.log.
  const std::pair<std::string, std::string> options[] = {{"port", std::to_string(port_)},
                                                         {"bind", "127.0.0.1"},
                                                         {"dir", dir_.str()},
                                                         {"appendonly", "yes"},
                                                         {"save", ""},
                                                         {"daemonize", "no"},
                                                         {"logfile", ""}};
  std::vector<std::string> argv = {binary_};
  for (const auto& [name, value] : options) {
    argv.push_back("--" + name);
    argv.push_back(value);
  }
  const auto log = dir_.path() / "redis.log";
  RTML_ASSIGN_OR_RETURN(pid_, Spawn(argv, {.log_path = log}));
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  std::string last_reply;
  while (std::chrono::steady_clock::now() < deadline) {
    if (const auto code = WaitExit(pid_, std::chrono::milliseconds(0)); code.has_value()) {
      pid_ = -1;
      return Status::Unavailable("redis-server on port " + std::to_string(port_) + " exited (" +
                                 std::to_string(*code) + ") at start; its log ends:\n" +
                                 FileTail(log));
    }
    auto reply = InlineCommand(port_, "PING");
    if (reply.ok() && *reply == "+PONG") return Status::Ok();
    last_reply = reply.ok() ? *reply : reply.status().ToString();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  (void)Stop();
  return Status::Timeout("redis-server on port " + std::to_string(port_) +
                         " did not answer PING within " + std::to_string(kStartTimeout.count()) +
                         " s (last: " + last_reply + "); its log ends:\n" + FileTail(log));
}

}  // namespace rtml::testing
