#include "rtml/core/duration.h"

#include <array>
#include <limits>

namespace rtml {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t ms;
};

// Longest suffix first where one is a prefix of another ("ms" before "m").
constexpr std::array<Unit, 6> kUnits = {{{"ms", 1},
                                         {"s", 1000},
                                         {"m", 60'000},
                                         {"h", 3'600'000},
                                         {"d", 86'400'000},
                                         {"w", 604'800'000}}};

Status Invalid(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("'" + std::string(text) + "' is not a duration (" +
                                 std::string(why) + "; e.g. 30m, 12h, 7d, 1000ms)");
}

}  // namespace

Result<int64_t> ParseDurationMs(std::string_view text) {
  if (text.empty()) return Invalid(text, "empty");
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    int64_t number = 0;
    const size_t digits_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (number > (std::numeric_limits<int64_t>::max() - 9) / 10)
        return Invalid(text, "too large");
      number = number * 10 + (text[i] - '0');
      ++i;
    }
    if (i == digits_start) return Invalid(text, "expected a number");
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (text.substr(i).starts_with(candidate.suffix)) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr) return Invalid(text, "expected a unit: ms, s, m, h, d or w");
    i += unit->suffix.size();
    if (number > (std::numeric_limits<int64_t>::max() - total) / unit->ms) {
      return Invalid(text, "too large");
    }
    total += number * unit->ms;
  }
  return total;
}

Result<int64_t> ParseRetentionMs(std::string_view text) {
  if (text == "forever" || text == "unlimited") return int64_t{-1};
  Result<int64_t> ms = ParseDurationMs(text);
  if (!ms.ok()) {
    return Status::InvalidArgument(ms.status().message() + ", or 'forever'");
  }
  return ms;
}

std::string FormatDurationMs(int64_t ms) {
  if (ms < 0) return "forever";
  if (ms == 0) return "0ms";
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (ms % it->ms == 0) return std::to_string(ms / it->ms) + std::string(it->suffix);
  }
  return std::to_string(ms) + "ms";
}

}  // namespace rtml
