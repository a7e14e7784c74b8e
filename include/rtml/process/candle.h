// Candle: the OHLCV summary of one pair's trades over one event-time window
// [window_start_ms, window_end_ms), the record of the `candles` topic (key: pair).
// On the wire it is JSON:
//   {"pair":"BTCUSDT","candle_seconds":60,"window_start_ms":1723161240000,
//    "window_end_ms":1723161300000,"open":61837.63,"high":61850,"low":61830.01,
//    "close":61845.2,"volume":3.21,"vwap":61841.07,"trade_count":118}
// Indicators read candles (open/high/low/close/volume), so a user's historical OHLCV
// file becomes a stream of Candles too. CandleAggregator (candle_aggregator.h) makes
// them from trades.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

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

// The candle's identity, "<pair>|<candle_seconds>|<window_start_ms>"
// ("BTCUSDT|60|1723161240000"): a candle emitted again for the same window (a
// correction, a newer `current` state, a replay) has the same key and replaces the
// one before it.
std::string CandleKey(const Candle& candle);

// Appends the JSON form of `candle` to `out` (fields in the order of the example
// above). Prices and quantities are written with the shortest text that reads back
// as the same double (a non-finite one as null), so parsing gives back an equal
// Candle.
void AppendCandleJson(const Candle& candle, std::string& out);

// Parses the JSON form: every field of the example is required (integers for
// candle_seconds, window_start_ms, window_end_ms and trade_count, numbers for the
// others), in any order; unknown fields are ignored. InvalidArgument naming the
// missing or malformed field. Thread-safe.
Result<Candle> ParseCandleJson(std::string_view json);

}  // namespace rtml::process
