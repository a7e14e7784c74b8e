// Internal: the frames of Binance capture files ("<receive ns> <frame>" per line,
// gzip or plain), merged over the files by receive time. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::ingest::sim {

struct CaptureFrame {
  int64_t received_ns = 0;
  std::string_view stream;  // "btcusdt@trade" ("" if the frame names none)
  std::string_view frame;   // the websocket message as captured
};

class CaptureFeed {
 public:
  // Opens every file and reads its first line. IOError naming a file that cannot be
  // opened; InvalidArgument naming the file and line of a line without
  // "<integer> <frame>".
  static Result<std::unique_ptr<CaptureFeed>> Open(const std::vector<std::string>& paths);
  ~CaptureFeed();

  // The frame received earliest among the files' next lines (true), or the end of
  // all files (false). The views stay valid until the next call. Errors name the
  // file and line.
  Result<bool> Next(CaptureFrame* frame);

 private:
  struct Source;
  CaptureFeed() = default;
  std::vector<std::unique_ptr<Source>> sources_;
  std::string current_;  // the line returned last
};

}  // namespace rtml::ingest::sim
