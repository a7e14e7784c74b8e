#include "rtml/core/csv_row.h"

namespace rtml {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

bool SplitCsvRow(std::string_view row, std::vector<std::string_view>* fields,
                 std::vector<std::string>* unquoted) {
  fields->clear();
  unquoted->clear();
  unquoted->reserve(row.size());  // views into it must not move
  size_t pos = 0;
  for (;;) {
    while (pos < row.size() && (row[pos] == ' ' || row[pos] == '\t')) ++pos;
    if (pos < row.size() && row[pos] == '"') {
      size_t end = pos + 1;
      bool escaped = false;
      for (;; ++end) {
        if (end >= row.size()) return false;
        if (row[end] == '"') {
          if (end + 1 < row.size() && row[end + 1] == '"') {
            escaped = true;
            ++end;
            continue;
          }
          break;
        }
      }
      std::string_view field = row.substr(pos + 1, end - pos - 1);
      if (escaped) {
        std::string& text = unquoted->emplace_back();
        for (size_t i = 0; i < field.size(); ++i) {
          text += field[i];
          if (field[i] == '"') ++i;
        }
        field = text;
      }
      fields->push_back(field);
      pos = end + 1;
      while (pos < row.size() && (row[pos] == ' ' || row[pos] == '\t')) ++pos;
      if (pos < row.size() && row[pos] != ',') return false;
    } else {
      const size_t comma = row.find(',', pos);
      fields->push_back(
          Trim(row.substr(pos, comma == std::string_view::npos ? row.npos : comma - pos)));
      pos = comma == std::string_view::npos ? row.size() : comma;
    }
    if (pos >= row.size()) return true;
    ++pos;  // the comma
  }
}

}  // namespace rtml
