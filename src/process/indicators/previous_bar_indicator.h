// Internal: PreviousBarIndicator, the base of the indicators that compare each bar
// with the one before it (RSI, ATR, NATR, +DI, -DI, ADX, StochRSI, MFI): an
// IndicatorBase whose committed state also holds the last committed bar.
#pragma once

#include "indicator_base.h"
#include "state_bytes.h"

namespace rtml::process::indicators {

class PreviousBarIndicator : public IndicatorBase {
 protected:
  using IndicatorBase::IndicatorBase;

  // As IndicatorBase::Commit(), SaveCommitted() and RestoreCommitted(), without the
  // previous bar, which this class keeps.
  virtual void CommitBar(const Bar& bar) = 0;
  virtual void SaveRest(StateWriter& out) const = 0;
  virtual bool RestoreRest(StateReader& in) = 0;

  // True if the newest bar (the one Compute() or CommitBar() is given) has one
  // before it.
  bool has_previous() const { return newest_index() >= 1; }
  // The bar before the newest. REQUIRES: has_previous().
  const Bar& previous() const { return previous_; }

 private:
  void Commit(const Bar& bar) final {
    CommitBar(bar);
    previous_ = bar;
  }
  void SaveCommitted(StateWriter& out) const final {
    out.Put(previous_);
    SaveRest(out);
  }
  bool RestoreCommitted(StateReader& in) final { return in.Get(&previous_) && RestoreRest(in); }

  Bar previous_;
};

}  // namespace rtml::process::indicators
