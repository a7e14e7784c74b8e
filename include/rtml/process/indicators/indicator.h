// Indicator: one streaming technical indicator over a series of candles, with the
// definitions and warm-up of TA-Lib, the reference traders use.
//
// Update() appends a bar; ReplaceLast() replaces the newest bar (a `current` candle
// that is still changing) without recomputing history. Both are O(1) in time and
// the state is bounded by the indicator's period. After either call, value(i) is
// output i for the newest bar: NaN while fewer than lookback() + 1 bars were seen,
// then the value TA-Lib computes for that bar over the same series.
//
// Indicators are made by name (MakeIndicator): "rsi_14", "ema_21",
// "macd_12_26_9", "bbands_20_2", ... Not thread-safe: one per pair and thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/process/candle.h"

namespace rtml::process {

class Indicator {
 public:
  virtual ~Indicator() = default;

  virtual void Update(const Candle& bar) = 0;
  // Replaces the newest bar. Before any Update(), the same as Update().
  virtual void ReplaceLast(const Candle& bar) = 0;

  // TA-Lib's lookback: how many bars come before the first value.
  virtual int lookback() const = 0;
  // Bars seen (ReplaceLast does not add one).
  virtual int64_t bars() const = 0;
  bool ready() const { return bars() > lookback(); }

  // The feature names of the outputs: the indicator's own name for one output
  // ("rsi_14"), else one name per output, e.g. {"macd_12_26_9",
  // "macd_signal_12_26_9", "macd_hist_12_26_9"} or {"stoch_k_5_3_3", "stoch_d_5_3_3"}.
  virtual const std::vector<std::string>& output_names() const = 0;
  virtual double value(size_t output = 0) const = 0;

  // The whole state as bytes, and back (for checkpoints). Restore() of bytes from
  // an indicator of another name or version is InvalidArgument.
  virtual std::string SaveState() const = 0;
  virtual Status RestoreState(std::string_view bytes) = 0;
};

// Makes the indicator a feature name declares: "<kind>_<param>[_<param>...]".
// InvalidArgument naming the problem for an unknown kind, a wrong number of
// parameters, or a parameter out of range (e.g. "rsi_0", "ema_x", "macd_26_12_9"
// where fast must be below slow).
Result<std::unique_ptr<Indicator>> MakeIndicator(std::string_view name);

// Every kind MakeIndicator() knows, with its parameter syntax and an example, for
// --help and error messages: {"rsi", "rsi_<period>", "rsi_14"}, ...
struct IndicatorKind {
  std::string_view kind;
  std::string_view syntax;
  std::string_view example;
  std::string_view description;
};
const std::vector<IndicatorKind>& IndicatorKinds();

}  // namespace rtml::process
