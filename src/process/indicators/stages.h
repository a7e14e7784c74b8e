// Internal: streaming building blocks over one series of numbers, with TA-Lib's
// arithmetic (same operations in the same order, so the values are TA-Lib's to the
// last bit). Each keeps only committed inputs: Peek(x) is the output if x were the
// next input, Commit(x) folds x in. Indicators Peek() at their newest bar and
// Commit() it when the next bar arrives (see indicator_base.h).
#pragma once

#include <cstdint>
#include <limits>

#include "ring.h"
#include "state_bytes.h"

namespace rtml::process::indicators {

// TA-Lib's EMA: the first output is the mean of the first `period` inputs, then
// prev + (x - prev) * k with k = 2 / (period + 1).
class Ema {
 public:
  // REQUIRES: period >= 1.
  explicit Ema(int period) : period_(period), k_(2.0 / static_cast<double>(period + 1)) {}

  // True if Peek() has a value: the next input completes the warm-up (or later).
  bool emits() const { return seen_ + 1 >= period_; }
  double Peek(double x) const {
    if (seen_ + 1 < period_) return std::numeric_limits<double>::quiet_NaN();
    if (seen_ + 1 == period_) return (acc_ + x) / period_;
    return ((x - acc_) * k_) + acc_;
  }
  void Commit(double x) {
    acc_ = seen_ + 1 < period_ ? acc_ + x : Peek(x);
    ++seen_;
  }

  void Save(StateWriter& out) const {
    out.Put(seen_);
    out.Put(acc_);
  }
  bool Restore(StateReader& in) { return in.Get(&seen_) && in.Get(&acc_) && seen_ >= 0; }

 private:
  int period_;
  double k_;
  int64_t seen_ = 0;  // inputs committed
  double acc_ = 0;    // their sum during the warm-up, then the EMA
};

// Sums of the last `period` inputs and of their squares, kept as TA-Lib's SMA and
// VAR keep them: the newest is added, then the one leaving is subtracted.
class PeriodSums {
 public:
  struct Sums {
    double sum;
    double sum_of_squares;
  };

  // REQUIRES: period >= 2.
  explicit PeriodSums(int period) : window_(period - 1) {}

  // The sums over the last `period` inputs, x the newest. REQUIRES: at least
  // period - 1 inputs committed.
  Sums Peek(double x) const { return {sum_ + x, sum_of_squares_ + x * x}; }
  void Commit(double x) {
    sum_ += x;
    sum_of_squares_ += x * x;
    if (window_.full()) {
      const double leaving = window_.oldest();
      sum_ -= leaving;
      sum_of_squares_ -= leaving * leaving;
    }
    window_.Push(x);
  }

  void Save(StateWriter& out) const {
    window_.Save(out);
    out.Put(sum_);
    out.Put(sum_of_squares_);
  }
  bool Restore(StateReader& in) {
    return window_.Restore(in) && in.Get(&sum_) && in.Get(&sum_of_squares_);
  }

 private:
  Ring<double> window_;  // the last period - 1 committed inputs
  double sum_ = 0;       // their sum
  double sum_of_squares_ = 0;
};

}  // namespace rtml::process::indicators
