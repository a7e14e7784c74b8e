// Test helpers: candles computed the plain way (group the trades by window, sort,
// read off OHLCV), independently of the library's code, and random trade streams.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "rtml/ingest/trade.h"
#include "rtml/process/candle.h"
#include "rtml/process/candle_aggregator.h"

namespace rtml::process::testing {

// A window by (pair, size, start); windows of one spec differ in start only.
struct WindowId {
  std::string pair;
  int64_t size_ms = 0;
  int64_t start_ms = 0;
  auto operator<=>(const WindowId&) const = default;
};

// Every window [start, start + size) with start a multiple of hop holding t.
std::vector<int64_t> WindowStarts(int64_t t, int64_t size_ms, int64_t hop_ms);

// Candles by CandleKey over `trades`, for windows of `specs` (hop 0: tumbling).
// `takes(i, window)` says whether window `window` takes trades[i] (all by default).
using TakesFn = std::function<bool(size_t trade_index, const WindowId& window)>;
std::map<std::string, Candle> ReferenceCandles(const std::vector<ingest::Trade>& trades,
                                               const std::vector<WindowSpec>& specs,
                                               const TakesFn& takes = nullptr);

// Adds the flat candles of fill_gaps: each empty window between two with candles
// (same pair and size) at the earlier one's close.
void AddGapCandles(const std::vector<WindowSpec>& specs, std::map<std::string, Candle>* candles);

// Exact on everything but volume and vwap, which the reference sums in another
// order (relative 1e-12).
void ExpectSameCandle(const Candle& actual, const Candle& expected);

// The newest emission per CandleKey.
std::map<std::string, Candle> LastPerKey(const std::vector<CandleUpdate>& updates);

// A random input: trades (mostly in order, some out of order, a few very late; on
// `pairs` pairs that go quiet now and then, with ties in ts_ms) and now and then a
// watermark advance (is_advance) past the newest trade.
struct Event {
  bool is_advance = false;
  int64_t advance_ms = 0;
  ingest::Trade trade;
};
std::vector<Event> RandomEvents(uint64_t seed, int count, int pairs = 3);
std::vector<ingest::Trade> TradesOf(const std::vector<Event>& events);

// What an aggregator made of some events.
struct Outputs {
  std::vector<CandleUpdate> updates;
  std::vector<LateRecord> late;
  friend bool operator==(const Outputs&, const Outputs&) = default;
};
// Feeds events[first, last) (asserting every Add() succeeds), then Flush() if asked.
void Feed(CandleAggregator& aggregator, const std::vector<Event>& events, size_t first, size_t last,
          bool flush, Outputs* outputs);

// (pair, trade_id, candle_seconds, window_start_ms): a trade a window did not take.
using TradeWindow = std::tuple<std::string, int64_t, int64_t, int64_t>;

// The rules of window.h modelled directly: each pair has its own watermark, the
// largest of its trades' ts_ms (the trade's own included) and the advances since
// its first trade; a window [s, e) of the pair is closed from e + grace and expired
// (kUpdate) from e + grace + allowed lateness of that watermark.
struct Model {
  std::set<TradeWindow> rejected;
  std::map<std::string, int64_t> late_taken;  // by CandleKey: trades taken after closing
  std::map<std::pair<std::string, int64_t>, int64_t> watermark_at;  // by (pair, trade_id)
  std::map<std::string, Candle> candles;  // the final candle of each window (+ gaps)
};
Model RunModel(const std::vector<Event>& events, const CandleAggregatorOptions& options);

// The same keys, and ExpectSameCandle for each.
void ExpectCandlesEqual(const std::map<std::string, Candle>& actual,
                        const std::map<std::string, Candle>& expected);

// The LateRecords are exactly the model's rejections, with the documented reasons.
void ExpectRejectionsMatch(const Outputs& outputs, const Model& model,
                           const CandleAggregatorOptions& options);

}  // namespace rtml::process::testing
