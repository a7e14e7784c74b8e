#include "status_line.h"

#include <unistd.h>

#include <cstdio>

#include "rtml/core/clock.h"

namespace rtml::cli {

StatusLine::StatusLine() : enabled_(isatty(STDERR_FILENO) == 1), last_ns_(MonotonicNs()) {}

bool StatusLine::Due() {
  // Reading the clock for every record would cost more than the record.
  if (!enabled_ || ++calls_ % 256 != 0) return false;
  return DueNow();
}

bool StatusLine::DueNow() { return enabled_ && MonotonicNs() - last_ns_ >= 500'000'000; }

double StatusLine::Rate(int64_t total) {
  const int64_t now = MonotonicNs();
  const double rate =
      static_cast<double>(total - last_total_) * 1e9 / static_cast<double>(now - last_ns_ + 1);
  last_ns_ = now;
  last_total_ = total;
  return rate;
}

void StatusLine::Show(const std::string& text) {
  std::fprintf(stderr, "\r\033[K%s", text.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void StatusLine::Clear() {
  if (shown_) std::fputs("\r\033[K", stderr);
  shown_ = false;
}

}  // namespace rtml::cli
