#include "cli_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "rtml/stream/topic_reader.h"

namespace rtml::cli::testing {

CliRunner::CliRunner() : broker_uri_("file://" + dir_.str() + "/data") {}

std::string CliRunner::Command(const std::string& args, bool exec) const {
  return "RTML_BROKER='" + broker_uri_ + "' " + (exec ? "exec '" : "'") +
         rtml::testing::RtmlBinary() + "' " + args;
}

CliResult CliRunner::Run(const std::string& args, const std::string& input) const {
  const std::string in_path = WriteFile("stdin", input);
  const std::string err_path = dir_.str() + "/stderr-" + std::to_string(files_++);
  const rtml::testing::CommandResult result = rtml::testing::RunCommand(
      Command(args, /*exec=*/false) + " < '" + in_path + "' 2> '" + err_path + "'");
  return CliResult{result.exit_code, result.out, ReadFileOrEmpty(err_path)};
}

std::string CliRunner::WriteFile(const std::string& name, const std::string& content) const {
  const std::string path = dir_.str() + "/" + name + "-" + std::to_string(files_++);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::map<std::string, std::vector<std::string>> CliRunner::RecordsByKey(
    const std::string& topic) const {
  std::map<std::string, std::vector<std::string>> records;
  const std::unique_ptr<stream::Broker> broker = OpenBroker();
  if (broker == nullptr) return records;
  EXPECT_TRUE(stream::ReadTopicToEnd(*broker, topic, stream::SeekTarget::Beginning(),
                                     [&](const stream::ConsumedRecord& record) {
                                       records[std::string(record.key.value_or(""))].emplace_back(
                                           record.value);
                                       return Status::Ok();
                                     })
                  .ok())
      << "reading " << topic;
  return records;
}

std::unique_ptr<stream::Broker> CliRunner::OpenBroker() const {
  Result<std::unique_ptr<stream::Broker>> broker = stream::OpenBroker(broker_uri_);
  EXPECT_TRUE(broker.ok()) << broker.status().ToString();
  return broker.ok() ? std::move(broker).value() : nullptr;
}

CliRunner::Background CliRunner::Start(const std::string& args) const {
  Background bg;
  bg.out_path = dir_.str() + "/bg-out-" + std::to_string(files_++);
  bg.err_path = dir_.str() + "/bg-err-" + std::to_string(files_++);
  const std::string command = Command(args, /*exec=*/true) + " > '" + bg.out_path + "' 2> '" +
                              bg.err_path + "' < /dev/null";
  bg.pid = fork();
  if (bg.pid == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return bg;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string WaitForLines(const std::string& path, size_t lines, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::string content = ReadFileOrEmpty(path);
    if (static_cast<size_t>(std::count(content.begin(), content.end(), '\n')) >= lines ||
        std::chrono::steady_clock::now() >= deadline) {
      return content;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

KillReport KillAtRandomMoments(const CliRunner& cli, const std::string& args, uint32_t seed,
                               int attempts, int min_ms, int max_ms) {
  std::mt19937 rng(seed);
  KillReport report;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    const CliRunner::Background run = cli.Start(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<>(min_ms, max_ms)(rng) + 5 * attempt));
    const int code = StopAndWait(run.pid, SIGKILL);
    if (code == 0) break;
    if (code != 128 + SIGKILL) {
      report.failure = "exit code " + std::to_string(code) + ": " + ReadFileOrEmpty(run.err_path);
      break;
    }
    ++report.kills;
  }
  return report;
}

int StopAndWait(pid_t pid, int signal) {
  kill(pid, signal);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace rtml::cli::testing
