// Table: rows of text printed in aligned columns, for human-readable output.
#pragma once

#include <string>
#include <vector>

namespace rtml::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}

  // REQUIRES: row.size() == number of header columns.
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  // Header then rows, columns left-aligned and two spaces apart, no trailing
  // spaces, each line ending in '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace rtml::cli
