// Points in time as people type them: ISO-8601 dates and times, milliseconds since
// the Unix epoch, or "10m ago". All results are ms since the Unix epoch (UTC).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::cli {

// YYYY-MM-DD, optionally followed by 'T' (or a space) and hh:mm[:ss[.fraction]],
// optionally followed by 'Z' or an offset ±hh:mm / ±hhmm / ±hh. Without an offset
// the time is taken as UTC. Fractions finer than a millisecond are truncated.
// InvalidArgument naming the problem for anything else, including impossible dates.
Result<int64_t> ParseIso8601Ms(std::string_view text);

// The start of a time range (`consume --since`): an ISO-8601 time, an integer of
// ms since the epoch, "now", or a duration before `now_ms` written "10m ago" or
// just "10m" (see ParseDurationMs).
Result<int64_t> ParseTimeSpecMs(std::string_view text, int64_t now_ms);

// `ms` since the epoch as "2024-08-08T23:54:15.342Z" (UTC, always milliseconds).
std::string FormatIso8601Ms(int64_t ms);

}  // namespace rtml::cli
