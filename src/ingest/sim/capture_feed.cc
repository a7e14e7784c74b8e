#include "capture_feed.h"

#include <zlib.h>

#include <charconv>

namespace rtml::ingest::sim {

struct CaptureFeed::Source {
  std::string path;
  gzFile file = nullptr;
  int64_t line_number = 0;
  bool has_line = false;
  std::string line;
  int64_t received_ns = 0;

  ~Source() {
    if (file != nullptr) gzclose(file);
  }

  // Reads the next non-empty line into `line`; has_line false at the end.
  Status Advance() {
    has_line = false;
    char chunk[64 * 1024];
    while (true) {
      line.clear();
      bool got_any = false;
      while (gzgets(file, chunk, sizeof(chunk)) != nullptr) {
        got_any = true;
        line += chunk;
        if (!line.empty() && line.back() == '\n') break;
      }
      int error = Z_OK;
      const char* message = gzerror(file, &error);
      if (error != Z_OK && error != Z_STREAM_END) {
        return Status::IOError(path + ": read failed after line " + std::to_string(line_number) +
                               ": " + message);
      }
      if (!got_any) return Status::Ok();
      ++line_number;
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      if (line.empty()) continue;
      const size_t space = line.find(' ');
      const auto [end, ec] = std::from_chars(line.data(), line.data() + space, received_ns);
      if (space == std::string::npos || ec != std::errc() || end != line.data() + space) {
        return Status::InvalidArgument(path + ":" + std::to_string(line_number) +
                                       ": expected '<receive ns> <frame>'");
      }
      has_line = true;
      return Status::Ok();
    }
  }
};

CaptureFeed::~CaptureFeed() = default;

Result<std::unique_ptr<CaptureFeed>> CaptureFeed::Open(const std::vector<std::string>& paths) {
  std::unique_ptr<CaptureFeed> feed(new CaptureFeed());
  for (const std::string& path : paths) {
    auto source = std::make_unique<Source>();
    source->path = path;
    source->file = gzopen(path.c_str(), "rb");
    if (source->file == nullptr) return Status::IOError("cannot open capture " + path);
    gzbuffer(source->file, 256 * 1024);
    RTML_RETURN_IF_ERROR(source->Advance());
    feed->sources_.push_back(std::move(source));
  }
  return feed;
}

Result<bool> CaptureFeed::Next(CaptureFrame* frame) {
  Source* earliest = nullptr;
  for (const auto& source : sources_) {
    if (source->has_line && (earliest == nullptr || source->received_ns < earliest->received_ns)) {
      earliest = source.get();
    }
  }
  if (earliest == nullptr) return false;
  current_.swap(earliest->line);
  frame->received_ns = earliest->received_ns;
  const std::string_view line = current_;
  frame->frame = line.substr(line.find(' ') + 1);
  frame->stream = {};
  constexpr std::string_view kKey = "\"stream\":\"";
  if (const size_t at = frame->frame.find(kKey); at != std::string_view::npos) {
    const size_t begin = at + kKey.size();
    const size_t end = frame->frame.find('"', begin);
    if (end != std::string_view::npos) frame->stream = frame->frame.substr(begin, end - begin);
  }
  RTML_RETURN_IF_ERROR(earliest->Advance());
  return true;
}

}  // namespace rtml::ingest::sim
