#include "talib_oracle.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "rtml/process/candle_file.h"
#include "rtml/process/indicators/indicator.h"
#include "testing.h"

namespace rtml::process::testing {
namespace {

constexpr char kRealCandles[] = "ohlcv/ftx_btc-perp_20211231-20220201_1m.csv.gz";

std::string Describe(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

std::unique_ptr<Indicator> Make(std::string_view name) {
  Result<std::unique_ptr<Indicator>> made = MakeIndicator(name);
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  return made.ok() ? std::move(made).value() : nullptr;
}

// Fails (once) unless every output of `actual` is within `tolerance` of `expected`'s;
// `where` says which bar and version.
bool ExpectSameValues(const Indicator& actual, const Indicator& expected, double tolerance,
                      const std::string& where) {
  for (size_t output = 0; output < expected.output_names().size(); ++output) {
    const double a = actual.value(output);
    const double e = expected.value(output);
    if (Difference(a, e) > tolerance) {
      ADD_FAILURE() << expected.output_names()[output] << " " << where << ": " << Describe(a)
                    << ", expected " << Describe(e);
      return false;
    }
  }
  return true;
}

}  // namespace

void LoadRealCandles(CandleSeries* series) {
  const std::filesystem::path dir = rtml::testing::RealDataDir();
  ASSERT_REAL_DATA(dir);
  Result<std::vector<Candle>> candles =
      ReadCandleFile((dir / kRealCandles).string(), {.pair = "BTC-PERP", .candle_seconds = 60});
  ASSERT_TRUE(candles.ok()) << candles.status().ToString();
  *series = CandleSeries();
  for (const Candle& candle : *candles) {
    series->candles.push_back(candle);
    series->open.push_back(candle.open);
    series->high.push_back(candle.high);
    series->low.push_back(candle.low);
    series->close.push_back(candle.close);
    series->volume.push_back(candle.volume);
    series->vwap.push_back(candle.vwap);
  }
}

TaLibResult RunTaLib(const CandleSeries& series, size_t outputs, const TaLibCall& call) {
  const int bars = static_cast<int>(series.candles.size());
  TaLibResult result;
  result.values.assign(outputs, std::vector<double>(bars));
  std::vector<double*> out;
  for (std::vector<double>& values : result.values) out.push_back(values.data());
  int count = 0;
  const TA_RetCode code = call(bars - 1, &result.begin, &count, out.data());
  EXPECT_EQ(code, TA_SUCCESS);
  for (std::vector<double>& values : result.values) values.resize(code == TA_SUCCESS ? count : 0);
  return result;
}

double Difference(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return 0;
  if (std::isnan(a) || std::isnan(b)) return INFINITY;
  return std::abs(a - b) / std::max({1.0, std::abs(a), std::abs(b)});
}

Agreement ExpectMatchesReference(const CandleSeries& series, std::string_view name,
                                 int expected_lookback,
                                 const std::function<double(size_t bar, size_t output)>& expected,
                                 double tolerance) {
  Agreement agreement;
  std::unique_ptr<Indicator> indicator = Make(name);
  if (indicator == nullptr) return agreement;
  EXPECT_EQ(indicator->lookback(), expected_lookback) << name;
  const size_t outputs = indicator->output_names().size();
  for (size_t bar = 0; bar < series.candles.size(); ++bar) {
    indicator->Update(series.candles[bar]);
    for (size_t output = 0; output < outputs; ++output) {
      const double actual = indicator->value(output);
      if (static_cast<int64_t>(bar) < expected_lookback) {
        if (!std::isnan(actual)) {
          ADD_FAILURE() << indicator->output_names()[output] << " at bar " << bar
                        << " (before its first value at bar " << expected_lookback
                        << "): " << Describe(actual) << ", expected NaN";
          return agreement;
        }
        continue;
      }
      const double want = expected(bar, output);
      const double error = Difference(actual, want);
      ++agreement.compared;
      if (error > agreement.max_error) {
        agreement.max_error = error;
        agreement.worst_bar = static_cast<int64_t>(bar);
      }
      if (error > tolerance) {
        ADD_FAILURE() << indicator->output_names()[output] << " first differs at bar " << bar
                      << " of " << series.candles.size() << ": " << Describe(actual)
                      << ", expected " << Describe(want) << " (difference " << error << ")";
        return agreement;
      }
    }
  }
  std::printf("[ oracle   ] %s: %lld values compared, max difference %.3g",
              std::string(name).c_str(), static_cast<long long>(agreement.compared),
              agreement.max_error);
  if (agreement.worst_bar >= 0)
    std::printf(" (bar %lld)", static_cast<long long>(agreement.worst_bar));
  std::printf("\n");
  return agreement;
}

Agreement ExpectMatchesTaLib(const CandleSeries& series, std::string_view name,
                             const TaLibResult& talib, double tolerance) {
  if (talib.values.empty() || talib.values[0].empty()) {
    ADD_FAILURE() << name << ": TA-Lib gave no values";
    return {};
  }
  const size_t expected_bars = series.candles.size() - static_cast<size_t>(talib.begin);
  for (const std::vector<double>& values : talib.values) {
    EXPECT_EQ(values.size(), expected_bars) << name;
    if (values.size() != expected_bars) return {};
  }
  {
    std::unique_ptr<Indicator> indicator = Make(name);
    if (indicator == nullptr) return {};
    EXPECT_EQ(indicator->output_names().size(), talib.values.size()) << name;
    if (indicator->output_names().size() != talib.values.size()) return {};
  }
  return ExpectMatchesReference(
      series, name, talib.begin,
      [&](size_t bar, size_t output) { return talib.values[output][bar - talib.begin]; },
      tolerance);
}

Candle PartialBar(const Candle& final_bar, int stage) {
  Candle bar = final_bar;
  if (stage == 0) {
    bar.high = bar.low = bar.close = bar.vwap = bar.open;
    bar.volume = 0;
    bar.trade_count = 0;
  } else {
    bar.high = bar.open + (final_bar.high - bar.open) / 2;
    bar.low = bar.open - (bar.open - final_bar.low) / 2;
    bar.close = (bar.open + final_bar.close) / 2;
    bar.vwap = (bar.open + final_bar.vwap) / 2;
    bar.volume = final_bar.volume / 2;
    bar.trade_count = final_bar.trade_count / 2;
  }
  return bar;
}

namespace {

void ExpectReplaceLastMatchesUpdate(const CandleSeries& series, std::string_view name) {
  std::unique_ptr<Indicator> streamed = Make(name);
  std::unique_ptr<Indicator> reference = Make(name);  // final bars only
  std::unique_ptr<Indicator> version = Make(name);    // reference + one version by Update()
  if (streamed == nullptr || reference == nullptr || version == nullptr) return;
  for (size_t bar = 0; bar < series.candles.size(); ++bar) {
    const Candle& final_bar = series.candles[bar];
    const std::string before = reference->SaveState();
    for (int stage = 0; stage < 3; ++stage) {
      const Candle candle = stage < 2 ? PartialBar(final_bar, stage) : final_bar;
      if (stage == 0) {
        streamed->Update(candle);
      } else {
        streamed->ReplaceLast(candle);
      }
      if (stage < 2) {
        ASSERT_OK(version->RestoreState(before));
        version->Update(candle);
      } else {
        reference->Update(candle);
      }
      const Indicator& expected = stage < 2 ? *version : *reference;
      ASSERT_EQ(streamed->bars(), expected.bars());
      if (!ExpectSameValues(*streamed, expected, 1e-9,
                            "after ReplaceLast, bar " + std::to_string(bar) + " version " +
                                std::to_string(stage))) {
        return;
      }
    }
  }
}

void ExpectSaveRestoreContinues(const CandleSeries& series, std::string_view name) {
  const size_t mid = series.candles.size() / 2;
  std::unique_ptr<Indicator> original = Make(name);
  std::unique_ptr<Indicator> fresh = Make(name);
  std::unique_ptr<Indicator> used = Make(name);  // saw other bars before the restore
  if (original == nullptr || fresh == nullptr || used == nullptr) return;
  for (size_t bar = 0; bar < mid; ++bar) original->Update(series.candles[bar]);
  original->Update(PartialBar(series.candles[mid], 1));  // a newest bar still changing
  for (size_t bar = mid; bar < mid + 500; ++bar) used->Update(series.candles[bar]);
  // The state of an indicator that saw nothing resets one.
  ASSERT_OK(used->RestoreState(fresh->SaveState()));
  EXPECT_EQ(used->bars(), 0);
  EXPECT_EQ(used->SaveState(), fresh->SaveState());
  for (size_t bar = mid; bar < mid + 500; ++bar) used->Update(series.candles[bar]);

  const std::string bytes = original->SaveState();
  ASSERT_OK(fresh->RestoreState(bytes));
  ASSERT_OK(used->RestoreState(bytes));
  EXPECT_EQ(fresh->SaveState(), bytes);
  for (size_t bar = mid; bar < series.candles.size(); ++bar) {
    for (Indicator* indicator : {original.get(), fresh.get(), used.get()}) {
      if (bar == mid) {
        indicator->ReplaceLast(series.candles[bar]);
      } else {
        indicator->Update(series.candles[bar]);
      }
    }
    for (const Indicator* restored : {fresh.get(), used.get()}) {
      ASSERT_EQ(restored->bars(), original->bars());
      if (!ExpectSameValues(*restored, *original, 0,
                            "after RestoreState, bar " + std::to_string(bar))) {
        return;
      }
    }
  }
}

void ExpectForeignStateRefused(const CandleSeries& series, std::string_view name,
                               std::string_view other_name) {
  std::unique_ptr<Indicator> indicator = Make(name);
  std::unique_ptr<Indicator> other = Make(other_name);
  if (indicator == nullptr || other == nullptr) return;
  for (size_t bar = 0; bar < 1000; ++bar) {
    indicator->Update(series.candles[bar]);
    other->Update(series.candles[bar]);
  }
  const std::string before = indicator->SaveState();
  const std::string truncated = before.substr(0, before.size() - 1);
  for (const std::string& bytes : {other->SaveState(), truncated, before + "x", std::string()}) {
    const Status status = indicator->RestoreState(bytes);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument)
        << name << " restored from " << bytes.size() << " bytes: " << status.ToString();
    EXPECT_EQ(indicator->SaveState(), before) << name << " changed by a refused RestoreState";
  }
}

}  // namespace

void ExpectStreamingContract(const CandleSeries& series, std::string_view name,
                             std::string_view other_name) {
  SCOPED_TRACE(std::string(name));
  ExpectReplaceLastMatchesUpdate(series, name);
  ExpectSaveRestoreContinues(series, name);
  ExpectForeignStateRefused(series, name, other_name);
}

namespace {

CandleSeries& LoadedSeries() {
  static CandleSeries loaded;
  return loaded;
}

}  // namespace

void TaLibOracleTest::SetUp() {
  if (LoadedSeries().candles.empty()) {
    ASSERT_NO_FATAL_FAILURE(LoadRealCandles(&LoadedSeries()));
  }
}

const CandleSeries& TaLibOracleTest::series() { return LoadedSeries(); }

}  // namespace rtml::process::testing
