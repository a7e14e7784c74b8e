#include "file_util.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace rtml::stream::file {

FileHandle::~FileHandle() {
  if (fd_ >= 0) ::close(fd_);
}

FileHandle& FileHandle::operator=(FileHandle&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Result<FileHandle> OpenFile(const std::filesystem::path& path, int flags, int mode) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound(path.string() + ": no such file");
    return Status::FromErrno("open " + path.string(), err);
  }
  return FileHandle(fd);
}

Status WriteAll(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write " + path.string(), errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Result<size_t> ReadAt(int fd, uint64_t pos, size_t n, char* buf,
                      const std::filesystem::path& path) {
  size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd, buf + done, n - done, static_cast<off_t>(pos + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("read " + path.string(), errno);
    }
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  return done;
}

Result<uint64_t> FileSize(int fd, const std::filesystem::path& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::FromErrno("stat " + path.string(), errno);
  return static_cast<uint64_t>(st.st_size);
}

Status SyncFile(int fd, const std::filesystem::path& path) {
  if (::fdatasync(fd) != 0) return Status::FromErrno("fsync " + path.string(), errno);
  return Status::Ok();
}

Status SyncDirectory(const std::filesystem::path& dir) {
  RTML_ASSIGN_OR_RETURN(FileHandle fd, OpenFile(dir, O_RDONLY | O_DIRECTORY));
  if (::fsync(fd.get()) != 0) return Status::FromErrno("fsync " + dir.string(), errno);
  return Status::Ok();
}

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content, bool sync) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    RTML_ASSIGN_OR_RETURN(FileHandle fd, OpenFile(tmp, O_WRONLY | O_CREAT | O_TRUNC));
    RTML_RETURN_IF_ERROR(WriteAll(fd.get(), content, tmp));
    if (sync) RTML_RETURN_IF_ERROR(SyncFile(fd.get(), tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::FromErrno("rename " + tmp.string() + " to " + path.string(), errno);
  }
  if (sync) return SyncDirectory(path.parent_path());
  return Status::Ok();
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  RTML_ASSIGN_OR_RETURN(FileHandle fd, OpenFile(path, O_RDONLY));
  RTML_ASSIGN_OR_RETURN(const uint64_t size, FileSize(fd.get(), path));
  std::string content(size, '\0');
  RTML_ASSIGN_OR_RETURN(const size_t n, ReadAt(fd.get(), 0, size, content.data(), path));
  content.resize(n);
  return content;
}

Result<FileLock> FileLock::TryAcquire(const std::filesystem::path& path, std::string_view what) {
  RTML_ASSIGN_OR_RETURN(FileHandle fd, OpenFile(path, O_RDWR | O_CREAT));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err != EWOULDBLOCK) return Status::FromErrno("lock " + path.string(), err);
    std::string holder;
    char buf[32];
    auto n = ReadAt(fd.get(), 0, sizeof(buf) - 1, buf, path);
    if (n.ok() && *n > 0) holder = " (pid " + std::string(buf, *n) + ")";
    return Status::Busy(std::string(what) + " is held by another process" + holder);
  }
  // Record our pid so the next contender can name us; the lock, not the content, rules.
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd.get(), 0) == 0) (void)::pwrite(fd.get(), pid.data(), pid.size(), 0);
  return FileLock(std::move(fd));
}

}  // namespace rtml::stream::file
