// MakeIndicator() and IndicatorKinds(): one table of every kind, its parameters and
// its factory. Adding a kind is adding one entry to Entries().
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>
#include <vector>

#include "factories.h"
#include "indicator_base.h"
#include "oscillators.h"
#include "rtml/process/indicators/indicator.h"

namespace rtml::process {
namespace {

// One parameter of a kind: its name in messages and its range.
struct Param {
  std::string_view name;
  double min;
  double max;
  bool whole = true;  // an integer, e.g. a period
};

constexpr double kMaxPeriod = 100000;  // TA-Lib's bound on periods
constexpr Param kPeriod{"period", 2, kMaxPeriod};
constexpr Param kShortPeriod{"period", 1, kMaxPeriod};

// The parameters of one name, checked against the kind's Params.
class Params {
 public:
  explicit Params(std::vector<double> values) : values_(std::move(values)) {}
  int Int(size_t i) const { return static_cast<int>(values_.at(i)); }
  double Real(size_t i) const { return values_.at(i); }

 private:
  std::vector<double> values_;
};

struct Entry {
  IndicatorKind kind;
  std::vector<Param> params;
  std::unique_ptr<Indicator> (*make)(const Params&);
  // Checks between parameters: the problem, or "" if none.
  std::string (*check)(const Params&) = nullptr;
};

std::string CheckMacd(const Params& p) {
  if (p.Int(0) < p.Int(1)) return "";
  return "fast (" + std::to_string(p.Int(0)) + ") must be below slow (" + std::to_string(p.Int(1)) +
         ")";
}

const std::vector<Entry>& Entries() {
  using namespace indicators;  // NOLINT: the factories
  static const std::vector<Entry> entries = {
      {{"sma", "sma_<period>", "sma_20", "simple moving average of close (TA_SMA)"},
       {kPeriod},
       [](const Params& p) { return MakeSma(p.Int(0)); }},
      {{"ema", "ema_<period>", "ema_21",
        "exponential moving average of close, seeded with an SMA (TA_EMA)"},
       {kPeriod},
       [](const Params& p) { return MakeEma(p.Int(0)); }},
      {{"wma", "wma_<period>", "wma_20", "linearly weighted moving average of close (TA_WMA)"},
       {kPeriod},
       [](const Params& p) { return MakeWma(p.Int(0)); }},
      {{"dema", "dema_<period>", "dema_21", "double exponential moving average (TA_DEMA)"},
       {kPeriod},
       [](const Params& p) { return MakeDema(p.Int(0)); }},
      {{"tema", "tema_<period>", "tema_21", "triple exponential moving average (TA_TEMA)"},
       {kPeriod},
       [](const Params& p) { return MakeTema(p.Int(0)); }},
      {{"macd", "macd_<fast>_<slow>_<signal>", "macd_12_26_9",
        "MACD line, signal and histogram: macd_F_S_G, macd_signal_F_S_G, macd_hist_F_S_G "
        "(TA_MACD)"},
       {{"fast", 2, kMaxPeriod}, {"slow", 2, kMaxPeriod}, {"signal", 2, kMaxPeriod}},
       [](const Params& p) { return MakeMacd(p.Int(0), p.Int(1), p.Int(2)); },
       CheckMacd},
      {{"bbands", "bbands_<period>_<k>", "bbands_20_2",
        "Bollinger Bands: SMA +- k population standard deviations: bbands_upper_N_K, "
        "bbands_middle_N_K, bbands_lower_N_K (TA_BBANDS)"},
       {kPeriod, {"k", 0, 1000, /*whole=*/false}},
       [](const Params& p) { return MakeBbands(p.Int(0), p.Real(1)); }},
      {{"stddev", "stddev_<period>", "stddev_20",
        "population standard deviation of close (TA_STDDEV)"},
       {kPeriod},
       [](const Params& p) { return MakeStddev(p.Int(0)); }},
      {{"roc", "roc_<period>", "roc_10", "rate of change of close in percent (TA_ROC)"},
       {kShortPeriod},
       [](const Params& p) { return MakeRoc(p.Int(0)); }},
      {{"mom", "mom_<period>", "mom_10", "momentum: close minus close n bars ago (TA_MOM)"},
       {kShortPeriod},
       [](const Params& p) { return MakeMom(p.Int(0)); }},
      {{"obv", "obv", "obv", "on-balance volume from the first bar (TA_OBV)"},
       {},
       [](const Params&) { return MakeObv(); }},
      {{"vwap", "vwap_<period>", "vwap_20",
        "volume-weighted average price of the last n candles: sum(vwap * volume) / "
        "sum(volume), NaN if their volume is 0"},
       {kPeriod},
       [](const Params& p) { return MakeVwap(p.Int(0)); }},
      {{"rsi", "rsi_<period>", "rsi_14",
        "relative strength index of close with Wilder's smoothing (TA_RSI)"},
       {kPeriod},
       [](const Params& p) { return MakeRsi(p.Int(0)); }},
      {{"atr", "atr_<period>", "atr_14", "average true range, Wilder's smoothing (TA_ATR)"},
       {kShortPeriod},
       [](const Params& p) { return MakeAtr(p.Int(0)); }},
      {{"natr", "natr_<period>", "natr_14", "average true range in percent of close (TA_NATR)"},
       {kPeriod},
       [](const Params& p) { return MakeNatr(p.Int(0)); }},
      {{"adx", "adx_<period>", "adx_14", "average directional index (TA_ADX)"},
       {kPeriod},
       [](const Params& p) { return MakeAdx(p.Int(0)); }},
      {{"plus_di", "plus_di_<period>", "plus_di_14", "plus directional indicator (TA_PLUS_DI)"},
       {kPeriod},
       [](const Params& p) { return MakePlusDi(p.Int(0)); }},
      {{"minus_di", "minus_di_<period>", "minus_di_14",
        "minus directional indicator (TA_MINUS_DI)"},
       {kPeriod},
       [](const Params& p) { return MakeMinusDi(p.Int(0)); }},
      {{"stoch", "stoch_<fastk>_<slowk>_<slowd>", "stoch_5_3_3",
        "slow stochastic with SMA smoothing: stoch_k_F_K_D, stoch_d_F_K_D (TA_STOCH)"},
       {{"fastk", 1, kMaxPeriod}, {"slowk", 1, kMaxPeriod}, {"slowd", 1, kMaxPeriod}},
       [](const Params& p) { return MakeStoch(p.Int(0), p.Int(1), p.Int(2)); }},
      {{"stochrsi", "stochrsi_<period>_<fastk>_<fastd>", "stochrsi_14_14_3",
        "stochastic of the RSI, SMA %D: stochrsi_k_N_K_D, stochrsi_d_N_K_D (TA_STOCHRSI)"},
       {kPeriod, {"fastk", 1, kMaxPeriod}, {"fastd", 1, kMaxPeriod}},
       [](const Params& p) { return MakeStochRsi(p.Int(0), p.Int(1), p.Int(2)); }},
      {{"cci", "cci_<period>", "cci_20", "commodity channel index (TA_CCI)"},
       {kPeriod},
       [](const Params& p) { return MakeCci(p.Int(0)); }},
      {{"mfi", "mfi_<period>", "mfi_14", "money flow index (TA_MFI)"},
       {kPeriod},
       [](const Params& p) { return MakeMfi(p.Int(0)); }},
      {{"willr", "willr_<period>", "willr_14", "Williams' %R (TA_WILLR)"},
       {kPeriod},
       [](const Params& p) { return MakeWillr(p.Int(0)); }},
  };
  return entries;
}

std::string KnownKinds() {
  std::string known;
  for (const Entry& entry : Entries()) {
    if (!known.empty()) known += ", ";
    known += entry.kind.kind;
  }
  return known;
}

// The entry whose kind `name` starts with (the longest, if several do).
const Entry* FindEntry(std::string_view name) {
  const Entry* found = nullptr;
  for (const Entry& entry : Entries()) {
    const std::string_view kind = entry.kind.kind;
    if (!name.starts_with(kind)) continue;
    if (name.size() > kind.size() && name[kind.size()] != '_') continue;
    if (found == nullptr || kind.size() > found->kind.kind.size()) found = &entry;
  }
  return found;
}

std::string ParamCountError(const Entry& entry) {
  const size_t count = entry.params.size();
  std::string message(entry.kind.kind);
  if (count == 0) {
    message += " takes no parameters";
  } else {
    message += " takes " + std::to_string(count) + (count == 1 ? " parameter" : " parameters");
  }
  return message + ": " + std::string(entry.kind.syntax) + ", e.g. " +
         std::string(entry.kind.example);
}

// Parses one parameter, written in its shortest form ("20", "2.5").
Result<double> ParseParam(std::string_view text, const Param& param) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool parsed = ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
  if (!parsed || (param.whole && value != std::floor(value))) {
    return Status::InvalidArgument(std::string(param.name) + " must be " +
                                   (param.whole ? "a whole number" : "a number") + ", got \"" +
                                   std::string(text) + "\"");
  }
  if (value < param.min || value > param.max) {
    return Status::InvalidArgument(
        std::string(param.name) + " must be between " + indicators::FormatParam(param.min) +
        " and " + indicators::FormatParam(param.max) + ", got " + std::string(text));
  }
  if (indicators::FormatParam(value) != text) {
    return Status::InvalidArgument(std::string(param.name) + " must be written as " +
                                   indicators::FormatParam(value) + ", got \"" + std::string(text) +
                                   "\"");
  }
  return value;
}

}  // namespace

Result<std::unique_ptr<Indicator>> MakeIndicator(std::string_view name) {
  const std::string quoted = "indicator \"" + std::string(name) + "\"";
  const Entry* entry = FindEntry(name);
  if (entry == nullptr) {
    return Status::InvalidArgument(quoted + ": unknown kind \"" +
                                   std::string(name.substr(0, name.find('_'))) +
                                   "\"; known kinds: " + KnownKinds());
  }
  std::vector<std::string_view> texts;
  std::string_view rest = name.substr(entry->kind.kind.size());
  while (!rest.empty()) {
    rest.remove_prefix(1);  // '_'
    const size_t cut = rest.find('_');
    texts.push_back(rest.substr(0, cut));
    rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut);
  }
  if (texts.size() != entry->params.size()) {
    return Status::InvalidArgument(quoted + ": " + ParamCountError(*entry));
  }
  std::vector<double> values;
  for (size_t i = 0; i < texts.size(); ++i) {
    Result<double> value = ParseParam(texts[i], entry->params[i]);
    if (!value.ok()) {
      return Status::InvalidArgument(quoted + ": " + value.status().message() + " (" +
                                     std::string(entry->kind.syntax) + ")");
    }
    values.push_back(*value);
  }
  const Params params(std::move(values));
  if (entry->check != nullptr) {
    if (std::string problem = entry->check(params); !problem.empty()) {
      return Status::InvalidArgument(quoted + ": " + problem + " (" +
                                     std::string(entry->kind.syntax) + ")");
    }
  }
  return entry->make(params);
}

const std::vector<IndicatorKind>& IndicatorKinds() {
  static const std::vector<IndicatorKind> kinds = [] {
    std::vector<IndicatorKind> all;
    for (const Entry& entry : Entries()) all.push_back(entry.kind);
    return all;
  }();
  return kinds;
}

}  // namespace rtml::process
