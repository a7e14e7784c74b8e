// Moving averages of close with TA-Lib's definitions: SMA, EMA, WMA, DEMA, TEMA.
#include <array>
#include <cstdint>
#include <memory>

#include "factories.h"
#include "indicator_base.h"
#include "stages.h"

namespace rtml::process::indicators {
namespace {

class Sma final : public IndicatorBase {
 public:
  explicit Sma(int period)
      : IndicatorBase({FeatureName("sma", {double(period)})}, period - 1),
        period_(period),
        sums_(period) {}

 private:
  void Commit(const Bar& bar) override { sums_.Commit(bar.close); }
  void Compute(const Bar& newest, std::span<double> out) const override {
    out[0] = sums_.Peek(newest.close).sum / period_;
  }
  void SaveCommitted(StateWriter& out) const override { sums_.Save(out); }
  bool RestoreCommitted(StateReader& in) override { return sums_.Restore(in); }

  int period_;
  PeriodSums sums_;
};

// EMA, DEMA and TEMA: `Depth` EMAs in a chain, each over the previous one's outputs
// from its first (TA-Lib's warm-up: lookback (period - 1) * Depth), combined as
// EMA1; 2*EMA1 - EMA2; EMA3 + (3*EMA1 - 3*EMA2).
template <int Depth>
class EmaChain final : public IndicatorBase {
 public:
  EmaChain(std::string_view kind, int period)
      : IndicatorBase({FeatureName(kind, {double(period)})}, (period - 1) * Depth),
        emas_(MakeEmas(period)) {}

 private:
  using Values = std::array<double, Depth>;

  // The outputs of the chain for input x; valid up to the first EMA that does not
  // emit yet.
  Values Peek(double x) const {
    Values values{};
    for (int i = 0; i < Depth; ++i) {
      values[i] = emas_[i].Peek(x);
      if (!emas_[i].emits()) break;
      x = values[i];
    }
    return values;
  }
  void Commit(const Bar& bar) override {
    double x = bar.close;
    for (int i = 0; i < Depth; ++i) {
      const bool emits = emas_[i].emits();
      const double next = emas_[i].Peek(x);
      emas_[i].Commit(x);
      if (!emits) break;
      x = next;
    }
  }
  void Compute(const Bar& newest, std::span<double> out) const override {
    const Values e = Peek(newest.close);
    if constexpr (Depth == 1) {
      out[0] = e[0];
    } else if constexpr (Depth == 2) {
      out[0] = (2.0 * e[0]) - e[1];
    } else {
      out[0] = e[2] + ((3.0 * e[0]) - (3.0 * e[1]));
    }
  }
  void SaveCommitted(StateWriter& out) const override {
    for (const Ema& ema : emas_) ema.Save(out);
  }
  bool RestoreCommitted(StateReader& in) override {
    for (Ema& ema : emas_) {
      if (!ema.Restore(in)) return false;
    }
    return true;
  }

  static std::array<Ema, Depth> MakeEmas(int period) {
    if constexpr (Depth == 1) {
      return {Ema(period)};
    } else if constexpr (Depth == 2) {
      return {Ema(period), Ema(period)};
    } else {
      return {Ema(period), Ema(period), Ema(period)};
    }
  }

  std::array<Ema, Depth> emas_;
};

// TA-Lib's WMA: weights 1..period, oldest to newest, kept as a running weighted sum
// and a running plain sum (the weighted sum loses the plain sum at each step).
class Wma final : public IndicatorBase {
 public:
  explicit Wma(int period)
      : IndicatorBase({FeatureName("wma", {double(period)})}, period - 1),
        period_(period),
        divider_(static_cast<double>(int64_t{period} * (period + 1) / 2)),
        window_(period) {}

 private:
  void Commit(const Bar& bar) override {
    const double x = bar.close;
    if (window_.size() + 1 < static_cast<size_t>(period_)) {  // warm-up
      plain_sum_ += x;
      weighted_sum_ += x * static_cast<double>(window_.size() + 1);
    } else {
      plain_sum_ += x;
      plain_sum_ -= window_.full() ? window_.oldest() : 0.0;
      weighted_sum_ += x * period_;
      weighted_sum_ -= plain_sum_;
    }
    window_.Push(x);
  }
  void Compute(const Bar& newest, std::span<double> out) const override {
    out[0] = (weighted_sum_ + newest.close * period_) / divider_;
  }
  void SaveCommitted(StateWriter& out) const override {
    window_.Save(out);
    out.Put(plain_sum_);
    out.Put(weighted_sum_);
  }
  bool RestoreCommitted(StateReader& in) override {
    return window_.Restore(in) && in.Get(&plain_sum_) && in.Get(&weighted_sum_);
  }

  int period_;
  double divider_;
  Ring<double> window_;      // the last `period` committed closes
  double plain_sum_ = 0;     // TA-Lib's periodSub
  double weighted_sum_ = 0;  // TA-Lib's periodSum
};

}  // namespace

std::unique_ptr<Indicator> MakeSma(int period) { return std::make_unique<Sma>(period); }
std::unique_ptr<Indicator> MakeEma(int period) {
  return std::make_unique<EmaChain<1>>("ema", period);
}
std::unique_ptr<Indicator> MakeDema(int period) {
  return std::make_unique<EmaChain<2>>("dema", period);
}
std::unique_ptr<Indicator> MakeTema(int period) {
  return std::make_unique<EmaChain<3>>("tema", period);
}
std::unique_ptr<Indicator> MakeWma(int period) { return std::make_unique<Wma>(period); }

}  // namespace rtml::process::indicators
