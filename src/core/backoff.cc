#include "rtml/core/backoff.h"

#include <algorithm>

namespace rtml {

Backoff::Backoff(BackoffOptions options, uint64_t seed) : options_(options), rng_(seed) {}

std::chrono::milliseconds Backoff::Next() {
  // Doubling stops once past max, so the shift never overflows.
  const int64_t initial = std::max<int64_t>(1, options_.initial.count());
  int64_t cap = initial;
  for (int i = 0; i < attempt_ && cap < options_.max.count(); ++i) cap *= 2;
  cap = std::min<int64_t>(cap, options_.max.count());
  ++attempt_;
  std::uniform_int_distribution<int64_t> wait(0, cap);
  return std::chrono::milliseconds(wait(rng_));
}

std::chrono::milliseconds Backoff::NextAtLeast(std::chrono::milliseconds floor) {
  return std::max(floor, Next());
}

}  // namespace rtml
