// OhlcvCsv: the rows of an OHLCV CSV file, read by the columns its header names.
// Internal to candle_file/ (see rtml/process/candle_file.h for the format).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ohlcv_row.h"
#include "rtml/core/result.h"

namespace rtml::process {

class OhlcvCsv {
 public:
  // Reads the header line (column names in any case; a UTF-8 byte order mark is
  // ignored). InvalidArgument naming the required columns it lacks, or a column it
  // names twice.
  static Result<OhlcvCsv> FromHeader(std::string_view header);

  // Parses one data row into *row. InvalidArgument naming the column and value that
  // are wrong, or a row with another number of fields than the header.
  Status ParseRow(std::string_view line, TimestampReader* timestamps, OhlcvRow* row);

 private:
  OhlcvCsv() = default;

  int index_[kOhlcvFields];  // field index of each column, -1 if absent
  size_t header_fields_ = 0;
  std::vector<std::string_view> fields_;  // scratch: views into the row or unquoted_
  std::vector<std::string> unquoted_;     // scratch for quoted fields with "" escapes
};

}  // namespace rtml::process
