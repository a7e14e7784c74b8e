// Wall-clock and monotonic time in the units the stream layer uses.
#pragma once

#include <chrono>
#include <cstdint>

namespace rtml {

// Milliseconds since the Unix epoch: the unit of record timestamps (as in Kafka).
inline int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Nanoseconds since the Unix epoch: when something was received.
inline int64_t WallClockNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Nanoseconds on a clock that never goes back; only differences mean anything.
inline int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace rtml
