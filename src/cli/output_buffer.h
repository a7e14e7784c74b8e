// OutputBuffer: text collected in memory and written to a file descriptor in large
// writes, at points the caller chooses (e.g. once per polled batch).
#pragma once

#include <string>
#include <string_view>

#include "rtml/core/status.h"

namespace rtml::cli {

class OutputBuffer {
 public:
  explicit OutputBuffer(int fd, size_t reserve_bytes = 1 << 20) : fd_(fd) {
    buffer_.reserve(reserve_bytes);
  }

  std::string& buffer() { return buffer_; }

  // Writes everything buffered; the buffer is empty afterwards either way. On
  // failure, broken_pipe() tells whether the reader went away (EPIPE).
  Status Flush();
  bool broken_pipe() const { return broken_pipe_; }

 private:
  int fd_;
  std::string buffer_;
  bool broken_pipe_ = false;
};

}  // namespace rtml::cli
