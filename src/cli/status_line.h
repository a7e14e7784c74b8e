// StatusLine: one line of live progress on stderr, rewritten in place, for long
// runs (replay, ingest). Silent when stderr is not a terminal, so logs and pipes
// get only the final summary.
#pragma once

#include <cstdint>
#include <string>

namespace rtml::cli {

class StatusLine {
 public:
  StatusLine();

  // True when a new line should be shown: enabled, and half a second since the last.
  // Cheap enough to call per record.
  bool Due();
  // The same, reading the clock on every call: for loops that ask a few times a
  // second rather than per record.
  bool DueNow();
  // Shows `text` (from a caller that asked Due()).
  void Show(const std::string& text);
  // Removes the line, before other output.
  void Clear();

  // Items per second since the previous Show(), given the running total.
  double Rate(int64_t total);

 private:
  bool enabled_;
  bool shown_ = false;
  int64_t calls_ = 0;
  int64_t last_ns_;
  int64_t last_total_ = 0;
};

}  // namespace rtml::cli
