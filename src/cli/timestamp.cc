#include "timestamp.h"

#include <string>

#include "flags.h"
#include "rtml/core/duration.h"
#include "rtml/core/timestamp.h"

namespace rtml::cli {

Result<int64_t> ParseTimeSpecMs(std::string_view text, int64_t now_ms) {
  if (text == "now") return now_ms;
  if (const std::optional<int64_t> ms = ParseInt64(text)) {
    if (*ms < 0) return Status::InvalidArgument("time '" + std::string(text) + "' is negative");
    return *ms;
  }
  // An ISO date starts with four digits and a dash; a duration never does.
  if (text.size() >= 5 && text[4] == '-') return ParseIso8601Ms(text);

  std::string_view duration = text;
  if (duration.ends_with(" ago")) duration.remove_suffix(4);
  Result<int64_t> ago = ParseDurationMs(duration);
  if (!ago.ok()) {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a time (use an ISO-8601 time like "
                                   "2024-08-08T23:54:00Z, ms since the epoch, or a duration "
                                   "ago like 10m, 2h, 1d)");
  }
  return now_ms - *ago;
}

}  // namespace rtml::cli
