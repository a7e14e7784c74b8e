// LineReader: splits what a file descriptor delivers into lines, counting them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::cli {

class LineReader {
 public:
  // Reads `fd` (not owned; the caller closes it). With `keep_all`, the whole input
  // is read into memory on the first Next() and every returned line stays valid as
  // long as the reader; otherwise a line is valid until the next call to Next().
  LineReader(int fd, bool keep_all) : fd_(fd), keep_all_(keep_all) {}

  // The next line without its "\n" or "\r\n"; false at the end of input (a last
  // line without '\n' is still returned). IOError if reading fails; a read
  // interrupted by a stop signal (see stop_signal.h) fails with "interrupted".
  Result<bool> Next(std::string_view* line);

  // 1-based number of the line the last successful Next() returned.
  int64_t line_number() const { return line_number_; }

 private:
  // Appends the next chunk of input to buffer_; sets eof_ at the end.
  Status ReadChunk();

  int fd_;
  bool keep_all_;
  std::string buffer_;
  size_t pos_ = 0;   // start of the first unreturned byte in buffer_
  size_t scan_ = 0;  // buffer_[pos_, scan_) is known to hold no '\n'
  bool eof_ = false;
  int64_t line_number_ = 0;
};

}  // namespace rtml::cli
