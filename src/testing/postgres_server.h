// PostgresServer: a throwaway PostgreSQL server for tests, started from Debian's
// packages (the newest /usr/lib/postgresql/*/bin). Its data directory and unix
// socket live in a temp dir; it listens on 127.0.0.1 on a free port with trust
// authentication and fsync=off, so it is fast and holds nothing worth keeping.
//
// As root (CI) the server runs as the `postgres` system user, which PostgreSQL
// requires; the temp dir is handed to that user. The server is killed when the
// thread that started it exits (child_process.h), so a crashed test leaves no
// server behind: start it from the test's main thread (SetUpTestSuite does).
// Threads: one thread at a time.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.h"
#include "rtml/core/result.h"
#include "testing.h"

namespace rtml::testing {

class PostgresServer {
 public:
  // initdb, then the server; returns once it accepts connections. NotFound naming
  // `apt-get install postgresql` when the server is not installed.
  static Result<std::unique_ptr<PostgresServer>> Start();

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  // Stops the server (fast shutdown) and removes its temp dir.
  ~PostgresServer();

  int port() const { return port_; }
  // postgresql://postgres@127.0.0.1:PORT/postgres
  std::string uri() const;
  // The URI of database `name` on this server.
  std::string uri(const std::string& name) const;

  // Drops database `name` if it exists and creates it empty; returns its URI.
  // `name` is [a-z0-9_]+. Tests isolate themselves this way.
  Result<std::string> CreateDatabase(const std::string& name);

  // Fast shutdown, keeping the data: clients see their connections drop. A no-op
  // when stopped.
  Status Stop();
  // Starts again on the same port and data directory. A no-op when running.
  Status Restart();

 private:
  PostgresServer(std::string bin_dir, std::optional<RunAs> run_as);

  Status InitDataDir();
  Status WaitUntilReady();
  // Runs a program of bin_dir_ to its end; IOError with its output if it fails.
  Status Run(const std::vector<std::string>& argv, const std::optional<RunAs>& run_as);

  std::string bin_dir_;          // the newest /usr/lib/postgresql/*/bin
  std::optional<RunAs> run_as_;  // the postgres user when we are root
  int port_ = 0;
  TempDir dir_;     // data/, the unix socket, server.log
  pid_t pid_ = -1;  // the postmaster while running
};

}  // namespace rtml::testing
