#include "artifact_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace rtml::ml::registry {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error a deferred write may only show here.
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status SyncDirectory(const std::filesystem::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return Status::FromErrno("open directory " + dir.string(), errno);
  if (::fsync(fd.get()) != 0) return Status::FromErrno("fsync " + dir.string(), errno);
  return Status::Ok();
}

}  // namespace

std::filesystem::path TempPathIn(const std::filesystem::path& dir) {
  static std::atomic<uint64_t> counter{0};
  return dir / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
}

Status WriteSyncedFile(const std::filesystem::path& path, std::string_view bytes) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return Status::FromErrno("create " + path.string(), errno);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno("write " + path.string(), errno);
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return Status::FromErrno("fsync " + path.string(), errno);
  if (fd.Close() != 0) return Status::FromErrno("close " + path.string(), errno);
  return Status::Ok();
}

Status RenameDurably(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::FromErrno("rename " + from.string() + " to " + to.string(), errno);
  }
  return SyncDirectory(to.parent_path().empty() ? "." : to.parent_path());
}

Status ReplaceFileDurably(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  const std::filesystem::path temp = TempPathIn(dir);
  Status status = WriteSyncedFile(temp, bytes);
  if (status.ok()) status = RenameDurably(temp, path);
  if (!status.ok()) ::unlink(temp.c_str());
  return status;
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status::NotFound(path.string() + ": no such file");
    return Status::FromErrno("open " + path.string(), errno);
  }
  std::string bytes;
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno("read " + path.string(), errno);
    if (n == 0) return bytes;
    bytes.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace rtml::ml::registry
