#include "rtml_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <thread>

namespace rtml::cli::testing {

RtmlProcess::RtmlProcess(const CliRunner& cli, const std::string& args) : run_(cli.Start(args)) {}

RtmlProcess::~RtmlProcess() {
  if (run_.pid > 0 && !exit_code_) StopAndWait(SIGKILL);
}

std::string RtmlProcess::Err() const { return ReadFileOrEmpty(run_.err_path); }

bool RtmlProcess::Exited() {
  if (exit_code_) return true;
  int status = 0;
  if (waitpid(run_.pid, &status, WNOHANG) != run_.pid) return false;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

int RtmlProcess::StopAndWait(int signal) {
  if (Exited()) return *exit_code_;
  kill(run_.pid, signal);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!Exited()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(run_.pid, SIGKILL);
      int status = 0;
      waitpid(run_.pid, &status, 0);
      exit_code_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return *exit_code_;
}

bool WaitFor(std::chrono::milliseconds limit, const std::function<bool()>& done,
             const std::function<bool()>& alive) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    if (!alive()) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

bool GroupCaughtUp(stream::Broker& broker, std::string_view group, std::string_view topic,
                   std::string* report) {
  const Result<std::vector<stream::PartitionLag>> lags = broker.GroupLag(group, topic);
  if (!lags.ok()) {
    if (report != nullptr) *report = std::string(group) + ": " + lags.status().ToString();
    return false;
  }
  bool caught_up = !lags->empty();
  std::string text = std::string(group) + " on " + std::string(topic) + ":";
  for (const stream::PartitionLag& lag : *lags) {
    text += " p" + std::to_string(lag.partition) + " " + std::to_string(lag.committed) + "/" +
            std::to_string(lag.end_offset);
    caught_up = caught_up && lag.end_offset > 0 && lag.committed >= lag.end_offset;
  }
  if (report != nullptr) *report = std::move(text);
  return caught_up;
}

}  // namespace rtml::cli::testing
