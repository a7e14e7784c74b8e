#include "child_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace rtml::testing {

Result<int> FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno("socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  auto* generic = reinterpret_cast<sockaddr*>(&addr);
  const bool ok = bind(fd, generic, sizeof(addr)) == 0 && getsockname(fd, generic, &len) == 0;
  const int err = errno;
  close(fd);
  if (!ok) return Status::FromErrno("binding a free port on 127.0.0.1", err);
  return static_cast<int>(ntohs(addr.sin_port));
}

Result<std::string> FindOnPath(std::string_view program) {
  const char* path = std::getenv("PATH");
  const std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::istringstream in(dirs);
  for (std::string dir; std::getline(in, dir, ':');) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + std::string(program);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return Status::NotFound(std::string(program) + " is in no directory of $PATH (" + dirs + ")");
}

Result<pid_t> Spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  // Everything the child uses is made before fork: after it, in a process with
  // threads, the child may only make async-signal-safe calls.
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
  c_argv.push_back(nullptr);
  const int log_fd =
      open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Status::FromErrno("opening " + options.log_path.string(), errno);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    syscall(SYS_close_range, 3U, UINT_MAX, 0U);
    if (const auto& as = options.run_as;
        as.has_value() &&
        (setgroups(1, &as->gid) != 0 || setgid(as->gid) != 0 || setuid(as->uid) != 0)) {
      _exit(126);
    }
    prctl(PR_SET_PDEATHSIG, options.death_signal);  // after setuid, which clears it
    if (getppid() != parent) _exit(125);            // the parent exited before prctl
    execv(c_argv[0], c_argv.data());
    _exit(127);
  }
  const int err = errno;
  close(log_fd);
  if (null_fd >= 0) close(null_fd);
  if (pid < 0) return Status::FromErrno("fork for " + argv[0], err);
  return pid;
}

std::optional<int> WaitExit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (done < 0 && errno != EINTR) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Status Terminate(pid_t pid, int signal, std::chrono::milliseconds grace) {
  kill(pid, signal);
  if (WaitExit(pid, grace).has_value()) return Status::Ok();
  kill(pid, SIGKILL);
  (void)WaitExit(pid, std::chrono::seconds(10));
  return Status::Timeout("process " + std::to_string(pid) + " ignored signal " +
                         std::to_string(signal) + " for " + std::to_string(grace.count()) +
                         " ms; killed it");
}

std::string FileTail(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  const std::string text = out.str();
  return text.size() <= max_bytes ? text : text.substr(text.size() - max_bytes);
}

}  // namespace rtml::testing
