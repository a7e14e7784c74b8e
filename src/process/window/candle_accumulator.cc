#include "candle_accumulator.h"

#include <algorithm>

namespace rtml::process {

bool CandleAccumulator::Add(double price, double qty, int64_t ts_ms, int64_t trade_id) {
  const Position position{ts_ms, trade_id};
  volume_.Add(qty);
  notional_.Add(price * qty);
  if (trade_count_++ == 0) {
    open_at_ = close_at_ = position;
    open_ = high_ = low_ = close_ = price;
    return true;
  }
  high_ = std::max(high_, price);
  low_ = std::min(low_, price);
  // A tie (the same trade twice) keeps the first one seen.
  if (position < open_at_) {
    open_at_ = position;
    open_ = price;
  }
  if (close_at_ < position) {
    close_at_ = position;
    close_ = price;
    return true;
  }
  return false;
}

Candle CandleAccumulator::ToCandle(const std::string& pair, int64_t candle_seconds,
                                   int64_t start_ms, int64_t end_ms) const {
  const double volume = volume_.Value();
  return Candle{.pair = pair,
                .candle_seconds = candle_seconds,
                .window_start_ms = start_ms,
                .window_end_ms = end_ms,
                .open = open_,
                .high = high_,
                .low = low_,
                .close = close_,
                .volume = volume,
                .vwap = notional_.Value() / volume,
                .trade_count = trade_count_};
}

void CandleAccumulator::Save(StateWriter* writer) const {
  writer->Put(open_at_);
  writer->Put(close_at_);
  writer->Put(open_);
  writer->Put(high_);
  writer->Put(low_);
  writer->Put(close_);
  writer->Put(trade_count_);
  volume_.Save(writer);
  notional_.Save(writer);
}

bool CandleAccumulator::Restore(StateReader* reader) {
  return reader->Get(&open_at_) && reader->Get(&close_at_) && reader->Get(&open_) &&
         reader->Get(&high_) && reader->Get(&low_) && reader->Get(&close_) &&
         reader->Get(&trade_count_) && trade_count_ > 0 && volume_.Restore(reader) &&
         notional_.Restore(reader);
}

}  // namespace rtml::process
