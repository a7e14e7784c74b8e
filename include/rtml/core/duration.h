// Durations as people type them (on the command line, in pipeline configs: "7d",
// "12h", "1h30m") and as rtml prints them back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml {

// One or more <integer><unit> groups, units ms, s, m, h, d, w ("90s", "1h30m").
// InvalidArgument for anything else, a missing unit, or a total past int64 ms.
Result<int64_t> ParseDurationMs(std::string_view text);

// A retention period: a duration, or "forever"/"unlimited" for stream::kUnlimited.
Result<int64_t> ParseRetentionMs(std::string_view text);

// The largest whole unit that divides `ms` ("7d", "90s", "1500ms"); "forever"
// for a negative value (stream::kUnlimited).
std::string FormatDurationMs(int64_t ms);

}  // namespace rtml
