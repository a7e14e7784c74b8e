#include "output_buffer.h"

#include <unistd.h>

#include <cerrno>

namespace rtml::cli {

Status OutputBuffer::Flush() {
  std::string_view rest = buffer_;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      broken_pipe_ = err == EPIPE;
      buffer_.clear();
      return Status::FromErrno("writing output", err);
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  buffer_.clear();
  return Status::Ok();
}

}  // namespace rtml::cli
