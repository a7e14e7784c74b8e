// Child processes for tests that run real servers (redis-server, postgres) and
// their command-line clients: a free loopback port to give a server, starting a
// program, waiting for it and stopping it.
//
// A child gets a signal when the thread that started it exits (PR_SET_PDEATHSIG),
// so a crashed test leaves no server behind: start servers from the test's main
// thread (SetUpTestSuite does).
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::testing {

// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's pick).
// Another process may take it before the caller binds it, so callers retry.
Result<int> FreeLoopbackPort();

// The path of `program` in a directory of $PATH, or NotFound.
Result<std::string> FindOnPath(std::string_view program);

// The account a child switches to before it runs (PostgreSQL refuses root).
struct RunAs {
  uid_t uid;
  gid_t gid;
};

struct SpawnOptions {
  std::filesystem::path log_path = "/dev/null";  // stdout and stderr are appended here
  std::optional<RunAs> run_as;                   // default: the caller's account
  int death_signal = SIGTERM;                    // sent to the child when the spawning thread exits
};

// Starts argv[0] (a path) with `argv`. Its stdin is /dev/null and it inherits no
// other descriptor of the caller (a test's client sockets stay the test's).
Result<pid_t> Spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

// The exit code of `pid` (128 + the signal when killed), or nullopt if it still runs
// after `timeout` (zero: just look). -1 when `pid` is not a child of the caller.
std::optional<int> WaitExit(pid_t pid, std::chrono::milliseconds timeout);

// Sends `signal` (a server's clean shutdown), then SIGKILL if `pid` has not exited
// within `grace`; returns once it has exited: Ok, or Timeout if it had to be killed.
Status Terminate(pid_t pid, int signal, std::chrono::milliseconds grace);

// The last `max_bytes` of a file such as a server log, for error messages.
std::string FileTail(const std::filesystem::path& path, size_t max_bytes = 2000);

}  // namespace rtml::testing
