// Internal: IndicatorBase, the common frame of rtml's indicators.
//
// An indicator's state is split in two: the committed state, which summarises every
// bar before the newest, and the newest bar itself, kept as it arrived. Outputs are
// computed from both. Update() first folds the newest bar into the committed state,
// then holds the new bar as the newest; ReplaceLast() only swaps the newest bar. So a
// `current` candle replaced thousands of times costs O(1) each time and never leaves
// rounding residue in the committed state: the values after ReplaceLast(b) are
// exactly those of an indicator that received b by Update().
//
// A subclass supplies the committed state (Commit, Compute, SaveCommitted,
// RestoreCommitted); the base does the bookkeeping, the NaNs of the warm-up, and the
// state bytes (tagged with the indicator's name and a version).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/process/indicators/indicator.h"
#include "state_bytes.h"

namespace rtml::process::indicators {

// The numbers of a candle that indicators read.
struct Bar {
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;
  double vwap = 0;

  static Bar Of(const Candle& candle) {
    return {candle.open, candle.high, candle.low, candle.close, candle.volume, candle.vwap};
  }
};

// A parameter in its shortest form: "20", "2.5", "100000" (how names spell parameters).
std::string FormatParam(double param);
// "<kind>_<p1>_<p2>...", each parameter in its shortest form ("macd_12_26_9",
// "bbands_20_2.5"): the names indicators give their outputs.
std::string FeatureName(std::string_view kind, std::initializer_list<double> params);

class IndicatorBase : public Indicator {
 public:
  // output_names[0] tags the state bytes (it is unique to the kind and parameters).
  // REQUIRES: output_names is not empty, lookback >= 0.
  IndicatorBase(std::vector<std::string> output_names, int lookback);

  void Update(const Candle& bar) final;
  void ReplaceLast(const Candle& bar) final;
  int lookback() const final { return lookback_; }
  int64_t bars() const final { return bars_; }
  const std::vector<std::string>& output_names() const final { return output_names_; }
  // REQUIRES: output < output_names().size().
  double value(size_t output = 0) const final;
  std::string SaveState() const final;
  // On failure the indicator is left as it was.
  Status RestoreState(std::string_view bytes) final;

 protected:
  // Folds `bar`, the newest bar until now, into the committed state. Its position in
  // the series (0 for the first bar) is newest_index().
  virtual void Commit(const Bar& bar) = 0;
  // Writes every output for `newest` on top of the committed state. Called only once
  // ready() (more than lookback() bars seen); `out` has one slot per output name.
  virtual void Compute(const Bar& newest, std::span<double> out) const = 0;
  // The committed state as bytes, and back; RestoreCommitted returns false for bytes
  // that are not a state of this indicator.
  virtual void SaveCommitted(StateWriter& out) const = 0;
  virtual bool RestoreCommitted(StateReader& in) = 0;

  // Position in the series of the newest bar (0 for the first); -1 before any bar.
  int64_t newest_index() const { return bars_ - 1; }

 private:
  bool Load(std::string_view bytes);
  void Refresh();

  std::vector<std::string> output_names_;
  int lookback_;
  std::string state_tag_;
  int64_t bars_ = 0;
  Bar newest_;
  std::vector<double> values_;
};

}  // namespace rtml::process::indicators
