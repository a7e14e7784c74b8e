#include "line_reader.h"

#include <unistd.h>

#include <cerrno>

#include "stop_signal.h"

namespace rtml::cli {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

}  // namespace

Status LineReader::ReadChunk() {
  const size_t old_size = buffer_.size();
  buffer_.resize(old_size + kChunkBytes);
  for (;;) {
    const ssize_t n = ::read(fd_, buffer_.data() + old_size, kChunkBytes);
    if (n > 0) {
      buffer_.resize(old_size + static_cast<size_t>(n));
      return Status::Ok();
    }
    if (n == 0) {
      buffer_.resize(old_size);
      eof_ = true;
      return Status::Ok();
    }
    if (errno == EINTR && !StopRequested()) continue;
    const int err = errno;
    buffer_.resize(old_size);
    if (err == EINTR) return Status::IOError("interrupted");
    return Status::FromErrno("read", err);
  }
}

Result<bool> LineReader::Next(std::string_view* line) {
  if (keep_all_) {
    while (!eof_) RTML_RETURN_IF_ERROR(ReadChunk());
  }
  for (;;) {
    const size_t newline = buffer_.find('\n', scan_);
    if (newline != std::string::npos || (eof_ && pos_ < buffer_.size())) {
      const size_t end = newline != std::string::npos ? newline : buffer_.size();
      std::string_view found(buffer_.data() + pos_, end - pos_);
      if (found.ends_with('\r')) found.remove_suffix(1);
      pos_ = scan_ = newline != std::string::npos ? end + 1 : end;
      ++line_number_;
      *line = found;
      return true;
    }
    if (eof_) return false;
    scan_ = buffer_.size();
    if (!keep_all_ && pos_ > 0) {
      // Drop the lines already returned before reading more.
      buffer_.erase(0, pos_);
      scan_ -= pos_;
      pos_ = 0;
    }
    RTML_RETURN_IF_ERROR(ReadChunk());
  }
}

}  // namespace rtml::cli
