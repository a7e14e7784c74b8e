// SimRandom: the simulator's random numbers - xoshiro256** seeded by splitmix64, with
// distributions written here so a seed gives the same sequence on every platform
// (std:: distributions differ between standard libraries). Not thread-safe.
#pragma once

#include <cmath>
#include <cstdint>

namespace rtml::ingest::sim {

class SimRandom {
 public:
  explicit SimRandom(uint64_t seed) {
    for (uint64_t& word : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }

  uint64_t NextU64() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1].
  double UniformPositive() { return 1.0 - Uniform(); }
  bool Bernoulli(double p) { return p > 0 && Uniform() < p; }
  // Uniform integer in [0, n), n > 0.
  uint64_t Below(uint64_t n) { return NextU64() % n; }
  double Exponential(double rate) { return -std::log(UniformPositive()) / rate; }

  // Standard normal (Box-Muller, both values used).
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double radius = std::sqrt(-2.0 * std::log(UniformPositive()));
    const double angle = 2.0 * M_PI * Uniform();
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

  // Student-t with 5 degrees of freedom, scaled to unit variance.
  double StudentT5() {
    double chi2 = 0;
    for (int i = 0; i < 5; ++i) {
      const double z = Normal();
      chi2 += z * z;
    }
    const double t = Normal() / std::sqrt(chi2 / 5.0);
    return t * std::sqrt(3.0 / 5.0);  // the variance of t(5) is 5/3
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace rtml::ingest::sim
