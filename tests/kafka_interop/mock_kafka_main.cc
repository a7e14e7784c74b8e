// rtml_mock_kafka: runs librdkafka's mock Kafka cluster as a process, for tests,
// benchmarks and trying rtml against "Kafka" without a broker.
//
//   rtml_mock_kafka [--brokers N] [--topic NAME:PARTITIONS]...
//
// Prints the bootstrap servers ("127.0.0.1:PORT,...") as the first line of stdout,
// then runs until stdin reaches end of file or it gets SIGTERM/SIGINT. Tying its
// life to stdin means a test that dies takes its cluster with it.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "mock_cluster.h"

namespace {

constexpr std::string_view kUsage =
    "usage: rtml_mock_kafka [--brokers N] [--topic NAME:PARTITIONS]...\n"
    "\n"
    "Starts librdkafka's mock Kafka cluster (real Kafka protocol on 127.0.0.1),\n"
    "prints its bootstrap servers as the first line of stdout, and runs until\n"
    "stdin is closed or SIGTERM/SIGINT arrives.\n"
    "\n"
    "  --brokers N               brokers in the cluster (default 3)\n"
    "  --topic NAME:PARTITIONS   create a topic (repeatable)\n";

struct TopicArg {
  std::string name;
  int partitions = 1;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "rtml_mock_kafka: %s\n%s", message.c_str(), kUsage.data());
  return 2;
}

// Parses a positive int; false if `text` is not one.
bool ParseCount(std::string_view text, int* out) {
  if (text.empty() || text.size() > 6) return false;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value < 1) return false;
  *out = value;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 3;
  std::vector<TopicArg> topics;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage.data(), stdout);
      return 0;
    }
    if (i + 1 >= argc) return Fail("missing value after " + std::string(arg));
    const std::string_view value = argv[++i];
    if (arg == "--brokers") {
      if (!ParseCount(value, &brokers)) {
        return Fail("--brokers '" + std::string(value) + "' is not a positive number");
      }
    } else if (arg == "--topic") {
      const size_t colon = value.rfind(':');
      TopicArg topic;
      if (colon == std::string_view::npos || colon == 0 ||
          !ParseCount(value.substr(colon + 1), &topic.partitions)) {
        return Fail("--topic '" + std::string(value) + "' is not NAME:PARTITIONS");
      }
      topic.name = value.substr(0, colon);
      topics.push_back(std::move(topic));
    } else {
      return Fail("unknown option " + std::string(arg));
    }
  }

  // Block the stop signals before librdkafka starts threads, so they inherit the
  // mask and only sigwait() below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto cluster = rtml::testing::MockCluster::Start(brokers);
  if (!cluster.ok()) return Fail(cluster.status().ToString());
  for (const TopicArg& topic : topics) {
    const rtml::Status created = (*cluster)->CreateTopic(topic.name, topic.partitions);
    if (!created.ok()) return Fail(created.ToString());
  }
  std::printf("%s\n", (*cluster)->bootstrap_servers().c_str());
  std::fflush(stdout);

  // End of stdin stops the cluster just as a signal does.
  std::thread stdin_watcher([] {
    char buffer[256];
    while (read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
    }
    kill(getpid(), SIGTERM);
  });
  stdin_watcher.detach();
  int received = 0;
  sigwait(&stop_signals, &received);
  cluster->reset();
  return 0;
}
