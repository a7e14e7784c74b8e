#include "rtml/core/timestamp.h"

#include <cstdio>
#include <ctime>
#include <string>

namespace rtml {
namespace {

Status Invalid(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("'" + std::string(text) + "' is not an ISO-8601 time (" +
                                 std::string(why) + "; e.g. 2024-08-08T23:54:00Z)");
}

// Days from 1970-01-01 to the given civil date (proleptic Gregorian), after Howard
// Hinnant's days_from_civil.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int DaysInMonth(int64_t y, int64_t m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at text[*pos].
bool ReadDigits(std::string_view text, size_t* pos, size_t n, int64_t* out) {
  if (*pos + n > text.size()) return false;
  int64_t value = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += n;
  *out = value;
  return true;
}

bool ReadChar(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

Result<int64_t> ParseIso8601Ms(std::string_view text) {
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0;
  if (!ReadDigits(text, &pos, 4, &year) || !ReadChar(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &month) || !ReadChar(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &day)) {
    return Invalid(text, "expected YYYY-MM-DD");
  }
  if (month < 1 || month > 12) return Invalid(text, "month out of range");
  if (day < 1 || day > DaysInMonth(year, month)) return Invalid(text, "day out of range");

  int64_t hour = 0, minute = 0, second = 0, millis = 0;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    if (!ReadDigits(text, &pos, 2, &hour) || !ReadChar(text, &pos, ':') ||
        !ReadDigits(text, &pos, 2, &minute)) {
      return Invalid(text, "expected hh:mm after the date");
    }
    if (ReadChar(text, &pos, ':')) {
      if (!ReadDigits(text, &pos, 2, &second)) return Invalid(text, "expected seconds");
      if (ReadChar(text, &pos, '.') || ReadChar(text, &pos, ',')) {
        size_t digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (digits < 3) millis = millis * 10 + (text[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) return Invalid(text, "expected digits after the decimal point");
        for (size_t i = digits; i < 3; ++i) millis *= 10;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return Invalid(text, "time out of range");
  }

  int64_t offset_minutes = 0;
  if (pos < text.size()) {
    const char sign = text[pos];
    if (sign == 'Z' || sign == 'z') {
      ++pos;
    } else if (sign == '+' || sign == '-') {
      ++pos;
      int64_t off_hours = 0, off_minutes = 0;
      if (!ReadDigits(text, &pos, 2, &off_hours)) return Invalid(text, "bad UTC offset");
      if (pos < text.size()) {
        ReadChar(text, &pos, ':');
        if (!ReadDigits(text, &pos, 2, &off_minutes)) return Invalid(text, "bad UTC offset");
      }
      if (off_hours > 23 || off_minutes > 59) return Invalid(text, "UTC offset out of range");
      offset_minutes = (off_hours * 60 + off_minutes) * (sign == '-' ? -1 : 1);
    }
  }
  if (pos != text.size()) return Invalid(text, "unexpected text at the end");

  const int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                          second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

std::string FormatIso8601Ms(int64_t ms) {
  const int64_t millis = ((ms % 1000) + 1000) % 1000;
  const std::time_t seconds = static_cast<std::time_t>((ms - millis) / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[80];  // room for any int the compiler cannot rule out
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

}  // namespace rtml
