// CandleAccumulator: the running OHLCV of one window's trades. Open and close are
// the trades with the smallest and largest (ts_ms, trade_id), and the sums are
// exact (ExactSum), so the result does not depend on the order trades arrive in.
// Internal to the window library.
#pragma once

#include <cstdint>
#include <string>

#include "exact_sum.h"
#include "rtml/core/state_bytes.h"
#include "rtml/process/candle.h"

namespace rtml::process {

class CandleAccumulator {
 public:
  // Adds a trade; true if it became the close (always true for the first one).
  bool Add(double price, double qty, int64_t ts_ms, int64_t trade_id);

  int64_t trade_count() const { return trade_count_; }
  double close() const { return close_; }

  // The candle of window [start_ms, end_ms). REQUIRES: trade_count() > 0.
  Candle ToCandle(const std::string& pair, int64_t candle_seconds, int64_t start_ms,
                  int64_t end_ms) const;

  void Save(StateWriter* writer) const;
  bool Restore(StateReader* reader);

 private:
  // Where a trade stands in event time order.
  struct Position {
    int64_t ts_ms = 0;
    int64_t trade_id = 0;
    bool operator<(const Position& other) const {
      return ts_ms != other.ts_ms ? ts_ms < other.ts_ms : trade_id < other.trade_id;
    }
  };

  Position open_at_;
  Position close_at_;
  double open_ = 0;
  double high_ = 0;
  double low_ = 0;
  double close_ = 0;
  int64_t trade_count_ = 0;
  ExactSum volume_;
  ExactSum notional_;  // sum of price * qty
};

}  // namespace rtml::process
