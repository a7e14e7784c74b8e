// TradeCsv: rows of a CSV file of trades, by the columns its header names.
// Internal to the ingest layer (see capture_reader.h for the format).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ingest/trade.h"

namespace rtml::ingest {

class TradeCsv {
 public:
  // Reads the header line. InvalidArgument naming the required columns missing.
  static Result<TradeCsv> FromHeader(std::string_view header);

  // Parses one data row into *trade. A row without an exchange gets
  // `default_exchange`; without received_ns, ts_ms in ns. InvalidArgument naming
  // the column and value that are wrong.
  Status ParseRow(std::string_view row, std::string_view default_exchange, Trade* trade);

 private:
  enum Column { kExchange, kPair, kTradeId, kPrice, kQty, kSide, kTsMs, kReceivedNs, kColumns };
  TradeCsv() = default;

  int index_[kColumns];  // field index of each column, -1 if absent
  size_t header_fields_ = 0;
  std::vector<std::string_view> fields_;  // scratch: views into the row or unquoted_
  std::vector<std::string> unquoted_;     // scratch for quoted fields with "" escapes
};

}  // namespace rtml::ingest
