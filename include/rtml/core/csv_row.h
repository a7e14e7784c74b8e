// CSV rows split into fields, as spreadsheets and exchanges write them: fields
// separated by commas, optionally in double quotes ("" inside quotes is one quote),
// spaces and tabs around fields dropped. Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rtml {

// Splits `row` into `fields` (cleared first). Quoted fields lose their quotes; those
// holding "" escapes are unescaped into `unquoted` (cleared first), which the views
// then point into. The views stay valid while `row` and `unquoted` do. False for an
// unclosed quote or text after a closing quote.
bool SplitCsvRow(std::string_view row, std::vector<std::string_view>* fields,
                 std::vector<std::string>* unquoted);

}  // namespace rtml
