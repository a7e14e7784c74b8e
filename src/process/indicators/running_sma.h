// Internal: TA-Lib's simple moving average as a running total, for the %K and %D lines
// of the stochastics. TA-Lib adds the newest input to the total, divides, then
// subtracts the input that leaves the window; doing the same, in the same order,
// gives its values to the last bits.
#pragma once

#include <cstdint>
#include <limits>

#include "ring.h"
#include "state_bytes.h"

namespace rtml::process::indicators {

class RunningSma {
 public:
  // REQUIRES: period >= 1.
  explicit RunningSma(int period) : period_(period), inputs_(period) {}

  // The mean of the last `period` inputs once `x` is added: NaN while fewer than
  // `period` inputs were seen. O(1).
  double Peek(double x) const {
    return ready() ? (total_ + x) / period_ : std::numeric_limits<double>::quiet_NaN();
  }
  // Adds `x` for good. O(1).
  void Commit(double x) {
    inputs_.Push(x);
    total_ = inputs_.full() ? (total_ + x) - inputs_.oldest() : total_ + x;
  }
  // True when Peek() gives a mean.
  bool ready() const { return inputs_.size() + 1 >= inputs_.capacity(); }

  void Save(StateWriter& out) const {
    out.Put(total_);
    inputs_.Save(out);
  }
  bool Restore(StateReader& in) { return in.Get(&total_) && inputs_.Restore(in); }

 private:
  int period_;
  Ring<double> inputs_;  // the last `period` committed inputs: the oldest leaves next
  double total_ = 0;     // TA-Lib's running total: the last period - 1 committed inputs
};

}  // namespace rtml::process::indicators
