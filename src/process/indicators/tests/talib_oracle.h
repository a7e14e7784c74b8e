// The shared harness of the indicator tests: the real one-month series of 1-minute
// BTC-PERP candles, TA-Lib run over it, and checks that an indicator made by name
// (MakeIndicator) gives TA-Lib's values and keeps the streaming contract.
//
// Typical use:
//   class RsiTest : public TaLibOracleTest {};
//   TEST_F(RsiTest, MatchesTaLib) {
//     const TaLibResult rsi = RunTaLib(1, [&](int end, int* begin, int* count, double** out) {
//       return TA_RSI(0, end, series().close.data(), 14, begin, count, out[0]);
//     });
//     ExpectMatchesTaLib(series(), "rsi_14", rsi);
//     ExpectStreamingContract(series(), "rsi_14", "ema_14");
//   }
#pragma once

#include <ta_func.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "rtml/process/candle.h"

namespace rtml::process::testing {

// Candles, and their fields as arrays for TA-Lib.
struct CandleSeries {
  std::vector<Candle> candles;
  std::vector<double> open, high, low, close, volume, vwap;
};

// Read by CandleFileReader (candle_file.h); the file has no vwap, so each candle's
// vwap is its typical price (high + low + close) / 3. Fails the test (ASSERT_*) if
// the file cannot be read.
void LoadRealCandles(CandleSeries* series);

// TA-Lib's outputs over a series: values[o][i] is output o for bar begin + i.
struct TaLibResult {
  int begin = 0;
  std::vector<std::vector<double>> values;
};

// Calls `call(end_idx, &begin, &count, out)` where end_idx is the last bar and out[o]
// is a buffer of bars() doubles for output o; fails the test unless it returns
// TA_SUCCESS.
using TaLibCall = std::function<TA_RetCode(int end_idx, int* begin, int* count, double** out)>;
TaLibResult RunTaLib(const CandleSeries& series, size_t outputs, const TaLibCall& call);

// How close two runs came: over how many (bar, output) values, the largest relative
// difference (absolute near 0), and the bar where it was.
struct Agreement {
  int64_t compared = 0;
  double max_error = 0;
  int64_t worst_bar = -1;
};

// |a - b| / max(|a|, |b|), or |a - b| when both are below 1 in magnitude; 0 if both
// are NaN.
double Difference(double a, double b);

// Fails unless the indicator `name` fed the whole series by Update() gives, for every
// output and every bar from TA-Lib's first on, TA-Lib's value within 1e-9
// (`tolerance`), with lookback() = TA-Lib's begin and NaN on the bars before.
// Reports the first mismatching bar. Returns how close it came.
Agreement ExpectMatchesTaLib(const CandleSeries& series, std::string_view name,
                             const TaLibResult& talib, double tolerance = 1e-9);

// Compares the indicator `name` fed `series` by Update() with `expected(bar, output)`,
// as ExpectMatchesTaLib() does with TA-Lib (for indicators TA-Lib lacks).
Agreement ExpectMatchesReference(const CandleSeries& series, std::string_view name,
                                 int expected_lookback,
                                 const std::function<double(size_t bar, size_t output)>& expected,
                                 double tolerance = 1e-9);

// A bar as it may look before it is final: stage 0 has the open only (no volume),
// stage 1 half of the way to the final high, low, close and volume.
Candle PartialBar(const Candle& final_bar, int stage);

// The streaming contract of the indicator `name` over `series`:
// - every bar arrives as PartialBar 0 (Update), PartialBar 1 (ReplaceLast), then the
//   final bar (ReplaceLast); after each version the values equal those of an
//   indicator fed the final bars before it and that version by Update(), and after
//   the final version those of a fresh indicator fed only final bars (1e-9);
// - SaveState() mid-series, RestoreState() into a fresh indicator and into one that
//   saw other bars, then the same bars to all: identical values; RestoreState() of a
//   fresh indicator's bytes resets one;
// - RestoreState() of `other_name`'s bytes, or of truncated bytes, is
//   InvalidArgument and leaves the indicator unchanged.
void ExpectStreamingContract(const CandleSeries& series, std::string_view name,
                             std::string_view other_name);

// A fixture that loads the real candles once for every test that uses it.
class TaLibOracleTest : public ::testing::Test {
 protected:
  void SetUp() override;
  static const CandleSeries& series();
  static int end_idx() { return static_cast<int>(series().candles.size()) - 1; }
  TaLibResult RunTaLib(size_t outputs, const TaLibCall& call) const {
    return testing::RunTaLib(series(), outputs, call);
  }
};

}  // namespace rtml::process::testing
