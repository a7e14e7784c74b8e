#include "rtml/core/backoff.h"

#include <gtest/gtest.h>

namespace rtml {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, WaitsGrowExponentiallyWithJitterUpToTheMax) {
  Backoff backoff({.initial = milliseconds(100), .max = milliseconds(1000)}, 7);
  const int64_t caps[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (const int64_t cap : caps) {
    const int64_t wait = backoff.Next().count();
    EXPECT_GE(wait, 0);
    EXPECT_LE(wait, cap);
  }
  EXPECT_EQ(backoff.attempts(), 7);
  backoff.Reset();
  EXPECT_LE(backoff.Next().count(), 100);
}

TEST(Backoff, JitterSpreadsClientsThatFailedTogether) {
  // Ten clients on their 6th retry (cap 3.2 s) must not all pick the same wait.
  int64_t lowest = INT64_MAX, highest = 0;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    Backoff backoff({.initial = milliseconds(100), .max = milliseconds(30'000)}, seed);
    int64_t wait = 0;
    for (int i = 0; i < 6; ++i) wait = backoff.Next().count();
    lowest = std::min(lowest, wait);
    highest = std::max(highest, wait);
  }
  EXPECT_GT(highest - lowest, 500);
}

TEST(Backoff, HonoursAFloorSuchAsRetryAfter) {
  Backoff backoff({.initial = milliseconds(10), .max = milliseconds(20)}, 1);
  EXPECT_EQ(backoff.NextAtLeast(milliseconds(5000)), milliseconds(5000));
}

}  // namespace
}  // namespace rtml
