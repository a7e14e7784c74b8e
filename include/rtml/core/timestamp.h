// Points in time as text: ISO-8601 dates and times (as people type them, and as
// CSV files and APIs write them), and back. All values are ms since the Unix epoch
// (UTC). Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml {

// YYYY-MM-DD, optionally followed by 'T' (or a space) and hh:mm[:ss[.fraction]],
// optionally followed by 'Z' or an offset ±hh:mm / ±hhmm / ±hh. Without an offset
// the time is taken as UTC. Fractions finer than a millisecond are truncated.
// InvalidArgument naming the problem for anything else, including impossible dates.
Result<int64_t> ParseIso8601Ms(std::string_view text);

// `ms` since the epoch as "2024-08-08T23:54:15.342Z" (UTC, always milliseconds).
std::string FormatIso8601Ms(int64_t ms);

}  // namespace rtml
