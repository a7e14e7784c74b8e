// Candle: the OHLCV summary of one pair's trades over one event-time window
// [window_start_ms, window_end_ms), the record of the `candles` topic (key: pair).
// On the wire it is JSON:
//   {"pair":"BTCUSDT","candle_seconds":60,"window_start_ms":1723161240000,
//    "window_end_ms":1723161300000,"open":61837.63,"high":61850,"low":61830.01,
//    "close":61845.2,"volume":3.21,"vwap":61841.07,"trade_count":118}
// Indicators read candles (open/high/low/close/volume), so a user's historical OHLCV
// file becomes a stream of Candles too.
#pragma once

#include <cstdint>
#include <string>

namespace rtml::process {

struct Candle {
  std::string pair;
  int64_t candle_seconds = 0;
  int64_t window_start_ms = 0;  // inclusive
  int64_t window_end_ms = 0;    // exclusive
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;  // sum of quantities
  double vwap = 0;    // sum(price * qty) / volume
  int64_t trade_count = 0;

  friend bool operator==(const Candle&, const Candle&) = default;
};

}  // namespace rtml::process
