// Backoff: how long to wait before the next retry of something that keeps failing
// (a reconnect, a rate-limited request). Exponential with "full jitter": the n-th
// wait is uniform in [0, min(max, initial * 2^n)], so many clients that failed
// together do not retry together. Reset() after a success starts over.
// Not thread-safe; deterministic for a given seed.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace rtml {

struct BackoffOptions {
  std::chrono::milliseconds initial{250};  // cap of the first wait
  std::chrono::milliseconds max{30'000};   // no wait is longer than this
};

class Backoff {
 public:
  explicit Backoff(BackoffOptions options = {}, uint64_t seed = std::random_device{}());

  // The wait before the next attempt; each call doubles the cap, up to max.
  std::chrono::milliseconds Next();

  // At least `floor` (e.g. a server's Retry-After), else Next().
  std::chrono::milliseconds NextAtLeast(std::chrono::milliseconds floor);

  void Reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  BackoffOptions options_;
  std::mt19937_64 rng_;
  int attempt_ = 0;
};

}  // namespace rtml
