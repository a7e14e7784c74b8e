#include "rtml/core/gz_line_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace rtml {
namespace {

constexpr size_t kChunk = 256 << 10;

gzFile Gz(void* file) { return static_cast<gzFile>(file); }

}  // namespace

Result<std::unique_ptr<GzLineReader>> GzLineReader::Open(const std::string& path) {
  errno = 0;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Status::IOError("cannot open " + path + ": " +
                           (errno != 0 ? std::strerror(errno) : "out of memory"));
  }
  gzbuffer(file, kChunk);
  return std::unique_ptr<GzLineReader>(new GzLineReader(path, file));
}

GzLineReader::GzLineReader(std::string path, void* file)
    : path_(std::move(path)), file_(file), buffer_(kChunk, '\0') {}

GzLineReader::~GzLineReader() { gzclose(Gz(file_)); }

Status GzLineReader::ReadMore() {
  if (begin_ > 0) {  // keep the partial line at the front
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    scanned_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() - end_ < kChunk / 2) buffer_.resize(buffer_.size() * 2);
  const size_t want = std::min(buffer_.size() - end_, static_cast<size_t>(INT_MAX));
  const int n = gzread(Gz(file_), buffer_.data() + end_, static_cast<unsigned>(want));
  int error = Z_OK;
  const char* message = gzerror(Gz(file_), &error);
  if (n < 0 || (error != Z_OK && error != Z_STREAM_END)) {
    const std::string where = path_ + " after line " + std::to_string(line_number_);
    if (error == Z_BUF_ERROR) return Status::IOError(where + ": gzip data ends early (truncated)");
    if (error == Z_ERRNO) return Status::FromErrno("reading " + where, errno);
    return Status::IOError(where + ": " + message);
  }
  if (n == 0) eof_ = true;
  end_ += static_cast<size_t>(n);
  return Status::Ok();
}

Result<bool> GzLineReader::Next(std::string_view* line) {
  for (;;) {
    const char* data = buffer_.data();
    const void* newline = std::memchr(data + scanned_, '\n', end_ - scanned_);
    if (newline != nullptr || (eof_ && begin_ < end_)) {
      const size_t stop =
          newline != nullptr ? static_cast<size_t>(static_cast<const char*>(newline) - data) : end_;
      *line = std::string_view(data + begin_, stop - begin_);
      if (line->ends_with('\r')) line->remove_suffix(1);
      begin_ = scanned_ = newline != nullptr ? stop + 1 : stop;
      ++line_number_;
      return true;
    }
    if (eof_) return false;
    scanned_ = end_;
    RTML_RETURN_IF_ERROR(ReadMore());
  }
}

}  // namespace rtml
