// MockKafkaProcess: an rtml_mock_kafka child process, for tests and benchmarks that
// point separate programs (kcat, the rtml CLI) at one mock Kafka cluster.
//
// Start() returns once the cluster listens. The destructor closes the child's stdin,
// which stops it, and reaps it (killing it if it has not gone after a few seconds).
// If the parent dies first, the child sees end of file on stdin and stops too.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::testing {

class MockKafkaProcess {
 public:
  // Runs `binary` (rtml_mock_kafka) with --brokers `brokers` and a --topic for each
  // of `topics` ("NAME:PARTITIONS").
  static Result<std::unique_ptr<MockKafkaProcess>> Start(const std::string& binary, int brokers,
                                                         const std::vector<std::string>& topics);
  ~MockKafkaProcess();
  MockKafkaProcess(const MockKafkaProcess&) = delete;
  MockKafkaProcess& operator=(const MockKafkaProcess&) = delete;

  // "127.0.0.1:PORT,..."
  const std::string& bootstrap_servers() const { return bootstrap_servers_; }
  std::string uri() const { return "kafka://" + bootstrap_servers_; }

 private:
  MockKafkaProcess(pid_t pid, int stdin_fd, int stdout_fd)
      : pid_(pid), stdin_fd_(stdin_fd), stdout_fd_(stdout_fd) {}

  pid_t pid_;
  int stdin_fd_;
  int stdout_fd_;
  std::string bootstrap_servers_;
};

}  // namespace rtml::testing
