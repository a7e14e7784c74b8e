// The feature record: a candle with the values of its indicators, as the features
// stage writes it to the `features` topic (operators.h) and `rtml features compute
// --format jsonl` writes it to a file. Thread-safe (it only reads its arguments).
#pragma once

#include <memory>
#include <span>
#include <string>

#include "rtml/process/candle.h"
#include "rtml/process/indicators/indicator.h"

namespace rtml::process {

// Appends the candle's JSON fields (AppendCandleJson) followed by every output of
// every indicator by name, in order, null while it is warming up (NaN):
//   {"pair":"BTCUSDT","candle_seconds":60,...,"trade_count":118,"rsi_14":55.2,...}
// REQUIRES: the indicators were last given `candle`.
void AppendFeatureRecordJson(const Candle& candle,
                             std::span<const std::unique_ptr<Indicator>> indicators,
                             std::string& out);

}  // namespace rtml::process
