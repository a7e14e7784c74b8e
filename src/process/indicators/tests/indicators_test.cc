// The moving averages, MACD, bands, momentum and volume indicators against TA-Lib over
// a month of real 1-minute candles, and their streaming contract (talib_oracle.h).
#include <cmath>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "rtml/process/indicators/indicator.h"
#include "talib_oracle.h"
#include "testing.h"

namespace rtml::process::testing {
namespace {

class IndicatorsTest : public TaLibOracleTest {
 protected:
  // TA-Lib's one-output function of close with one period, e.g. TA_SMA.
  using PeriodFunction = TA_RetCode (*)(int, int, const double*, int, int*, int*, double*);
  void ExpectPeriodFunction(std::string_view kind, PeriodFunction function, int period) {
    const TaLibResult talib = RunTaLib(1, [&](int end, int* begin, int* count, double** out) {
      return function(0, end, series().close.data(), period, begin, count, out[0]);
    });
    ExpectMatchesTaLib(series(), std::string(kind) + "_" + std::to_string(period), talib);
  }
};

TEST_F(IndicatorsTest, SeriesIsTheRealMonth) {
  ASSERT_EQ(series().candles.size(), 45031u);
  EXPECT_EQ(series().candles[0].open, 46319.0);
  EXPECT_EQ(series().candles[1].window_start_ms - series().candles[0].window_start_ms, 60'000);
}

TEST_F(IndicatorsTest, SmaMatchesTaLib) {
  for (int period : {2, 20, 200}) ExpectPeriodFunction("sma", TA_SMA, period);
}

TEST_F(IndicatorsTest, EmaMatchesTaLib) {
  for (int period : {2, 21, 200}) ExpectPeriodFunction("ema", TA_EMA, period);
}

TEST_F(IndicatorsTest, WmaMatchesTaLib) {
  for (int period : {2, 20, 100}) ExpectPeriodFunction("wma", TA_WMA, period);
}

TEST_F(IndicatorsTest, DemaMatchesTaLib) {
  for (int period : {2, 21, 100}) ExpectPeriodFunction("dema", TA_DEMA, period);
}

TEST_F(IndicatorsTest, TemaMatchesTaLib) {
  for (int period : {2, 21, 60}) ExpectPeriodFunction("tema", TA_TEMA, period);
}

TEST_F(IndicatorsTest, StddevMatchesTaLib) {
  for (int period : {2, 20, 100}) {
    const TaLibResult talib = RunTaLib(1, [&](int end, int* begin, int* count, double** out) {
      return TA_STDDEV(0, end, series().close.data(), period, 1.0, begin, count, out[0]);
    });
    ExpectMatchesTaLib(series(), "stddev_" + std::to_string(period), talib);
  }
}

TEST_F(IndicatorsTest, RocMatchesTaLib) {
  for (int period : {1, 10, 60}) ExpectPeriodFunction("roc", TA_ROC, period);
}

TEST_F(IndicatorsTest, MomMatchesTaLib) {
  for (int period : {1, 10, 60}) ExpectPeriodFunction("mom", TA_MOM, period);
}

TEST_F(IndicatorsTest, MacdMatchesTaLib) {
  const int cases[][3] = {{12, 26, 9}, {5, 35, 5}, {2, 3, 2}, {3, 50, 20}};
  for (const auto& [fast, slow, signal] : cases) {
    const TaLibResult talib = RunTaLib(3, [&](int end, int* begin, int* count, double** out) {
      return TA_MACD(0, end, series().close.data(), fast, slow, signal, begin, count, out[0],
                     out[1], out[2]);
    });
    ExpectMatchesTaLib(
        series(),
        "macd_" + std::to_string(fast) + "_" + std::to_string(slow) + "_" + std::to_string(signal),
        talib);
  }
}

TEST_F(IndicatorsTest, BbandsMatchesTaLib) {
  const std::pair<int, double> cases[] = {{20, 2}, {10, 1}, {50, 2.5}, {2, 3}};
  for (const auto& [period, k] : cases) {
    const TaLibResult talib = RunTaLib(3, [&](int end, int* begin, int* count, double** out) {
      return TA_BBANDS(0, end, series().close.data(), period, k, k, TA_MAType_SMA, begin, count,
                       out[0], out[1], out[2]);
    });
    std::ostringstream name;
    name << "bbands_" << period << "_" << k;
    ExpectMatchesTaLib(series(), name.str(), talib);
  }
}

TEST_F(IndicatorsTest, ObvMatchesTaLib) {
  const TaLibResult talib = RunTaLib(1, [&](int end, int* begin, int* count, double** out) {
    return TA_OBV(0, end, series().close.data(), series().volume.data(), begin, count, out[0]);
  });
  ExpectMatchesTaLib(series(), "obv", talib);
}

// vwap_<n> is not in TA-Lib: against sum(vwap * volume) / sum(volume) over the last n
// candles, summed afresh at every bar.
TEST_F(IndicatorsTest, VwapMatchesARecomputation) {
  for (int period : {2, 20, 240}) {
    const auto expected = [&](size_t bar, size_t) {
      double value = 0, volume = 0;
      for (size_t i = bar + 1 - period; i <= bar; ++i) {
        value += series().vwap[i] * series().volume[i];
        volume += series().volume[i];
      }
      return value / volume;
    };
    ExpectMatchesReference(series(), "vwap_" + std::to_string(period), period - 1, expected);
  }
}

TEST(VwapTest, NaNWithoutVolume) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Indicator> vwap, MakeIndicator("vwap_3"));
  Candle bar;
  bar.vwap = 100;
  bar.volume = 2;
  vwap->Update(bar);
  EXPECT_TRUE(std::isnan(vwap->value()));  // warming up
  bar.vwap = 200;
  bar.volume = 0;
  vwap->Update(bar);
  vwap->Update(bar);
  EXPECT_EQ(vwap->value(), 100);  // the candles without volume add nothing
  for (int i = 0; i < 10; ++i) vwap->Update(bar);
  EXPECT_TRUE(std::isnan(vwap->value()));
  bar.vwap = 300;
  bar.volume = 1;
  vwap->ReplaceLast(bar);
  EXPECT_EQ(vwap->value(), 300);
}

// A `current` candle updated by every trade: thousands of ReplaceLast() leave the
// values of the final bar exactly.
TEST_F(IndicatorsTest, ManyReplaceLastDoNotDrift) {
  for (std::string_view name : {"sma_20", "wma_20", "tema_21", "macd_12_26_9", "bbands_20_2",
                                "stddev_20", "obv", "vwap_20"}) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Indicator> streamed, MakeIndicator(name));
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Indicator> reference, MakeIndicator(name));
    for (size_t bar = 0; bar < 2000; ++bar) {
      const Candle& final_bar = series().candles[bar];
      streamed->Update(PartialBar(final_bar, 0));
      Candle current = PartialBar(final_bar, 0);
      for (int trade = 1; trade <= (bar % 100 == 0 ? 5000 : 10); ++trade) {
        current.close =
            final_bar.low + (final_bar.high - final_bar.low) * ((trade * 37) % 101) / 100;
        current.volume += final_bar.volume / 1000;
        streamed->ReplaceLast(current);
      }
      streamed->ReplaceLast(final_bar);
      reference->Update(final_bar);
      for (size_t output = 0; output < reference->output_names().size(); ++output) {
        const double expected = reference->value(output);
        ASSERT_TRUE(streamed->value(output) == expected ||
                    (std::isnan(expected) && std::isnan(streamed->value(output))))
            << name << " bar " << bar;
      }
    }
  }
}

class StreamingContractTest : public TaLibOracleTest,
                              public ::testing::WithParamInterface<const char*> {};

TEST_P(StreamingContractTest, ReplaceLastAndStateRoundTrip) {
  const std::string name = GetParam();
  ExpectStreamingContract(series(), name, name == "sma_20" ? "ema_20" : "sma_20");
}

INSTANTIATE_TEST_SUITE_P(AllKinds, StreamingContractTest,
                         ::testing::Values("sma_20", "ema_21", "wma_20", "dema_21", "tema_21",
                                           "macd_12_26_9", "bbands_20_2", "stddev_20", "roc_10",
                                           "mom_10", "obv", "vwap_20", "ema_20"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace rtml::process::testing
