#include "ohlcv_row.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <system_error>

#include "rtml/core/timestamp.h"

namespace rtml::process {
namespace {

// Integer timestamps below this are seconds under EpochUnit::kAuto.
constexpr int64_t kAutoSecondsBelow = 100'000'000'000;

// The plain number fields, by OhlcvField.
constexpr double OhlcvRow::*kPrices[kVwap] = {nullptr,        &OhlcvRow::open,  &OhlcvRow::high,
                                              &OhlcvRow::low, &OhlcvRow::close, &OhlcvRow::volume};

template <typename T>
bool ParseWhole(std::string_view text, T* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

Status NotA(FieldName name, std::string_view kind, std::string_view text) {
  return Status::InvalidArgument(name.Text() + " is not " + std::string(kind) + ": '" +
                                 std::string(text) + "'");
}

}  // namespace

std::string FieldName::Text() const {
  return std::string(noun) + " '" + std::string(kOhlcvFieldNames[field]) + "'";
}

Result<int64_t> TimestampReader::FromInteger(int64_t value, FieldName name) {
  if (unit_ == EpochUnit::kAuto) {
    unit_ = value > -kAutoSecondsBelow && value < kAutoSecondsBelow ? EpochUnit::kSeconds
                                                                    : EpochUnit::kMilliseconds;
  }
  if (unit_ == EpochUnit::kMilliseconds) return value;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 1000;
  if (value > kMax || value < -kMax) {
    return Status::InvalidArgument(name.Text() + " is out of range: " + std::to_string(value) +
                                   " seconds since the epoch");
  }
  return value * 1000;
}

Result<int64_t> TimestampReader::FromText(std::string_view text, FieldName name) {
  if (int64_t integer = 0; ParseWhole(text, &integer)) return FromInteger(integer, name);
  // An ISO date starts with four digits and a dash: say what is wrong with it.
  if (text.size() >= 5 && text[4] == '-') {
    Result<int64_t> ms = ParseIso8601Ms(text);
    if (!ms.ok()) return Status::InvalidArgument(name.Text() + ": " + ms.status().message());
    return ms;
  }
  return Status::InvalidArgument(NotA(name, "a time", text).message() +
                                 " (expected ISO-8601 like 2024-08-08T23:54:00Z, or ms or "
                                 "seconds since the epoch)");
}

Status SetOhlcvField(FieldName name, std::string_view text, TimestampReader* timestamps,
                     OhlcvRow* row) {
  const OhlcvField field = name.field;
  if (field == kTimestamp) {
    RTML_ASSIGN_OR_RETURN(row->timestamp_ms, timestamps->FromText(text, name));
    return Status::Ok();
  }
  if (field == kTradeCount) {
    int64_t count = 0;
    if (!ParseWhole(text, &count) || count < 0) return NotA(name, "a count", text);
    row->trade_count = count;
    return Status::Ok();
  }
  double value = 0;
  if (!ParseWhole(text, &value) || !std::isfinite(value)) return NotA(name, "a number", text);
  if (field == kVwap) {
    row->vwap = value;
  } else {
    row->*kPrices[field] = value;
  }
  return Status::Ok();
}

}  // namespace rtml::process
