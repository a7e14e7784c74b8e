// MACD with TA-Lib's alignment: both EMAs give their first value at bar slow - 1, so
// the fast EMA is seeded with the mean of bars [slow - fast, slow - 1] (it ignores
// the bars before); the signal is an EMA of the MACD line from its first value.
#include <memory>

#include "factories.h"
#include "indicator_base.h"
#include "stages.h"

namespace rtml::process::indicators {
namespace {

class Macd final : public IndicatorBase {
 public:
  Macd(int fast, int slow, int signal)
      : IndicatorBase({FeatureName("macd", {double(fast), double(slow), double(signal)}),
                       FeatureName("macd_signal", {double(fast), double(slow), double(signal)}),
                       FeatureName("macd_hist", {double(fast), double(slow), double(signal)})},
                      (slow - 1) + (signal - 1)),
        fast_start_(slow - fast),
        fast_(fast),
        slow_(slow),
        signal_(signal) {}

 private:
  // The MACD line if `x` is the newest close; valid once slow_ emits.
  double Line(double x) const { return fast_.Peek(x) - slow_.Peek(x); }

  void Commit(const Bar& bar) override {
    const double x = bar.close;
    if (slow_.emits()) signal_.Commit(Line(x));
    if (newest_index() >= fast_start_) fast_.Commit(x);
    slow_.Commit(x);
  }
  void Compute(const Bar& newest, std::span<double> out) const override {
    const double line = Line(newest.close);
    const double signal = signal_.Peek(line);
    out[0] = line;
    out[1] = signal;
    out[2] = line - signal;
  }
  void SaveCommitted(StateWriter& out) const override {
    fast_.Save(out);
    slow_.Save(out);
    signal_.Save(out);
  }
  bool RestoreCommitted(StateReader& in) override {
    return fast_.Restore(in) && slow_.Restore(in) && signal_.Restore(in);
  }

  int64_t fast_start_;  // the first bar the fast EMA reads
  Ema fast_;
  Ema slow_;
  Ema signal_;
};

}  // namespace

std::unique_ptr<Indicator> MakeMacd(int fast, int slow, int signal) {
  return std::make_unique<Macd>(fast, slow, signal);
}

}  // namespace rtml::process::indicators
