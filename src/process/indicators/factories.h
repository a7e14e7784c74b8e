// Internal: the factories of the trend, band, momentum and volume indicators, for the
// registry (indicator_registry.cc), which checks the parameters first. Each indicator
// has TA-Lib's definition and warm-up; vwap, which TA-Lib lacks, is defined below.
#pragma once

#include <memory>

#include "rtml/process/indicators/indicator.h"

namespace rtml::process::indicators {

// moving_averages.cc. REQUIRES: 2 <= period.
std::unique_ptr<Indicator> MakeSma(int period);   // TA_SMA
std::unique_ptr<Indicator> MakeEma(int period);   // TA_EMA, seeded with the SMA of the first bars
std::unique_ptr<Indicator> MakeWma(int period);   // TA_WMA
std::unique_ptr<Indicator> MakeDema(int period);  // TA_DEMA
std::unique_ptr<Indicator> MakeTema(int period);  // TA_TEMA

// macd.cc: TA_MACD, outputs macd, macd_signal, macd_hist.
// REQUIRES: 2 <= fast < slow, 2 <= signal. (TA-Lib takes signal 1 too, but then
// reports a first bar that does not match the values it returns.)
std::unique_ptr<Indicator> MakeMacd(int fast, int slow, int signal);

// bands.cc. REQUIRES: 2 <= period.
// TA_BBANDS over an SMA with nbdevup = nbdevdn = k: bbands_upper, bbands_middle,
// bbands_lower.
std::unique_ptr<Indicator> MakeBbands(int period, double k);
std::unique_ptr<Indicator> MakeStddev(int period);  // TA_STDDEV, nbdev 1 (population)

// momentum.cc. REQUIRES: 1 <= period.
std::unique_ptr<Indicator> MakeRoc(int period);  // TA_ROC: (close / close n bars ago - 1) * 100
std::unique_ptr<Indicator> MakeMom(int period);  // TA_MOM: close - close n bars ago

// volume.cc.
std::unique_ptr<Indicator> MakeObv();  // TA_OBV: starts at the first bar's volume
// vwap_<n>: sum(vwap * volume) / sum(volume) over the last n candles (the newest
// included), NaN when their volume is 0. Not in TA-Lib. REQUIRES: 2 <= period.
std::unique_ptr<Indicator> MakeVwap(int period);

}  // namespace rtml::process::indicators
