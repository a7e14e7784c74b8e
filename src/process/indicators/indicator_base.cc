#include "indicator_base.h"

#include <cassert>
#include <charconv>
#include <iterator>
#include <limits>
#include <utility>

namespace rtml::process::indicators {
namespace {

// Bumped whenever an indicator's state layout changes, so older bytes are refused.
constexpr std::string_view kStateVersion = "v1";

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::string FormatParam(double param) {
  char text[64];
  std::to_chars_result result =
      std::to_chars(std::begin(text), std::end(text), param, std::chars_format::fixed);
  if (result.ec != std::errc()) {  // too long in fixed notation
    result = std::to_chars(std::begin(text), std::end(text), param);
  }
  return std::string(text, result.ptr);
}

std::string FeatureName(std::string_view kind, std::initializer_list<double> params) {
  std::string name(kind);
  for (double param : params) name += "_" + FormatParam(param);
  return name;
}

IndicatorBase::IndicatorBase(std::vector<std::string> output_names, int lookback)
    : output_names_(std::move(output_names)),
      lookback_(lookback),
      values_(output_names_.size(), kNaN) {
  assert(!output_names_.empty() && lookback_ >= 0);
  state_tag_ = output_names_[0] + "/" + std::string(kStateVersion);
}

void IndicatorBase::Update(const Candle& bar) {
  if (bars_ > 0) Commit(newest_);
  newest_ = Bar::Of(bar);
  ++bars_;
  Refresh();
}

void IndicatorBase::ReplaceLast(const Candle& bar) {
  if (bars_ == 0) return Update(bar);
  newest_ = Bar::Of(bar);
  Refresh();
}

double IndicatorBase::value(size_t output) const {
  assert(output < values_.size());
  return values_[output];
}

void IndicatorBase::Refresh() {
  if (ready()) {
    Compute(newest_, values_);
  } else {
    values_.assign(values_.size(), kNaN);
  }
}

std::string IndicatorBase::SaveState() const {
  StateWriter out(state_tag_);
  out.Put(bars_);
  out.Put(newest_);
  SaveCommitted(out);
  return out.Take();
}

Status IndicatorBase::RestoreState(std::string_view bytes) {
  const std::string before = SaveState();
  if (Load(bytes)) return Status::Ok();
  [[maybe_unused]] const bool restored = Load(before);
  assert(restored);
  return Status::InvalidArgument("not a saved state of indicator " + output_names_[0] + " (state " +
                                 std::string(kStateVersion) + ")");
}

bool IndicatorBase::Load(std::string_view bytes) {
  StateReader in(bytes, state_tag_);
  int64_t bars = 0;
  Bar newest;
  if (!in.Get(&bars) || bars < 0 || !in.Get(&newest)) return false;
  if (!RestoreCommitted(in) || !in.done()) return false;
  bars_ = bars;
  newest_ = newest;
  Refresh();
  return true;
}

}  // namespace rtml::process::indicators
