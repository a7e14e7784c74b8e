// Oscillators over a range of recent bars: Stochastic, StochRSI, Williams %R, CCI
// and MFI, with TA-Lib's definitions and order of operations (TA_STOCH, TA_STOCHRSI,
// TA_WILLR, TA_CCI, TA_MFI).
#include <cmath>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "indicator_base.h"
#include "oscillators.h"
#include "previous_bar_indicator.h"
#include "range_window.h"
#include "ring.h"
#include "running_sma.h"
#include "wilder_smoothing.h"

namespace rtml::process::indicators {
namespace {

std::string Named(std::string_view kind, int period) {
  return FeatureName(kind, {static_cast<double>(period)});
}
std::string Named(std::string_view kind, int first, int second, int third) {
  return FeatureName(
      kind, {static_cast<double>(first), static_cast<double>(second), static_cast<double>(third)});
}

// %K of `value` in `range`, as TA-Lib divides: (value - lowest) / ((highest -
// lowest) / 100), 0 for an empty range.
double PercentK(double value, RangeWindow::Range range) {
  const double diff = (range.highest - range.lowest) / 100.0;
  return diff != 0.0 ? (value - range.lowest) / diff : 0.0;
}

double TypicalPrice(const Bar& bar) { return (bar.high + bar.low + bar.close) / 3.0; }

// stoch_<fastk>_<slowk>_<slowd> (TA_STOCH, SMA smoothing): %K of the close in the
// range of the last fastk bars, its SMA over slowk bars (slow %K, output 0) and the
// SMA of that over slowd bars (slow %D, output 1).
class Stochastic final : public IndicatorBase {
 public:
  Stochastic(int fastk_period, int slowk_period, int slowd_period)
      : IndicatorBase({Named("stoch_k", fastk_period, slowk_period, slowd_period),
                       Named("stoch_d", fastk_period, slowk_period, slowd_period)},
                      (fastk_period - 1) + (slowk_period - 1) + (slowd_period - 1)),
        fastk_period_(fastk_period),
        window_(fastk_period),
        slow_k_(slowk_period),
        slow_d_(slowd_period) {}

 private:
  double FastK(const Bar& bar) const {
    return PercentK(bar.close, window_.Peek(bar.high, bar.low));
  }

  void Compute(const Bar& newest, std::span<double> out) const override {
    const double slow_k = slow_k_.Peek(FastK(newest));
    out[0] = slow_k;
    out[1] = slow_d_.Peek(slow_k);
  }
  void Commit(const Bar& bar) override {
    if (newest_index() >= fastk_period_ - 1) {  // the bar has a %K
      const double fast_k = FastK(bar);
      if (slow_k_.ready()) slow_d_.Commit(slow_k_.Peek(fast_k));
      slow_k_.Commit(fast_k);
    }
    window_.Commit(bar.high, bar.low);
  }
  void SaveCommitted(StateWriter& out) const override {
    window_.Save(out);
    slow_k_.Save(out);
    slow_d_.Save(out);
  }
  bool RestoreCommitted(StateReader& in) override {
    return window_.Restore(in) && slow_k_.Restore(in) && slow_d_.Restore(in);
  }

  int fastk_period_;
  RangeWindow window_;
  RunningSma slow_k_;
  RunningSma slow_d_;
};

// stochrsi_<n>_<fastk>_<fastd> (TA_STOCHRSI, SMA %D): %K of RSI(n) in the range of
// its last fastk values (output 0), and the SMA of that over fastd values (output 1).
class StochRsi final : public PreviousBarIndicator {
 public:
  StochRsi(int period, int fastk_period, int fastd_period)
      : PreviousBarIndicator({Named("stochrsi_k", period, fastk_period, fastd_period),
                              Named("stochrsi_d", period, fastk_period, fastd_period)},
                             period + (fastk_period - 1) + (fastd_period - 1)),
        period_(period),
        fastk_period_(fastk_period),
        rsi_(period),
        window_(fastk_period),
        fast_d_(fastd_period) {}

 private:
  double Change(const Bar& bar) const { return bar.close - previous().close; }
  double FastK(double rsi) const { return PercentK(rsi, window_.Peek(rsi, rsi)); }

  void Compute(const Bar& newest, std::span<double> out) const override {
    const double fast_k = FastK(rsi_.Peek(Change(newest)));
    out[0] = fast_k;
    out[1] = fast_d_.Peek(fast_k);
  }
  void CommitBar(const Bar& bar) override {
    if (!has_previous()) return;
    const double rsi = rsi_.Peek(Change(bar));
    rsi_.Commit(Change(bar));
    if (newest_index() < period_) return;  // no RSI yet
    if (newest_index() >= period_ + fastk_period_ - 1) fast_d_.Commit(FastK(rsi));
    window_.Commit(rsi, rsi);
  }
  void SaveRest(StateWriter& out) const override {
    rsi_.Save(out);
    window_.Save(out);
    fast_d_.Save(out);
  }
  bool RestoreRest(StateReader& in) override {
    return rsi_.Restore(in) && window_.Restore(in) && fast_d_.Restore(in);
  }

  int period_;
  int fastk_period_;
  WilderRsi rsi_;
  RangeWindow window_;
  RunningSma fast_d_;
};

// willr_<n> (TA_WILLR): where the close sits in the range of the last n bars, from
// 0 (at the high) to -100 (at the low).
class WilliamsR final : public IndicatorBase {
 public:
  explicit WilliamsR(int period)
      : IndicatorBase({Named("willr", period)}, period - 1), window_(period) {}

 private:
  void Compute(const Bar& newest, std::span<double> out) const override {
    const RangeWindow::Range range = window_.Peek(newest.high, newest.low);
    const double diff = (range.highest - range.lowest) / (-100.0);
    out[0] = diff != 0.0 ? (range.highest - newest.close) / diff : 0.0;
  }
  void Commit(const Bar& bar) override { window_.Commit(bar.high, bar.low); }
  void SaveCommitted(StateWriter& out) const override { window_.Save(out); }
  bool RestoreCommitted(StateReader& in) override { return window_.Restore(in); }

  RangeWindow window_;
};

// cci_<n> (TA_CCI): (typical price - its mean over n bars) / (0.015 * the mean
// absolute deviation from that mean).
//
// The mean deviation depends on the newest mean, so no running sum gives it exactly:
// each Compute() walks the n typical prices, O(n) per Update() and per
// ReplaceLast(). n is a fixed parameter, so the cost stays bounded.
class Cci final : public IndicatorBase {
 public:
  explicit Cci(int period)
      : IndicatorBase({Named("cci", period)}, period - 1), period_(period), typical_(period - 1) {}

 private:
  void Compute(const Bar& newest, std::span<double> out) const override {
    const double typical = TypicalPrice(newest);
    const size_t period = period_;
    // The window, oldest first: the committed typical prices, then the newest.
    auto at = [&](size_t i) { return i + 1 < period ? typical_[i] : typical; };
    // TA-Lib sums its circular buffer from slot 0, and bar b sits in slot b % n;
    // summing in that order keeps its rounding. `first` is the window position of
    // the bar in slot 0.
    const size_t first = (period - static_cast<size_t>((newest_index() + 1) % period_)) % period;
    double mean = 0;
    for (size_t slot = 0; slot < period; ++slot) mean += at((first + slot) % period);
    mean /= period_;
    double deviation = 0;
    for (size_t slot = 0; slot < period; ++slot) {
      deviation += std::fabs(at((first + slot) % period) - mean);
    }
    const double distance = typical - mean;
    out[0] = distance != 0.0 && deviation != 0.0 ? distance / (0.015 * (deviation / period_)) : 0.0;
  }
  void Commit(const Bar& bar) override { typical_.Push(TypicalPrice(bar)); }
  void SaveCommitted(StateWriter& out) const override { typical_.Save(out); }
  bool RestoreCommitted(StateReader& in) override { return typical_.Restore(in); }

  int period_;
  Ring<double> typical_;  // the last n - 1 committed typical prices
};

// mfi_<n> (TA_MFI): 100 * the money flow (typical price * volume) of the bars whose
// typical price rose, over that of the bars whose typical price moved, in the last
// n bars; 0 while the flows add up to less than 1.
class Mfi final : public PreviousBarIndicator {
 public:
  explicit Mfi(int period) : PreviousBarIndicator({Named("mfi", period)}, period), flows_(period) {}

 private:
  struct Flow {
    double positive = 0;
    double negative = 0;
  };

  Flow FlowOf(const Bar& bar) const {
    const double typical = TypicalPrice(bar);
    const double change = typical - TypicalPrice(previous());
    const double money = typical * bar.volume;
    if (change < 0) return {0, money};
    if (change > 0) return {money, 0};
    return {};
  }
  // The running sums once `flow` is added. TA-Lib first takes the flow leaving the
  // window out, then adds the new one.
  Flow SumsWith(const Flow& flow) const {
    Flow sums = sums_;
    if (flows_.full()) {
      sums.positive -= flows_.oldest().positive;
      sums.negative -= flows_.oldest().negative;
    }
    sums.positive += flow.positive;
    sums.negative += flow.negative;
    return sums;
  }

  void Compute(const Bar& newest, std::span<double> out) const override {
    const Flow sums = SumsWith(FlowOf(newest));
    const double total = sums.positive + sums.negative;
    out[0] = total < 1.0 ? 0.0 : 100.0 * (sums.positive / total);
  }
  void CommitBar(const Bar& bar) override {
    if (!has_previous()) return;
    const Flow flow = FlowOf(bar);
    sums_ = SumsWith(flow);
    flows_.Push(flow);
  }
  void SaveRest(StateWriter& out) const override {
    out.Put(sums_);
    flows_.Save(out);
  }
  bool RestoreRest(StateReader& in) override { return in.Get(&sums_) && flows_.Restore(in); }

  Ring<Flow> flows_;  // the last n committed flows
  Flow sums_;         // TA-Lib's running sums over them
};

}  // namespace

std::unique_ptr<Indicator> MakeStoch(int fastk_period, int slowk_period, int slowd_period) {
  return std::make_unique<Stochastic>(fastk_period, slowk_period, slowd_period);
}

std::unique_ptr<Indicator> MakeStochRsi(int period, int fastk_period, int fastd_period) {
  return std::make_unique<StochRsi>(period, fastk_period, fastd_period);
}

std::unique_ptr<Indicator> MakeCci(int period) { return std::make_unique<Cci>(period); }

std::unique_ptr<Indicator> MakeMfi(int period) { return std::make_unique<Mfi>(period); }

std::unique_ptr<Indicator> MakeWillr(int period) { return std::make_unique<WilliamsR>(period); }

}  // namespace rtml::process::indicators
