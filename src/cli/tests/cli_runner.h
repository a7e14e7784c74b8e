// CliRunner: runs the built `rtml` binary against a fresh file:// broker in a
// temporary directory, capturing exit code, stdout and stderr.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rtml/stream/broker.h"
#include "testing.h"

namespace rtml::cli::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliRunner {
 public:
  CliRunner();

  // The broker URI every run uses (through $RTML_BROKER): file://<tmp>/data.
  const std::string& broker_uri() const { return broker_uri_; }
  const rtml::testing::TempDir& dir() const { return dir_; }

  // Runs `rtml <args>` (args is shell text) with `input` on stdin.
  CliResult Run(const std::string& args, const std::string& input = "") const;

  // Writes `content` to a file in the temp dir and returns its path.
  std::string WriteFile(const std::string& name, const std::string& content) const;

  // Opens the same broker in-process, to set up or inspect data directly.
  std::unique_ptr<stream::Broker> OpenBroker() const;

  // Every record of `topic` now: per key ("" for none), the values in offset order
  // (a key's records are all in one partition).
  std::map<std::string, std::vector<std::string>> RecordsByKey(const std::string& topic) const;

  // Starts `rtml <args>` in the background, stdout and stderr to files.
  struct Background {
    pid_t pid = -1;
    std::string out_path;
    std::string err_path;
  };
  Background Start(const std::string& args) const;

 private:
  // The shell text that runs rtml; `exec` replaces the shell with it.
  std::string Command(const std::string& args, bool exec) const;

  rtml::testing::TempDir dir_;
  std::string broker_uri_;
  mutable int files_ = 0;
};

std::string ReadFileOrEmpty(const std::string& path);

// Waits until the file holds at least `lines` newline characters or `timeout`
// passes; returns the content either way.
std::string WaitForLines(const std::string& path, size_t lines,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20));

// What KillAtRandomMoments did: how many runs it killed, and the stderr of a run
// that ended otherwise than finishing or being killed (empty if none did).
struct KillReport {
  int kills = 0;
  std::string failure;
};

// Runs `rtml <args>` again and again, SIGKILLing each run after a random pause of
// `min_ms` to `max_ms` plus 5 ms more per attempt (so a run eventually finishes),
// until a run exits 0 by itself or `attempts` runs were made. Deterministic for a
// seed (up to timing).
KillReport KillAtRandomMoments(const CliRunner& cli, const std::string& args, uint32_t seed,
                               int attempts, int min_ms, int max_ms);

// Sends `signal` to the process and waits for it; returns its exit code (128 +
// signal number if the signal killed it).
int StopAndWait(pid_t pid, int signal);

}  // namespace rtml::cli::testing
