// Momentum and rate of change of close with TA-Lib's definitions: the newest close
// against the close `period` bars before.
#include <memory>

#include "factories.h"
#include "indicator_base.h"
#include "ring.h"

namespace rtml::process::indicators {
namespace {

class CloseChange final : public IndicatorBase {
 public:
  enum class Kind { kMomentum, kRateOfChange };

  CloseChange(Kind kind, int period)
      : IndicatorBase({FeatureName(kind == Kind::kMomentum ? "mom" : "roc", {double(period)})},
                      period),
        kind_(kind),
        closes_(period) {}

 private:
  void Commit(const Bar& bar) override { closes_.Push(bar.close); }
  void Compute(const Bar& newest, std::span<double> out) const override {
    const double before = closes_.oldest();  // `period` bars before the newest
    if (kind_ == Kind::kMomentum) {
      out[0] = newest.close - before;
    } else {
      out[0] = before != 0.0 ? ((newest.close / before) - 1.0) * 100.0 : 0.0;  // as TA-Lib
    }
  }
  void SaveCommitted(StateWriter& out) const override { closes_.Save(out); }
  bool RestoreCommitted(StateReader& in) override { return closes_.Restore(in); }

  Kind kind_;
  Ring<double> closes_;  // the last `period` committed closes
};

}  // namespace

std::unique_ptr<Indicator> MakeMom(int period) {
  return std::make_unique<CloseChange>(CloseChange::Kind::kMomentum, period);
}
std::unique_ptr<Indicator> MakeRoc(int period) {
  return std::make_unique<CloseChange>(CloseChange::Kind::kRateOfChange, period);
}

}  // namespace rtml::process::indicators
