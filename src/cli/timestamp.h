// Points in time as people type them on the command line: ISO-8601 times (see
// rtml/core/timestamp.h), milliseconds since the Unix epoch, or "10m ago". All
// results are ms since the Unix epoch (UTC).
#pragma once

#include <cstdint>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::cli {

// The start of a time range (`consume --since`): an ISO-8601 time, an integer of
// ms since the epoch, "now", or a duration before `now_ms` written "10m ago" or
// just "10m" (see ParseDurationMs).
Result<int64_t> ParseTimeSpecMs(std::string_view text, int64_t now_ms);

}  // namespace rtml::cli
