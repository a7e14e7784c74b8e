// Internal: Wilder's smoothing with TA-Lib's seeds and order of operations, so that
// a streaming indicator built on it gives TA-Lib's values to the last bits.
//
// Both are small values. Peek(x) is what Commit(x) would make of the smoothed value,
// without committing it, which is how an indicator shows its newest, still changing
// bar.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

#include "state_bytes.h"

namespace rtml::process::indicators {

// TA-Lib's test for a zero divisor (TA_IS_ZERO), which its results depend on.
inline bool TaLibIsZero(double value) {
  constexpr double kEpsilon = 0.00000000000001;
  return -kEpsilon < value && value < kEpsilon;
}

// The mean of RSI's gains and losses, of ATR's true ranges and of the ADX line: the
// first `period` inputs are summed and the sum divided by `period`; after that, each
// input x gives mean = (mean * (period - 1) + x) / period.
class WilderMean {
 public:
  explicit WilderMean(int period) : period_(period) {}

  // The mean once `x` is added: NaN while fewer than `period` inputs were seen.
  // nullopt is a bar without input (ADX's bars without a directional index): it
  // counts towards the seed, adds nothing to it, and leaves a seeded mean as it is.
  double Peek(std::optional<double> x) const { return Next(x).Mean(); }
  void Commit(std::optional<double> x) { *this = Next(x); }

  void Save(StateWriter& out) const {
    out.Put(count_);
    out.Put(acc_);
  }
  bool Restore(StateReader& in) { return in.Get(&count_) && in.Get(&acc_) && count_ >= 0; }

 private:
  WilderMean Next(std::optional<double> x) const {
    WilderMean next = *this;
    if (count_ < period_) {
      if (x) next.acc_ += *x;
      if (count_ == period_ - 1) next.acc_ /= period_;
    } else if (x) {
      next.acc_ = (acc_ * (period_ - 1) + *x) / period_;
    }
    ++next.count_;
    return next;
  }
  double Mean() const {
    return count_ >= period_ ? acc_ : std::numeric_limits<double>::quiet_NaN();
  }

  int period_;
  int64_t count_ = 0;
  double acc_ = 0;  // the sum while seeding, then the mean
};

// The smoothed sums of +DM, -DM and true range behind +DI, -DI and ADX: the first
// `period - 1` inputs are summed; after that, each input x gives
// sum = sum - sum / period + x.
class WilderSum {
 public:
  explicit WilderSum(int period) : period_(period) {}

  // The sum once `x` is added: NaN while fewer than `period` inputs were seen.
  double Peek(double x) const { return Next(x).Sum(); }
  void Commit(double x) { *this = Next(x); }

  void Save(StateWriter& out) const {
    out.Put(count_);
    out.Put(sum_);
  }
  bool Restore(StateReader& in) { return in.Get(&count_) && in.Get(&sum_) && count_ >= 0; }

 private:
  WilderSum Next(double x) const {
    WilderSum next = *this;
    next.sum_ = count_ < period_ - 1 ? sum_ + x : sum_ - sum_ / period_ + x;
    ++next.count_;
    return next;
  }
  double Sum() const { return count_ >= period_ ? sum_ : std::numeric_limits<double>::quiet_NaN(); }

  int period_;
  int64_t count_ = 0;
  double sum_ = 0;
};

// RSI over a series of changes (close - previous close), as TA-Lib computes it:
// 100 * mean gain / (mean gain + mean loss), 0 when both means are 0.
class WilderRsi {
 public:
  explicit WilderRsi(int period) : gains_(period), losses_(period) {}

  // The RSI once `change` is added: NaN while fewer than `period` changes were seen.
  double Peek(double change) const {
    const double gain = gains_.Peek(Gain(change));
    const double both = gain + losses_.Peek(Loss(change));
    return TaLibIsZero(both) ? 0.0 : 100.0 * (gain / both);
  }
  void Commit(double change) {
    gains_.Commit(Gain(change));
    losses_.Commit(Loss(change));
  }

  void Save(StateWriter& out) const {
    gains_.Save(out);
    losses_.Save(out);
  }
  bool Restore(StateReader& in) { return gains_.Restore(in) && losses_.Restore(in); }

 private:
  static double Gain(double change) { return change < 0 ? 0.0 : change; }
  static double Loss(double change) { return change < 0 ? -change : 0.0; }

  WilderMean gains_;
  WilderMean losses_;
};

}  // namespace rtml::process::indicators
