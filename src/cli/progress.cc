#include "progress.h"

#include <unistd.h>

#include <cstdio>

#include "rtml/core/clock.h"

namespace rtml::cli {

Progress::Progress(std::string label, bool wanted)
    : label_(std::move(label)),
      enabled_(wanted && isatty(STDERR_FILENO) == 1),
      last_ns_(MonotonicNs()) {}

void Progress::MaybePrint(int64_t total) {
  constexpr int64_t kIntervalNs = 1'000'000'000;
  const int64_t now = MonotonicNs();
  if (now - last_ns_ < kIntervalNs) return;
  const double seconds = static_cast<double>(now - last_ns_) / 1e9;
  const double rate = static_cast<double>(total - last_total_) / seconds;
  std::fprintf(stderr, "%s: %lld records, %.0f records/s\n", label_.c_str(),
               static_cast<long long>(total), rate);
  last_ns_ = now;
  last_total_ = total;
}

}  // namespace rtml::cli
