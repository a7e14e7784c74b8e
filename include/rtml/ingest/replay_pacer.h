// ReplayPacer: releases recorded records at their recorded pace, N times faster,
// or as fast as possible.
//
// The first record's receive time is pinned to the moment it is paced; a record
// received t ns later is released t / speed ns after that (on the monotonic
// clock). Records whose moment has passed go at once, so a slow consumer catches
// up instead of drifting, and a receive time that goes backwards (a capture whose
// lines are slightly out of order) does not wait. Not thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::ingest {

class ReplayPacer {
 public:
  // `speed` > 0: multiple of the recorded pace (1 = as recorded). kMaxSpeed: no
  // waiting at all.
  static constexpr double kMaxSpeed = 0;
  explicit ReplayPacer(double speed = 1) : speed_(speed) {}

  // "max" → kMaxSpeed, "2" / "0.5" / "10x" → that multiple. InvalidArgument for
  // anything else, zero, or a negative number.
  static Result<double> ParseSpeed(std::string_view text);

  // Blocks until the record received at `received_ns` is due. Sleeps in slices of
  // at most 100 ms and returns false early if `should_stop` (may be null) becomes
  // true. Returns at once for kMaxSpeed or received_ns <= 0.
  bool Wait(int64_t received_ns, bool (*should_stop)() = nullptr);

  // How long Wait() would block now, in ns (0 if due).
  int64_t DelayNs(int64_t received_ns);

 private:
  double speed_;
  bool started_ = false;
  int64_t first_received_ns_ = 0;
  int64_t start_monotonic_ns_ = 0;
};

}  // namespace rtml::ingest
