#include "rtml/ingest/replay_pacer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <thread>

#include "rtml/core/clock.h"

namespace rtml::ingest {

Result<double> ReplayPacer::ParseSpeed(std::string_view text) {
  if (text == "max") return kMaxSpeed;
  std::string_view number = text;
  if (number.ends_with('x') || number.ends_with('X')) number.remove_suffix(1);
  double speed = 0;
  const char* end = number.data() + number.size();
  const auto [ptr, ec] = std::from_chars(number.data(), end, speed);
  if (number.empty() || ec != std::errc() || ptr != end || !std::isfinite(speed) || speed <= 0) {
    return Status::InvalidArgument("speed '" + std::string(text) +
                                   "' is not a positive multiple (like 1, 2.5, 10x) or 'max'");
  }
  return speed;
}

int64_t ReplayPacer::DelayNs(int64_t received_ns) {
  if (speed_ <= 0 || received_ns <= 0) return 0;
  const int64_t now = MonotonicNs();
  if (!started_) {
    started_ = true;
    first_received_ns_ = received_ns;
    start_monotonic_ns_ = now;
    return 0;
  }
  const double offset = static_cast<double>(received_ns - first_received_ns_) / speed_;
  const int64_t due = start_monotonic_ns_ + static_cast<int64_t>(offset);
  return std::max<int64_t>(0, due - now);
}

bool ReplayPacer::Wait(int64_t received_ns, bool (*should_stop)()) {
  constexpr int64_t kSliceNs = 100'000'000;
  for (;;) {
    if (should_stop != nullptr && should_stop()) return false;
    const int64_t delay = DelayNs(received_ns);
    if (delay <= 0) return true;
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min(delay, kSliceNs)));
  }
}

}  // namespace rtml::ingest
