// ChildProcess: a helper binary run by a crash test, with its stdout and stderr
// sent to files, that the test can kill at any moment. Used by one thread.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::crash {

struct ExitStatus {
  bool signaled = false;  // killed by a signal rather than exiting
  int code = 0;           // exit code, or the signal number when signaled
  std::string ToString() const;
};

class ChildProcess {
 public:
  // Starts argv[0] (a path) with the rest as arguments.
  static Result<ChildProcess> Start(const std::vector<std::string>& argv,
                                    const std::filesystem::path& stdout_path,
                                    const std::filesystem::path& stderr_path);
  ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }
  ChildProcess& operator=(ChildProcess&&) = delete;
  // SIGKILLs and reaps a child still running, so no test leaves one behind.
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // Sends `signal` (if the child was not reaped yet).
  void Kill(int signal);
  // Blocks until the child ends.
  ExitStatus Wait();
  // The exit status if the child ended within `timeout_ms`, else nullopt.
  std::optional<ExitStatus> WaitFor(int timeout_ms);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;  // -1 once reaped
};

}  // namespace rtml::crash
