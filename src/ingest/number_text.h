// Numbers as exchanges write them in text: whole decimal strings only, nothing
// around them. Internal to the ingest layer.
#pragma once

#include <charconv>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace rtml::ingest {

// The whole of `text` as a double ("61837.63000000", "1e-5"); false if empty, not a
// number or followed by anything. "nan" and "inf" parse (validation rejects them).
inline bool ParseDouble(std::string_view text, double* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

// The whole of `text` as a decimal int64 (optional '-'); false otherwise.
inline bool ParseInt64(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

}  // namespace rtml::ingest
