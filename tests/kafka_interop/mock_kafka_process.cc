#include "mock_kafka_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

namespace rtml::testing {
namespace {

constexpr int kStartTimeoutMs = 10'000;
constexpr auto kStopTimeout = std::chrono::seconds(5);

}  // namespace

Result<std::unique_ptr<MockKafkaProcess>> MockKafkaProcess::Start(
    const std::string& binary, int brokers, const std::vector<std::string>& topics) {
  std::vector<std::string> args = {binary, "--brokers", std::to_string(brokers)};
  for (const std::string& topic : topics) {
    args.push_back("--topic");
    args.push_back(topic);
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int to_child[2];
  int from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0) return Status::FromErrno("pipe", errno);
  if (pipe2(from_child, O_CLOEXEC) != 0) {
    const int err = errno;
    close(to_child[0]);
    close(to_child[1]);
    return Status::FromErrno("pipe", err);
  }
  const pid_t pid = fork();
  if (pid < 0) return Status::FromErrno("fork", errno);
  if (pid == 0) {
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  std::unique_ptr<MockKafkaProcess> process(new MockKafkaProcess(pid, to_child[1], from_child[0]));

  // The first line of its stdout is the bootstrap server list.
  std::string line;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartTimeoutMs);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{process->stdout_fd_, POLLIN, 0};
    if (left.count() <= 0 || poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
      return Status::Timeout(binary + " printed no bootstrap servers within " +
                             std::to_string(kStartTimeoutMs) + " ms");
    }
    char buffer[512];
    const ssize_t n = read(process->stdout_fd_, buffer, sizeof buffer);
    if (n <= 0) return Status::IOError(binary + " exited before printing its bootstrap servers");
    line.append(buffer, static_cast<size_t>(n));
  }
  process->bootstrap_servers_ = line.substr(0, line.find('\n'));
  return process;
}

MockKafkaProcess::~MockKafkaProcess() {
  close(stdin_fd_);  // end of file: the child stops
  const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  close(stdout_fd_);
}

}  // namespace rtml::testing
