// GzLineReader: the lines of a gzip-compressed or plain file. zlib tells them apart
// by the gzip magic bytes (1f 8b) and reads a plain file as it is, so callers need
// not know which they have. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml {

class GzLineReader {
 public:
  // IOError naming `path` if it cannot be opened.
  static Result<std::unique_ptr<GzLineReader>> Open(const std::string& path);
  ~GzLineReader();
  GzLineReader(const GzLineReader&) = delete;
  GzLineReader& operator=(const GzLineReader&) = delete;

  // The next line without "\n" or "\r\n", valid until the next call; false at the
  // end (a last line without '\n' is still returned). IOError naming the file and
  // line for a read error or a gzip stream that ends early.
  Result<bool> Next(std::string_view* line);

  int64_t line_number() const { return line_number_; }  // of the last line returned

 private:
  GzLineReader(std::string path, void* file);
  Status ReadMore();

  std::string path_;
  void* file_;  // gzFile, kept opaque so zlib.h stays in the .cc
  std::string buffer_;
  size_t begin_ = 0;    // first byte not yet returned
  size_t end_ = 0;      // end of the bytes read
  size_t scanned_ = 0;  // buffer_[begin_, scanned_) holds no '\n'
  bool eof_ = false;
  int64_t line_number_ = 0;
};

}  // namespace rtml
