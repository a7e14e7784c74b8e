// Standard deviation and Bollinger Bands with TA-Lib's definitions: the population
// standard deviation over `period` closes, as sqrt(mean of squares - square of mean)
// from running sums, and 0 where that difference is below TA-Lib's epsilon.
#include <cmath>
#include <memory>

#include "factories.h"
#include "indicator_base.h"
#include "stages.h"

namespace rtml::process::indicators {
namespace {

constexpr double kTaLibEpsilon = 1e-14;

struct MeanAndDeviation {
  double mean;
  double deviation;
};

// The state both share: the sums of the last `period` closes.
class Deviation : public IndicatorBase {
 public:
  Deviation(std::vector<std::string> names, int period)
      : IndicatorBase(std::move(names), period - 1), period_(period), sums_(period) {}

 protected:
  // The mean and deviation of the last `period` closes, `newest` the last.
  MeanAndDeviation PeekAt(const Bar& newest) const {
    const PeriodSums::Sums s = sums_.Peek(newest.close);
    const double mean = s.sum / period_;
    const double variance = s.sum_of_squares / period_ - mean * mean;
    return {mean, variance < kTaLibEpsilon ? 0.0 : std::sqrt(variance)};
  }

 private:
  void Commit(const Bar& bar) override { sums_.Commit(bar.close); }
  void SaveCommitted(StateWriter& out) const override { sums_.Save(out); }
  bool RestoreCommitted(StateReader& in) override { return sums_.Restore(in); }

  int period_;
  PeriodSums sums_;
};

class Stddev final : public Deviation {
 public:
  explicit Stddev(int period) : Deviation({FeatureName("stddev", {double(period)})}, period) {}

 private:
  void Compute(const Bar& newest, std::span<double> out) const override {
    out[0] = PeekAt(newest).deviation;
  }
};

class Bbands final : public Deviation {
 public:
  Bbands(int period, double k)
      : Deviation({FeatureName("bbands_upper", {double(period), k}),
                   FeatureName("bbands_middle", {double(period), k}),
                   FeatureName("bbands_lower", {double(period), k})},
                  period),
        k_(k) {}

 private:
  void Compute(const Bar& newest, std::span<double> out) const override {
    const MeanAndDeviation m = PeekAt(newest);
    const double width = m.deviation * k_;
    out[0] = m.mean + width;
    out[1] = m.mean;
    out[2] = m.mean - width;
  }

  double k_;
};

}  // namespace

std::unique_ptr<Indicator> MakeStddev(int period) { return std::make_unique<Stddev>(period); }
std::unique_ptr<Indicator> MakeBbands(int period, double k) {
  return std::make_unique<Bbands>(period, k);
}

}  // namespace rtml::process::indicators
