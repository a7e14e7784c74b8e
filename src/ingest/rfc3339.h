// RFC 3339 timestamps ("2023-09-25T07:49:37.708706Z"), as Kraken's v2 API writes
// them. Internal to the ingest layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace rtml::ingest {

// Milliseconds since the Unix epoch (fraction truncated toward the past), or nullopt
// if `text` is not YYYY-MM-DD('T'|'t'|' ')hh:mm:ss[.fraction](Z|z|+hh:mm|-hh:mm)
// with each field in range.
std::optional<int64_t> ParseRfc3339Ms(std::string_view text);

// Days from 1970-01-01 to the given proleptic Gregorian date (negative before).
int64_t DaysFromCivil(int64_t year, int month, int day);

}  // namespace rtml::ingest
