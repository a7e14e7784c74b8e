// Progress: one line per second on stderr ("produce: 120000 records, 52000
// records/s") for long runs, only when stderr is a terminal.
#pragma once

#include <cstdint>
#include <string>

namespace rtml::cli {

class Progress {
 public:
  // `label` starts each line. Disabled (a no-op) unless `wanted` and stderr is a
  // terminal.
  explicit Progress(std::string label, bool wanted = true);

  // Reports that `total` records are done so far; cheap enough to call per record.
  void Update(int64_t total) {
    if (enabled_ && ++calls_ % kCallsPerClockCheck == 0) MaybePrint(total);
  }

 private:
  static constexpr int64_t kCallsPerClockCheck = 1024;
  void MaybePrint(int64_t total);

  std::string label_;
  bool enabled_;
  int64_t calls_ = 0;
  int64_t last_ns_;
  int64_t last_total_ = 0;
};

}  // namespace rtml::cli
