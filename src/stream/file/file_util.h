// Small POSIX file helpers for the file:// log: whole writes, positioned reads,
// atomic replacement, directory sync and advisory locks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::stream::file {

// An open file descriptor, closed when the object goes away.
class FileHandle {
 public:
  FileHandle() = default;
  explicit FileHandle(int fd) : fd_(fd) {}
  ~FileHandle();
  FileHandle(FileHandle&& other) noexcept : fd_(other.release()) {}
  FileHandle& operator=(FileHandle&& other) noexcept;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

Result<FileHandle> OpenFile(const std::filesystem::path& path, int flags, int mode = 0644);

// Writes all of `data` (retrying short writes).
Status WriteAll(int fd, std::string_view data, const std::filesystem::path& path);

// Reads up to `n` bytes at `pos` into `buf`; returns how many were read (short at EOF).
Result<size_t> ReadAt(int fd, uint64_t pos, size_t n, char* buf, const std::filesystem::path& path);

Result<uint64_t> FileSize(int fd, const std::filesystem::path& path);

Status SyncFile(int fd, const std::filesystem::path& path);
Status SyncDirectory(const std::filesystem::path& dir);

// Replaces `path` with `content` so readers see the old or the new file, never a mix:
// write a temporary file, (fsync), rename over `path`, (fsync the directory).
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content, bool sync);

Result<std::string> ReadWholeFile(const std::filesystem::path& path);

// An exclusive advisory lock (flock) on a file, held until destruction. The kernel
// drops it if the process dies, so a crashed holder never blocks a restart.
class FileLock {
 public:
  // Busy (naming the holder's pid, which the lock file records) if another open
  // file description holds it, in this process or another.
  static Result<FileLock> TryAcquire(const std::filesystem::path& path, std::string_view what);

  FileLock() = default;
  FileLock(FileLock&&) noexcept = default;
  FileLock& operator=(FileLock&&) noexcept = default;
  bool held() const { return fd_.valid(); }

 private:
  explicit FileLock(FileHandle fd) : fd_(std::move(fd)) {}
  FileHandle fd_;
};

}  // namespace rtml::stream::file
