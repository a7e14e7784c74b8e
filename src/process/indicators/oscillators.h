// Internal: the factories of the oscillators, for the registry
// (indicator_registry.cc), which checks the parameters first. Each gives the values
// of the TA-Lib function named beside it, with TA-Lib's lookback. REQUIRES: every
// period within TA-Lib's limits, the lower ones given below, the upper 100000.
#pragma once

#include <memory>

#include "rtml/process/indicators/indicator.h"

namespace rtml::process::indicators {

// Wilder's family (wilder.cc).
std::unique_ptr<Indicator> MakeRsi(int period);      // rsi_<n>, TA_RSI; n >= 2
std::unique_ptr<Indicator> MakeAtr(int period);      // atr_<n>, TA_ATR; n >= 1
std::unique_ptr<Indicator> MakeNatr(int period);     // natr_<n>, TA_NATR; n >= 2 (*)
std::unique_ptr<Indicator> MakeAdx(int period);      // adx_<n>, TA_ADX; n >= 2
std::unique_ptr<Indicator> MakePlusDi(int period);   // plus_di_<n>, TA_PLUS_DI; n >= 2 (*)
std::unique_ptr<Indicator> MakeMinusDi(int period);  // minus_di_<n>, TA_MINUS_DI; n >= 2 (*)
// (*) TA-Lib takes period 1 too, but then returns something else (NATR the true
// range, not normalized; the DIs a ratio, not a percentage), so 1 is refused.

// Range oscillators (range_oscillators.cc).
// stoch_<fastk>_<slowk>_<slowd>, TA_STOCH with SMA smoothing of %K and %D; outputs
// stoch_k_<...> and stoch_d_<...>; every period >= 1.
std::unique_ptr<Indicator> MakeStoch(int fastk_period, int slowk_period, int slowd_period);
// stochrsi_<n>_<fastk>_<fastd>, TA_STOCHRSI with an SMA %D; outputs stochrsi_k_<...> and
// stochrsi_d_<...>; n >= 2, fastk >= 1, fastd >= 1.
std::unique_ptr<Indicator> MakeStochRsi(int period, int fastk_period, int fastd_period);
std::unique_ptr<Indicator> MakeCci(int period);    // cci_<n>, TA_CCI; n >= 2
std::unique_ptr<Indicator> MakeMfi(int period);    // mfi_<n>, TA_MFI; n >= 2
std::unique_ptr<Indicator> MakeWillr(int period);  // willr_<n>, TA_WILLR; n >= 2

}  // namespace rtml::process::indicators
