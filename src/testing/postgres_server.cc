#include "postgres_server.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "child_process.h"

namespace rtml::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kInstallHint[] = "apt-get install postgresql";

// The `postgres` system user when running as root (PostgreSQL refuses root);
// nullopt otherwise.
Result<std::optional<RunAs>> ServerAccount() {
  if (geteuid() != 0) return std::optional<RunAs>();
  const passwd* user = getpwnam("postgres");
  if (user == nullptr) {
    return Status::NotFound(std::string("running as root, but there is no `postgres` user to run "
                                        "the server as: ") +
                            kInstallHint);
  }
  return std::optional<RunAs>(RunAs{user->pw_uid, user->pw_gid});
}

// The bin dir of the newest installed major version (directory names "15", "16", ...).
Result<std::string> FindBinDir() {
  const fs::path root = "/usr/lib/postgresql";
  std::error_code ec;
  int best_major = -1;
  std::string best;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    int major = 0;
    if (std::from_chars(name.data(), name.data() + name.size(), major).ec != std::errc()) continue;
    const fs::path bin = entry.path() / "bin";
    if (major > best_major && fs::exists(bin / "postgres") && fs::exists(bin / "initdb")) {
      best_major = major;
      best = bin.string();
    }
  }
  if (best.empty()) {
    return Status::NotFound("no PostgreSQL server in " + root.string() + "/*/bin: " + kInstallHint);
  }
  return best;
}

bool IsDatabaseName(const std::string& name) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

PostgresServer::PostgresServer(std::string bin_dir, std::optional<RunAs> run_as)
    : bin_dir_(std::move(bin_dir)), run_as_(run_as) {}

PostgresServer::~PostgresServer() { (void)Stop(); }

Result<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  RTML_ASSIGN_OR_RETURN(std::string bin_dir, FindBinDir());
  RTML_ASSIGN_OR_RETURN(std::optional<RunAs> run_as, ServerAccount());
  std::unique_ptr<PostgresServer> server(new PostgresServer(std::move(bin_dir), run_as));
  RTML_RETURN_IF_ERROR(server->InitDataDir());
  // Another process may take the free port before the server binds it: try again.
  Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    RTML_ASSIGN_OR_RETURN(server->port_, FreeLoopbackPort());
    status = server->Restart();
    if (status.ok()) return server;
  }
  return status;
}

std::string PostgresServer::uri() const { return uri("postgres"); }

std::string PostgresServer::uri(const std::string& name) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

Status PostgresServer::InitDataDir() {
  if (run_as_.has_value() && chown(dir_.path().c_str(), run_as_->uid, run_as_->gid) != 0) {
    return Status::FromErrno("handing " + dir_.str() + " to the postgres user", errno);
  }
  return Run({bin_dir_ + "/initdb", "-D", (dir_.path() / "data").string(), "-U", "postgres", "-A",
              "trust", "-E", "UTF8", "--locale=C", "--no-sync"},
             run_as_)
      .WithContext("initdb in " + dir_.str() + " (the postgres user must be able to reach it)");
}

Status PostgresServer::Restart() {
  if (pid_ >= 0) return Status::Ok();
  RTML_ASSIGN_OR_RETURN(pid_,
                        Spawn({bin_dir_ + "/postgres", "-D", (dir_.path() / "data").string(), "-p",
                               std::to_string(port_), "-c", "listen_addresses=127.0.0.1", "-c",
                               "unix_socket_directories=" + dir_.str(), "-c", "fsync=off"},
                              {.log_path = dir_.path() / "server.log",
                               .run_as = run_as_,
                               // Immediate shutdown: the postmaster takes its backends along.
                               .death_signal = SIGQUIT}));
  const Status ready = WaitUntilReady();
  if (!ready.ok()) (void)Stop();
  return ready;
}

Status PostgresServer::WaitUntilReady() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  const std::string port = std::to_string(port_);
  while (std::chrono::steady_clock::now() < deadline) {
    if (const auto code = WaitExit(pid_, std::chrono::milliseconds(0)); code.has_value()) {
      pid_ = -1;
      return Status::Unavailable("postgres on port " + port + " exited (" + std::to_string(*code) +
                                 "): " + FileTail(dir_.path() / "server.log"));
    }
    RTML_ASSIGN_OR_RETURN(const pid_t probe,
                          Spawn({bin_dir_ + "/pg_isready", "-q", "-h", "127.0.0.1", "-p", port,
                                 "-U", "postgres", "-d", "postgres", "-t", "1"}));
    if (WaitExit(probe, std::chrono::seconds(10)) == 0) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::Timeout("postgres on port " + port + " did not accept connections in 60 s: " +
                         FileTail(dir_.path() / "server.log"));
}

Status PostgresServer::Stop() {
  if (pid_ < 0) return Status::Ok();
  const pid_t pid = std::exchange(pid_, -1);
  // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, data checkpointed.
  return Terminate(pid, SIGINT, std::chrono::seconds(60))
      .WithContext("stopping postgres on port " + std::to_string(port_));
}

Result<std::string> PostgresServer::CreateDatabase(const std::string& name) {
  if (!IsDatabaseName(name)) {
    return Status::InvalidArgument("database name '" + name + "' is not [a-z0-9_]+");
  }
  const std::string quoted = "\"" + name + "\"";
  RTML_RETURN_IF_ERROR(Run(
      {bin_dir_ + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
       std::to_string(port_), "-U", "postgres", "-d", "postgres", "-c",
       "DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)", "-c", "CREATE DATABASE " + quoted},
      std::nullopt));
  return uri(name);
}

Status PostgresServer::Run(const std::vector<std::string>& argv,
                           const std::optional<RunAs>& run_as) {
  const std::filesystem::path log = dir_.path() / "client.log";
  std::error_code ec;
  std::filesystem::remove(log, ec);
  RTML_ASSIGN_OR_RETURN(const pid_t pid, Spawn(argv, {.log_path = log, .run_as = run_as}));
  const int code = WaitExit(pid, std::chrono::minutes(5)).value_or(-1);
  if (code == 0) return Status::Ok();
  return Status::IOError(argv[0] + " failed (exit " + std::to_string(code) +
                         "): " + FileTail(log, 4000));
}

}  // namespace rtml::testing
