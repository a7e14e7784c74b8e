// Volume indicators: TA-Lib's on-balance volume, and a rolling VWAP (not in TA-Lib).
#include <limits>
#include <memory>

#include "factories.h"
#include "indicator_base.h"
#include "sliding_sum.h"

namespace rtml::process::indicators {
namespace {

// TA_OBV over a series that starts at the first bar: the first value is that bar's
// volume; then the volume is added when close rises, subtracted when it falls.
class Obv final : public IndicatorBase {
 public:
  Obv() : IndicatorBase({"obv"}, 0) {}

 private:
  double Peek(const Bar& bar) const {
    if (newest_index() == 0) return bar.volume;
    if (bar.close > close_) return obv_ + bar.volume;
    if (bar.close < close_) return obv_ - bar.volume;
    return obv_;
  }
  void Commit(const Bar& bar) override {
    obv_ = Peek(bar);
    close_ = bar.close;
  }
  void Compute(const Bar& newest, std::span<double> out) const override { out[0] = Peek(newest); }
  void SaveCommitted(StateWriter& out) const override {
    out.Put(obv_);
    out.Put(close_);
  }
  bool RestoreCommitted(StateReader& in) override { return in.Get(&obv_) && in.Get(&close_); }

  double obv_ = 0;    // at the last committed bar
  double close_ = 0;  // of the last committed bar
};

// vwap_<n>: sum(vwap * volume) / sum(volume) over the last n candles, NaN when
// their volume is 0. A candle without volume adds nothing (its vwap is not read).
class Vwap final : public IndicatorBase {
 public:
  explicit Vwap(int period)
      : IndicatorBase({FeatureName("vwap", {double(period)})}, period - 1),
        committed_(period - 1) {}

 private:
  struct Sums {
    double value = 0;  // sum of vwap * volume
    double volume = 0;
    friend Sums operator+(const Sums& a, const Sums& b) {
      return {a.value + b.value, a.volume + b.volume};
    }
  };
  static Sums Of(const Bar& bar) {
    return bar.volume == 0 ? Sums{} : Sums{bar.vwap * bar.volume, bar.volume};
  }

  void Commit(const Bar& bar) override { committed_.Push(Of(bar)); }
  void Compute(const Bar& newest, std::span<double> out) const override {
    const Sums total = committed_.sum() + Of(newest);
    out[0] =
        total.volume == 0 ? std::numeric_limits<double>::quiet_NaN() : total.value / total.volume;
  }
  void SaveCommitted(StateWriter& out) const override { committed_.Save(out); }
  bool RestoreCommitted(StateReader& in) override { return committed_.Restore(in); }

  SlidingSum<Sums> committed_;  // the last n - 1 committed candles
};

}  // namespace

std::unique_ptr<Indicator> MakeObv() { return std::make_unique<Obv>(); }
std::unique_ptr<Indicator> MakeVwap(int period) { return std::make_unique<Vwap>(period); }

}  // namespace rtml::process::indicators
