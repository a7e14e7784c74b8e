// Watermark: how far event time has come, as one operator sees it for one key.
//
// The watermark is the largest event time seen (no allowance is subtracted:
// out-of-order tolerance is each window's grace), or a time the caller advances it
// to (AdvanceTo, for an idle input or the end of it). It never goes back. A window
// [s, e) with grace g is closed once value() >= e + g.
//
// Scope: the operator chooses. CandleAggregator keeps one per key (pair): a key's
// windows close on its own event time only, so the results do not depend on how
// the keys' records interleave (a live feed mixes pairs by time, a backfill sends
// one pair's whole range after another's), and a key that lags the others is not
// late for it. The price is that a key that stops trading keeps its last window
// open until its next record or an advance of every key (idle input, the end of a
// bounded run). The alternatives are one watermark per operator, shared by its
// keys (closing by partition, as Quix Streams' default: quiet keys close with the
// others, but a key behind the others by more than the grace is late) or per
// source partition of a merged input (the minimum over partitions).
// Not thread-safe.
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
