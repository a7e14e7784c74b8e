// JSON lines of OHLCV files: a candle's JSON (candle.h) or an object of OHLCV
// fields per line. Internal to candle_file/ (see rtml/process/candle_file.h).
#pragma once

#include <string_view>

#include "ohlcv_row.h"
#include "rtml/core/result.h"

namespace rtml::process {

// Whether `line` is a candle's JSON (an object with window_start_ms) rather than an
// object of OHLCV fields. InvalidArgument if it is not a JSON object.
Result<bool> IsCandleJson(std::string_view line);

// Parses an object with the OHLCV fields: numbers, or strings holding them (an
// ISO-8601 or integer time for the timestamp); other fields are ignored.
// InvalidArgument naming the field that is missing or malformed.
Status ParseOhlcvJson(std::string_view line, TimestampReader* timestamps, OhlcvRow* row);

}  // namespace rtml::process
