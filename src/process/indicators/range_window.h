// Internal: the highest high and the lowest low of the last `period` bars, the newest
// of them still pending (Stochastic, StochRSI, Williams %R). Monotonic deques hold
// the committed bars that can still be an extreme, so Commit() is O(1) amortized,
// Peek() O(1), and memory at most period - 1 entries per side.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

#include "state_bytes.h"

namespace rtml::process::indicators {

class RangeWindow {
 public:
  struct Range {
    double highest;
    double lowest;
  };

  // REQUIRES: period >= 1.
  explicit RangeWindow(int period) : period_(period) {}

  // The extremes of the last period - 1 committed bars and a newest bar (high, low).
  Range Peek(double high, double low) const {
    return {highs_.empty() ? high : std::max(highs_.front().value, high),
            lows_.empty() ? low : std::min(lows_.front().value, low)};
  }
  // Commits a bar (high, low).
  void Commit(double high, double low) {
    const int64_t index = committed_++;
    while (!highs_.empty() && highs_.back().value <= high) highs_.pop_back();
    highs_.push_back({index, high});
    while (!lows_.empty() && lows_.back().value >= low) lows_.pop_back();
    lows_.push_back({index, low});
    // The next newest bar's window holds the last period - 1 committed bars.
    const int64_t first_kept = committed_ - (period_ - 1);
    while (!highs_.empty() && highs_.front().index < first_kept) highs_.pop_front();
    while (!lows_.empty() && lows_.front().index < first_kept) lows_.pop_front();
  }

  void Save(StateWriter& out) const {
    out.Put(committed_);
    out.PutVector(std::vector<Entry>(highs_.begin(), highs_.end()));
    out.PutVector(std::vector<Entry>(lows_.begin(), lows_.end()));
  }
  bool Restore(StateReader& in) {
    std::vector<Entry> highs;
    std::vector<Entry> lows;
    if (!in.Get(&committed_) || !in.GetVector(&highs, period_) || !in.GetVector(&lows, period_)) {
      return false;
    }
    highs_.assign(highs.begin(), highs.end());
    lows_.assign(lows.begin(), lows.end());
    return true;
  }

 private:
  struct Entry {
    int64_t index;  // position among the committed bars
    double value;
  };

  int period_;
  int64_t committed_ = 0;
  std::deque<Entry> highs_;  // values decreasing from the front
  std::deque<Entry> lows_;   // values increasing from the front
};

}  // namespace rtml::process::indicators
