// OhlcvRow: one row of an OHLCV file as read, before it becomes a Candle, and the
// rules for reading its values from text that the CSV and JSON forms share.
// Internal to candle_file/ (see rtml/process/candle_file.h for the formats).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/process/candle_file.h"

namespace rtml::process {

struct OhlcvRow {
  int64_t timestamp_ms = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  double volume = 0;
  std::optional<double> vwap;
  std::optional<int64_t> trade_count;
};

// The values of a row; the first kRequiredOhlcv are required.
enum OhlcvField {
  kTimestamp,
  kOpen,
  kHigh,
  kLow,
  kClose,
  kVolume,
  kVwap,
  kTradeCount,
  kOhlcvFields
};
inline constexpr int kRequiredOhlcv = kVwap;
inline constexpr std::string_view kOhlcvFieldNames[kOhlcvFields] = {
    "timestamp", "open", "high", "low", "close", "volume", "vwap", "trade_count"};

// A field as error messages name it: "column 'close'", "field 'close'".
struct FieldName {
  std::string_view noun;  // "column", "field"
  OhlcvField field;
  std::string Text() const;
};

// Reads timestamps, settling EpochUnit::kAuto on the first integer it sees.
class TimestampReader {
 public:
  explicit TimestampReader(EpochUnit unit) : unit_(unit) {}

  // ISO-8601 text or an integer since the epoch, as ms since the epoch.
  // InvalidArgument starting with `name.Text()` otherwise.
  Result<int64_t> FromText(std::string_view text, FieldName name);
  // An integer since the epoch, as ms since the epoch (InvalidArgument past int64).
  Result<int64_t> FromInteger(int64_t value, FieldName name);

 private:
  EpochUnit unit_;
};

// Sets field `name.field` of *row from `text`: a time for the timestamp, a whole
// number >= 0 for trade_count, a finite number for the others. InvalidArgument
// "column 'close' is not a number: 'abc'" (or "a time", "a count") otherwise.
Status SetOhlcvField(FieldName name, std::string_view text, TimestampReader* timestamps,
                     OhlcvRow* row);

}  // namespace rtml::process
