// The oscillators (RSI, ATR, NATR, ADX, +DI, -DI, Stochastic, StochRSI, CCI, MFI,
// Williams %R) against TA-Lib: on the real month of 1-minute candles, on a series
// with flat stretches (every "divide by zero" branch), under thousands of
// ReplaceLast() calls, and through MakeIndicator().
#include <ta_func.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rtml/process/indicators/indicator.h"
#include "talib_oracle.h"
#include "testing.h"

namespace rtml::process::testing {
namespace {

// TA-Lib over a series, up to bar `end`.
using TaLibOver =
    std::function<TA_RetCode(const CandleSeries& s, int end, int* begin, int* count, double** out)>;

struct OscillatorCase {
  std::string name;        // as MakeIndicator() takes it
  std::string other_name;  // another indicator, whose state bytes `name` must refuse
  size_t outputs;
  TaLibOver talib;
};

void PrintTo(const OscillatorCase& c, std::ostream* os) { *os << c.name; }

// The TA-Lib calls of the kinds with high, low and close and one period.
TaLibOver Hlc(decltype(&TA_ATR) function, int period) {
  return [=](const CandleSeries& s, int end, int* begin, int* count, double** out) {
    return function(0, end, s.high.data(), s.low.data(), s.close.data(), period, begin, count,
                    out[0]);
  };
}

TaLibOver Rsi(int period) {
  return [=](const CandleSeries& s, int end, int* begin, int* count, double** out) {
    return TA_RSI(0, end, s.close.data(), period, begin, count, out[0]);
  };
}

TaLibOver Mfi(int period) {
  return [=](const CandleSeries& s, int end, int* begin, int* count, double** out) {
    return TA_MFI(0, end, s.high.data(), s.low.data(), s.close.data(), s.volume.data(), period,
                  begin, count, out[0]);
  };
}

TaLibOver Stoch(int fastk, int slowk, int slowd) {
  return [=](const CandleSeries& s, int end, int* begin, int* count, double** out) {
    return TA_STOCH(0, end, s.high.data(), s.low.data(), s.close.data(), fastk, slowk,
                    TA_MAType_SMA, slowd, TA_MAType_SMA, begin, count, out[0], out[1]);
  };
}

TaLibOver StochRsi(int period, int fastk, int fastd) {
  return [=](const CandleSeries& s, int end, int* begin, int* count, double** out) {
    return TA_STOCHRSI(0, end, s.close.data(), period, fastk, fastd, TA_MAType_SMA, begin, count,
                       out[0], out[1]);
  };
}

std::vector<OscillatorCase> Cases() {
  return {
      {"rsi_14", "rsi_21", 1, Rsi(14)},
      {"rsi_2", "rsi_14", 1, Rsi(2)},
      {"atr_14", "natr_14", 1, Hlc(TA_ATR, 14)},
      {"atr_1", "atr_2", 1, Hlc(TA_ATR, 1)},
      {"natr_14", "atr_14", 1, Hlc(TA_NATR, 14)},
      {"adx_14", "plus_di_14", 1, Hlc(TA_ADX, 14)},
      {"adx_2", "adx_3", 1, Hlc(TA_ADX, 2)},
      {"plus_di_14", "minus_di_14", 1, Hlc(TA_PLUS_DI, 14)},
      {"minus_di_14", "plus_di_14", 1, Hlc(TA_MINUS_DI, 14)},
      {"minus_di_2", "minus_di_14", 1, Hlc(TA_MINUS_DI, 2)},
      {"stoch_5_3_3", "stoch_5_3_4", 2, Stoch(5, 3, 3)},
      {"stoch_14_1_3", "stoch_14_3_3", 2, Stoch(14, 1, 3)},
      {"stoch_1_1_1", "stoch_5_3_3", 2, Stoch(1, 1, 1)},
      {"stochrsi_14_14_3", "stochrsi_14_5_3", 2, StochRsi(14, 14, 3)},
      {"stochrsi_14_5_1", "rsi_14", 2, StochRsi(14, 5, 1)},
      {"cci_20", "cci_14", 1, Hlc(TA_CCI, 20)},
      {"cci_2", "cci_20", 1, Hlc(TA_CCI, 2)},
      {"mfi_14", "rsi_14", 1, Mfi(14)},
      {"willr_14", "willr_15", 1, Hlc(TA_WILLR, 14)},
      {"willr_2", "stoch_2_1_1", 1, Hlc(TA_WILLR, 2)},
  };
}

// 1,500 bars around 100 in stretches of 40: a random walk, bars with no range
// (high = low = close) and no volume, a flat price with volume, and so on, so the
// indicators meet TA-Lib's zero divisors and zero changes.
CandleSeries FlatStretches() {
  std::mt19937_64 random(7);
  std::normal_distribution<double> step(0, 0.3);
  CandleSeries series;
  double price = 100;
  for (int i = 0; i < 1500; ++i) {
    Candle bar;
    bar.open = price;
    switch ((i / 40) % 3) {
      case 0:  // walk
        price += step(random);
        bar.high = std::max(bar.open, price) + std::fabs(step(random));
        bar.low = std::min(bar.open, price) - std::fabs(step(random));
        bar.volume = 1 + std::fabs(step(random)) * 10;
        break;
      case 1:  // no range, no volume
        bar.high = bar.low = price;
        bar.volume = 0;
        break;
      default:  // flat price, some volume
        bar.high = bar.low = price;
        bar.volume = 3;
        break;
    }
    bar.close = price;
    bar.vwap = (bar.high + bar.low + bar.close) / 3;
    series.candles.push_back(bar);
    series.open.push_back(bar.open);
    series.high.push_back(bar.high);
    series.low.push_back(bar.low);
    series.close.push_back(bar.close);
    series.volume.push_back(bar.volume);
    series.vwap.push_back(bar.vwap);
  }
  return series;
}

class OscillatorTest : public TaLibOracleTest,
                       public ::testing::WithParamInterface<OscillatorCase> {
 protected:
  Agreement MatchTaLib(const CandleSeries& s) {
    const OscillatorCase& c = GetParam();
    const TaLibResult talib =
        testing::RunTaLib(s, c.outputs, [&](int end, int* begin, int* count, double** out) {
          return c.talib(s, end, begin, count, out);
        });
    return ExpectMatchesTaLib(s, c.name, talib);
  }
};

TEST_P(OscillatorTest, MatchesTaLibOnRealCandles) {
  const Agreement agreement = MatchTaLib(series());
  EXPECT_GT(agreement.compared, 40000);
}

TEST_P(OscillatorTest, MatchesTaLibThroughFlatStretches) {
  const Agreement agreement = MatchTaLib(FlatStretches());
  EXPECT_GT(agreement.compared, 1000);
}

TEST_P(OscillatorTest, KeepsTheStreamingContract) {
  ExpectStreamingContract(series(), GetParam().name, GetParam().other_name);
}

// A candle replaced 5,000 times leaves the state exactly (bit for bit) as one
// Update() of its final version would.
TEST_P(OscillatorTest, ThousandsOfReplaceLastLeaveNoTrace) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Indicator> replaced, MakeIndicator(GetParam().name));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Indicator> direct, MakeIndicator(GetParam().name));
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> jitter(0.98, 1.02);
  const std::vector<Candle>& candles = series().candles;
  for (size_t i = 0; i < 300; ++i) {
    Candle moving = candles[i];
    replaced->Update(moving);
    for (int version = 0; version < (i % 50 == 49 ? 5000 : 3); ++version) {
      moving.close = candles[i].close * jitter(random);
      moving.high = std::max(candles[i].high * jitter(random), moving.close);
      moving.low = std::min(candles[i].low * jitter(random), moving.close);
      moving.volume = candles[i].volume * jitter(random);
      replaced->ReplaceLast(moving);
    }
    replaced->ReplaceLast(candles[i]);
    direct->Update(candles[i]);
    for (size_t output = 0; output < direct->output_names().size(); ++output) {
      const double want = direct->value(output);
      const double got = replaced->value(output);
      ASSERT_TRUE(got == want || (std::isnan(got) && std::isnan(want)))
          << GetParam().name << " output " << output << " bar " << i << ": " << got << " vs "
          << want;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Oscillators, OscillatorTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<OscillatorCase>& param_info) {
                           return param_info.param.name;
                         });

TEST(OscillatorNamesTest, OutputNamesAndLookbacks) {
  struct Expected {
    std::string name;
    std::vector<std::string> outputs;
    int lookback;
  };
  const std::vector<Expected> expected = {
      {"rsi_14", {"rsi_14"}, 14},
      {"atr_14", {"atr_14"}, 14},
      {"natr_14", {"natr_14"}, 14},
      {"adx_14", {"adx_14"}, 27},
      {"plus_di_14", {"plus_di_14"}, 14},
      {"minus_di_14", {"minus_di_14"}, 14},
      {"stoch_5_3_3", {"stoch_k_5_3_3", "stoch_d_5_3_3"}, 8},
      {"stochrsi_14_14_3", {"stochrsi_k_14_14_3", "stochrsi_d_14_14_3"}, 29},
      {"cci_20", {"cci_20"}, 19},
      {"mfi_14", {"mfi_14"}, 14},
      {"willr_14", {"willr_14"}, 13},
  };
  for (const Expected& e : expected) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Indicator> indicator, MakeIndicator(e.name));
    EXPECT_EQ(indicator->output_names(), e.outputs) << e.name;
    EXPECT_EQ(indicator->lookback(), e.lookback) << e.name;
    EXPECT_FALSE(indicator->ready()) << e.name;
    EXPECT_TRUE(std::isnan(indicator->value(0))) << e.name;
  }
}

TEST(OscillatorNamesTest, RefusesParametersTaLibRefusesOrMisreads) {
  for (const char* name : {"rsi_1", "natr_1", "adx_1", "plus_di_1", "minus_di_1", "cci_1", "mfi_1",
                           "willr_1", "stoch_0_3_3", "stoch_5_3", "stochrsi_1_14_3",
                           "stochrsi_14_0_3", "rsi_100001", "atr_0", "rsi_14_3"}) {
    const auto made = MakeIndicator(name);
    EXPECT_FALSE(made.ok()) << name;
    if (!made.ok()) {
      EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument) << name;
    }
  }
  for (const char* name : {"atr_1", "stoch_1_1_1", "stochrsi_2_1_1", "cci_1000"}) {
    EXPECT_TRUE(MakeIndicator(name).ok()) << name;
  }
}

TEST(OscillatorNamesTest, KindsAreListed) {
  std::vector<std::string> kinds;
  for (const IndicatorKind& kind : IndicatorKinds()) kinds.emplace_back(kind.kind);
  for (const char* kind : {"rsi", "atr", "natr", "adx", "plus_di", "minus_di", "stoch", "stochrsi",
                           "cci", "mfi", "willr"}) {
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), kind), kinds.end()) << kind;
  }
}

}  // namespace
}  // namespace rtml::process::testing
