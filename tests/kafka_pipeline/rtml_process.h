// What the multi-process Kafka tests share: an `rtml` process in the background
// that can be reaped, signalled and waited for; polling until a condition holds;
// and whether a consumer group has committed the end of a topic.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cli_runner.h"
#include "rtml/stream/broker.h"

namespace rtml::cli::testing {

class RtmlProcess {
 public:
  // Starts `rtml <args>` (see CliRunner::Start).
  RtmlProcess(const CliRunner& cli, const std::string& args);
  ~RtmlProcess();  // SIGKILLs it if it still runs
  RtmlProcess(const RtmlProcess&) = delete;
  RtmlProcess& operator=(const RtmlProcess&) = delete;

  std::string Err() const;  // its stderr so far
  // True once the process has exited (reaping it).
  bool Exited();
  std::optional<int> exit_code() const { return exit_code_; }
  // Sends `signal` and waits (up to 30 s, then SIGKILL) for the exit code (128 + the
  // signal's number if it killed the process; -1 if it had to be SIGKILLed).
  int StopAndWait(int signal);

 private:
  CliRunner::Background run_;
  std::optional<int> exit_code_;
};

// Polls `done` every 100 ms until it holds or `limit` passes (or `alive` turns
// false); true if it held.
bool WaitFor(
    std::chrono::milliseconds limit, const std::function<bool()>& done,
    const std::function<bool()>& alive = [] { return true; });

// True when `group` has committed the end offset of every partition of `topic`
// (every record processed and checkpointed), and every partition has records.
// `report` (if set) says where each partition stands.
bool GroupCaughtUp(stream::Broker& broker, std::string_view group, std::string_view topic,
                   std::string* report = nullptr);

}  // namespace rtml::cli::testing
