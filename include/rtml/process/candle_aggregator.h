// CandleAggregator: candles of several window sizes at once from a stream of
// trades, keyed by pair, in event time (window.h, watermark.h).
//
// What a caller can rely on:
//   - Candles. A window's candle summarizes the trades it took: open is the price
//     of the trade with the smallest (ts_ms, trade_id), close the one with the
//     largest, high/low the extremes, volume the sum of qty, vwap
//     sum(price * qty) / volume, trade_count the number of trades. The sums are
//     exact sums rounded once, so a candle does not depend on the order its trades
//     arrived in: bit for bit, out-of-order arrival gives the in-order candle.
//     A trade added twice (a duplicate) counts twice: deduplicate upstream
//     (TradeValidator). Keys are Trade::pair alone (a candle has no exchange).
//   - Watermark: one per pair (watermark.h): the largest ts_ms of the pair's trades,
//     or a time given to AdvanceWatermark() if later. Window [s, e) of a pair closes
//     when the pair's watermark reaches e + grace_ms, and "late" is against that
//     watermark too, so other pairs never make a trade late: the same trades give
//     the same candles however the pairs interleave (live by time, or a backfill
//     one pair after another), as long as each pair's own order is the same. A
//     pair's first trade is never late. A pair that stops trading keeps its last
//     windows open until its next trade, AdvanceWatermark() or Flush().
//   - Late trades (their window has closed): LatePolicy. kDeadLetter: the trade comes
//     back as a LateRecord and the window keeps its result. kUpdate: the closed
//     window takes it and its corrected candle is emitted again (final and
//     correction set) while the pair's watermark is below e + grace_ms +
//     allowed_lateness_ms; after that the trade comes back as a LateRecord ("too
//     late"). A trade belongs to one window per spec (tumbling) or several
//     (hopping); it goes into those still open, and the LateRecord names only the
//     windows that did not take it.
//   - Emission: EmitMode. kFinal: a window's candle once when it closes (plus
//     corrections). kCurrent: after every trade it takes (final false), plus
//     corrections; nothing more at closing, since the last emission already is the
//     final candle.
//   - Empty windows emit nothing by default. With fill_gaps, a window without trades
//     that lies between two windows with trades (same pair and spec) is emitted as a
//     flat candle: open = high = low = close = vwap = the previous candle's close,
//     volume 0, trade_count 0. Gap candles are emitted (final) when the next window
//     with trades closes, just before it; a window without trades after the newest
//     one with trades emits nothing until a later window has trades. Under kUpdate,
//     a late trade that changes a close re-emits the gap candles after it. A long
//     silence gives one flat candle per empty window (a day of 1 s candles: 86,400).
//   - Every output is re-stated under the same CandleKey(): a consumer that keeps
//     the newest candle per key ends up with the final result of every window.
//   - Deterministic: the same calls in the same order give the same outputs in the
//     same order. Add() first closes the windows of its pair that its ts_ms passes,
//     in order of (e + grace, spec, start), then emits its own updates;
//     AdvanceWatermark() and Flush() close windows of all pairs in order of
//     (e + grace, pair, spec, start). Outputs of one pair depend only on the
//     calls for that pair and the advances.
//   - Checkpoints: SaveState() holds everything (open windows, windows kept for
//     late updates, each pair's watermark, the previous close of each series),
//     and an aggregator restored from it continues exactly as the saved one would.
//   - Memory: per pair and spec, the open windows (at most about
//     (grace + size) / hop + 1 of them while the pair's time moves forward) plus,
//     under kUpdate, the closed ones still within allowed_lateness_ms; and per pair
//     one watermark and a few numbers for fill_gaps. Pairs are never forgotten.
//
// Not thread-safe: one aggregator per thread (per input partition, operator.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ingest/trade.h"
#include "rtml/process/candle.h"
#include "rtml/process/window.h"

namespace rtml::process {

struct CandleAggregatorOptions {
  // The candle windows, each of a whole number of seconds; sizes must differ (the
  // size names the candle: Candle::candle_seconds). Default: 1 s, 60 s, 300 s.
  std::vector<WindowSpec> windows = {WindowSpec::Tumbling(1'000), WindowSpec::Tumbling(60'000),
                                     WindowSpec::Tumbling(300'000)};
  // How long after its end a window stays open for out-of-order trades. >= 0.
  int64_t grace_ms = 0;
  LatePolicy late = LatePolicy::kDeadLetter;
  EmitMode emit = EmitMode::kFinal;
  // Emit flat candles for empty windows between windows with trades (see above).
  bool fill_gaps = false;
  // kUpdate only: how long after closing a window still takes late trades. >= 0;
  // 0 makes kUpdate reject every late trade, as kDeadLetter does.
  int64_t allowed_lateness_ms = 0;

  // InvalidArgument naming the problem: no windows, a bad WindowSpec, a size that is
  // not whole seconds, two windows of one size, a negative grace or lateness.
  Status Validate() const;
};

struct CandleUpdate {
  Candle candle;
  bool final = false;       // the window had closed when this was emitted
  bool correction = false;  // re-states a closed window after a late trade (kUpdate)

  friend bool operator==(const CandleUpdate&, const CandleUpdate&) = default;
};

// One window that did not take a trade.
struct LateWindow {
  int64_t candle_seconds = 0;
  int64_t window_start_ms = 0;
  int64_t window_end_ms = 0;
  // Past the lateness allowed under kUpdate (always false under kDeadLetter).
  bool too_late = false;

  friend bool operator==(const LateWindow&, const LateWindow&) = default;
};

// A trade that some window(s) did not take, for the caller to dead-letter.
struct LateRecord {
  ingest::Trade trade;
  std::vector<LateWindow> windows;  // in spec order, then start order
  int64_t watermark_ms = 0;         // its pair's, when it arrived
  // For people, e.g. "late: trade 42 at 1723161255342 is 2000 ms behind the BTCUSDT
  // watermark 1723161257342; BTCUSDT 1s candle [1723161255000, 1723161256000)
  // closed at 1723161256000 (end + grace 0 ms)".
  std::string reason;

  friend bool operator==(const LateRecord&, const LateRecord&) = default;
};

class CandleAggregator {
 public:
  // InvalidArgument if options.Validate() fails.
  static Result<CandleAggregator> Create(CandleAggregatorOptions options);
  ~CandleAggregator();
  CandleAggregator(CandleAggregator&&) noexcept;
  CandleAggregator& operator=(CandleAggregator&&) noexcept;

  // Adds one trade: first moves its pair's watermark to its ts_ms (appending what
  // closes to *out), then adds it to its windows (appending updates to *out, and a
  // LateRecord to *rejected if some window did not take it). InvalidArgument, with
  // nothing changed, for a trade without a pair, a price or qty that is not finite
  // and > 0, or ts_ms beyond +-kMaxEventTimeMs: validated trades never fail.
  Status Add(const ingest::Trade& trade, std::vector<CandleUpdate>* out,
             std::vector<LateRecord>* rejected);

  // Moves the watermark of every pair seen so far to `t_ms` (at most
  // kMaxEventTimeMs) where that is later (an idle input: e.g. processing time minus
  // the expected delay), closing what it passes. A pair first seen afterwards
  // starts with no watermark, as any new pair.
  void AdvanceWatermark(int64_t t_ms, std::vector<CandleUpdate>* out);

  // The end of the input: closes every window of every pair (emitting under kFinal)
  // and keeps none for late updates. Every trade of those pairs added afterwards is
  // too late; a pair first seen afterwards starts afresh.
  void Flush(std::vector<CandleUpdate>* out);

  // The whole state as bytes, and back. RestoreState() replaces this aggregator's
  // state; InvalidArgument if the bytes come from an aggregator with other
  // options, Corruption if they are not a state of this version at all (e.g. the
  // states of one watermark per aggregator that older builds wrote), and nothing
  // changes then.
  std::string SaveState() const;
  Status RestoreState(std::string_view bytes);

  const CandleAggregatorOptions& options() const;
  // The watermark of `pair`; Watermark::kNone for a pair not seen yet.
  int64_t watermark_ms(std::string_view pair) const;
  // The lowest watermark over the pairs seen (every window ending, plus grace, at or
  // before it has closed); Watermark::kNone before the first trade.
  int64_t watermark_ms() const;
  int64_t open_windows() const;
  int64_t retained_windows() const;  // closed, kept for late updates (kUpdate)

 private:
  struct State;
  explicit CandleAggregator(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace rtml::process
