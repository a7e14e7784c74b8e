#include "table.h"

#include <algorithm>

namespace rtml::cli {

std::string Table::Render() const {
  std::vector<size_t> widths(header_.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& row) {
    for (size_t col = 0; col < row.size() && col < widths.size(); ++col) {
      widths[col] = std::max(widths[col], row[col].size());
    }
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);

  std::string out;
  auto render = [&out, &widths](const std::vector<std::string>& row) {
    std::string line;
    for (size_t col = 0; col < row.size() && col < widths.size(); ++col) {
      line += row[col];
      if (col + 1 < row.size()) line.append(widths[col] - row[col].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  render(header_);
  for (const auto& row : rows_) render(row);
  return out;
}

}  // namespace rtml::cli
