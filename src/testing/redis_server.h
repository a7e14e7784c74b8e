// RedisServer: a throwaway Redis server for tests, started from Debian's package
// (redis-server on $PATH). It listens on 127.0.0.1 on a free port, keeps its files
// in a temp dir and persists only through its append-only file, so Restart keeps
// the data and nothing else is ever written. The server is killed when the thread
// that started it exits (child_process.h): start it from the test's main thread
// (SetUpTestSuite does).
// Threads: one thread at a time.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "testing.h"

namespace rtml::testing {

class RedisServer {
 public:
  // Returns once the server answers PING. NotFound naming `apt-get install
  // redis-server` when the binary is missing.
  static Result<std::unique_ptr<RedisServer>> Start();

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;
  ~RedisServer();  // stops the server and removes its temp dir

  int port() const { return port_; }
  // redis://127.0.0.1:PORT/DB
  std::string uri(int db = 0) const;

  // Empties every database. Tests isolate themselves this way.
  Status FlushAll();

  // Sends one command in Redis's inline form (words separated by spaces, e.g.
  // "CONFIG SET requirepass s3cret") and returns the first line of the reply:
  // "+OK", ":3", "-ERR ...". Unavailable when the server does not answer.
  Result<std::string> Command(std::string_view command);

  // Shuts the server down (SIGTERM: it flushes its append-only file first);
  // clients see their connections drop. A no-op when stopped.
  Status Stop();
  // Starts again on the same port with the same data. A no-op when running.
  Status Restart();

 private:
  RedisServer(std::string binary, int port) : binary_(std::move(binary)), port_(port) {}

  // Starts the process and waits until it answers PING (it answers LOADING while
  // it reads its append-only file back).
  Status Launch();

  std::string binary_;
  int port_;
  TempDir dir_;     // the append-only file and redis.log
  pid_t pid_ = -1;  // the server while running
};

}  // namespace rtml::testing
