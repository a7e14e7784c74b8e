// Helpers to write JSON text by hand on hot paths, where building a DOM would cost
// more than the record itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rtml::json {

// Appends `s` as a JSON string literal (with quotes) to `out`. Bytes that are not
// valid UTF-8 are written as \u00XX escapes of the byte, so the output is always
// valid JSON.
void AppendString(std::string& out, std::string_view s);

// Appends `value` as a JSON integer.
void AppendInt(std::string& out, int64_t value);

// Appends `value` with the shortest text that reads back as the same double; a
// non-finite value (which JSON cannot hold) as null.
void AppendDouble(std::string& out, double value);

// True if `text` is exactly one JSON value (surrounding whitespace allowed).
bool IsValidJson(std::string_view text);

}  // namespace rtml::json
