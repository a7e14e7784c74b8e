// Watermark: how far event time has come, as one operator sees it.
//
// The watermark is the largest event time the operator has seen (no allowance is
// subtracted: out-of-order tolerance is each window's grace), or a time the caller
// advances it to (AdvanceTo, for an idle input or the end of it). It never goes
// back. A window [s, e) with grace g is closed once value() >= e + g.
//
// Scope: one watermark per operator, shared by all its keys. An operator runs per
// input partition (operator.h), so this is closing by partition, as Quix Streams'
// default: a quiet pair's windows still close when other pairs' trades move time on,
// and a pair that lags the others by more than the grace has its trades treated as
// late. The alternatives are a watermark per key (a window closes only when its
// own key moves on: a pair that stops trading keeps its last window open until
// an idle flush) or per source partition of a merged input (the minimum over
// partitions). Not thread-safe.
#pragma once

#include <cstdint>
#include <limits>

namespace rtml::process {

class Watermark {
 public:
  // Before any event: every window is open.
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
  // After the end of the input: every window is closed.
  static constexpr int64_t kEnd = std::numeric_limits<int64_t>::max();

  // Moves to max(value(), t_ms); true if it moved.
  bool AdvanceTo(int64_t t_ms) {
    if (t_ms <= value_) return false;
    value_ = t_ms;
    return true;
  }

  int64_t value() const { return value_; }
  bool has_value() const { return value_ != kNone; }

  // True once a window ending at end_ms (exclusive) with grace_ms has closed.
  bool Passed(int64_t end_ms, int64_t grace_ms) const { return value_ >= end_ms + grace_ms; }

 private:
  int64_t value_ = kNone;
};

}  // namespace rtml::process
