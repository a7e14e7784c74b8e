// Wilder's family: RSI, ATR, NATR, +DI, -DI and ADX, with TA-Lib's seeds and order
// of operations (TA_RSI, TA_ATR, TA_NATR, TA_PLUS_DI, TA_MINUS_DI, TA_ADX).
#include <cmath>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "indicator_base.h"
#include "oscillators.h"
#include "previous_bar_indicator.h"
#include "wilder_smoothing.h"

namespace rtml::process::indicators {
namespace {

std::string Named(std::string_view kind, int period) {
  return FeatureName(kind, {static_cast<double>(period)});
}

// The largest of high - low and the distances of high and low from the previous
// close (TA_TRANGE).
double TrueRange(const Bar& previous, const Bar& bar) {
  double greatest = bar.high - bar.low;
  const double from_high = std::fabs(previous.close - bar.high);
  if (from_high > greatest) greatest = from_high;
  const double from_low = std::fabs(previous.close - bar.low);
  if (from_low > greatest) greatest = from_low;
  return greatest;
}

// rsi_<n>: TA_RSI over closes.
class Rsi final : public PreviousBarIndicator {
 public:
  explicit Rsi(int period) : PreviousBarIndicator({Named("rsi", period)}, period), rsi_(period) {}

 private:
  double Change(const Bar& bar) const { return bar.close - previous().close; }

  void Compute(const Bar& newest, std::span<double> out) const override {
    out[0] = rsi_.Peek(Change(newest));
  }
  void CommitBar(const Bar& bar) override {
    if (has_previous()) rsi_.Commit(Change(bar));
  }
  void SaveRest(StateWriter& out) const override { rsi_.Save(out); }
  bool RestoreRest(StateReader& in) override { return rsi_.Restore(in); }

  WilderRsi rsi_;
};

// atr_<n> (TA_ATR), and natr_<n> (TA_NATR): the ATR in percent of the close.
class AverageTrueRange final : public PreviousBarIndicator {
 public:
  AverageTrueRange(std::string_view kind, int period, bool normalized)
      : PreviousBarIndicator({Named(kind, period)}, period),
        normalized_(normalized),
        atr_(period) {}

 private:
  void Compute(const Bar& newest, std::span<double> out) const override {
    const double atr = atr_.Peek(TrueRange(previous(), newest));
    if (!normalized_) {
      out[0] = atr;
    } else {
      out[0] = TaLibIsZero(newest.close) ? 0.0 : (atr / newest.close) * 100.0;
    }
  }
  void CommitBar(const Bar& bar) override {
    if (has_previous()) atr_.Commit(TrueRange(previous(), bar));
  }
  void SaveRest(StateWriter& out) const override { atr_.Save(out); }
  bool RestoreRest(StateReader& in) override { return atr_.Restore(in); }

  bool normalized_;
  WilderMean atr_;
};

// +DI, -DI and ADX share Wilder's smoothed sums of the directional movements and of
// the true range.
enum class DirectionalLine { kPlusDi, kMinusDi, kAdx };

class Directional final : public PreviousBarIndicator {
 public:
  Directional(std::string_view kind, int period, DirectionalLine line)
      : PreviousBarIndicator({Named(kind, period)},
                             line == DirectionalLine::kAdx ? 2 * period - 1 : period),
        period_(period),
        line_(line),
        plus_dm_(period),
        minus_dm_(period),
        true_range_(period),
        adx_(period) {}

 private:
  // What one bar adds to the smoothed sums.
  struct Move {
    double plus_dm = 0;
    double minus_dm = 0;
    double true_range = 0;
  };
  struct Lines {
    double plus_di = 0;
    double minus_di = 0;
    // The DX, which feeds the ADX; none for a bar without range or without
    // directional movement, which leaves the ADX as it is.
    std::optional<double> dx;
  };

  Move MoveOf(const Bar& bar) const {
    const double up = bar.high - previous().high;
    const double down = previous().low - bar.low;
    Move move;
    if (down > 0 && up < down) {
      move.minus_dm = down;
    } else if (up > 0 && up > down) {
      move.plus_dm = up;
    }
    move.true_range = TrueRange(previous(), bar);
    return move;
  }
  // The lines once `move` is added to the smoothed sums.
  Lines LinesWith(const Move& move) const {
    const double true_range = true_range_.Peek(move.true_range);
    Lines lines;
    if (TaLibIsZero(true_range)) return lines;
    lines.plus_di = 100.0 * (plus_dm_.Peek(move.plus_dm) / true_range);
    lines.minus_di = 100.0 * (minus_dm_.Peek(move.minus_dm) / true_range);
    const double both = lines.minus_di + lines.plus_di;
    if (!TaLibIsZero(both)) lines.dx = 100.0 * (std::fabs(lines.minus_di - lines.plus_di) / both);
    return lines;
  }
  // True from bar `period` on, the first whose smoothed sums are seeded.
  bool has_dx() const { return newest_index() >= period_; }

  void Compute(const Bar& newest, std::span<double> out) const override {
    const Lines lines = LinesWith(MoveOf(newest));
    switch (line_) {
      case DirectionalLine::kPlusDi:
        out[0] = lines.plus_di;
        break;
      case DirectionalLine::kMinusDi:
        out[0] = lines.minus_di;
        break;
      case DirectionalLine::kAdx:
        out[0] = adx_.Peek(lines.dx);
        break;
    }
  }
  void CommitBar(const Bar& bar) override {
    if (!has_previous()) return;
    const Move move = MoveOf(bar);
    if (line_ == DirectionalLine::kAdx && has_dx()) adx_.Commit(LinesWith(move).dx);
    plus_dm_.Commit(move.plus_dm);
    minus_dm_.Commit(move.minus_dm);
    true_range_.Commit(move.true_range);
  }
  void SaveRest(StateWriter& out) const override {
    plus_dm_.Save(out);
    minus_dm_.Save(out);
    true_range_.Save(out);
    adx_.Save(out);
  }
  bool RestoreRest(StateReader& in) override {
    return plus_dm_.Restore(in) && minus_dm_.Restore(in) && true_range_.Restore(in) &&
           adx_.Restore(in);
  }

  int period_;
  DirectionalLine line_;
  WilderSum plus_dm_;
  WilderSum minus_dm_;
  WilderSum true_range_;
  WilderMean adx_;
};

}  // namespace

std::unique_ptr<Indicator> MakeRsi(int period) { return std::make_unique<Rsi>(period); }

std::unique_ptr<Indicator> MakeAtr(int period) {
  return std::make_unique<AverageTrueRange>("atr", period, /*normalized=*/false);
}

std::unique_ptr<Indicator> MakeNatr(int period) {
  return std::make_unique<AverageTrueRange>("natr", period, /*normalized=*/true);
}

std::unique_ptr<Indicator> MakeAdx(int period) {
  return std::make_unique<Directional>("adx", period, DirectionalLine::kAdx);
}

std::unique_ptr<Indicator> MakePlusDi(int period) {
  return std::make_unique<Directional>("plus_di", period, DirectionalLine::kPlusDi);
}

std::unique_ptr<Indicator> MakeMinusDi(int period) {
  return std::make_unique<Directional>("minus_di", period, DirectionalLine::kMinusDi);
}

}  // namespace rtml::process::indicators
