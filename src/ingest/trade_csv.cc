#include "trade_csv.h"

#include "number_text.h"
#include "rtml/core/csv_row.h"

namespace rtml::ingest {
namespace {

constexpr std::string_view kNames[] = {"exchange", "pair", "trade_id", "price",
                                       "qty",      "side", "ts_ms",    "received_ns"};

Status Bad(std::string_view column, std::string_view value, std::string_view problem) {
  return Status::InvalidArgument("column '" + std::string(column) + "' value \"" +
                                 std::string(value) + "\" " + std::string(problem));
}

}  // namespace

Result<TradeCsv> TradeCsv::FromHeader(std::string_view header) {
  TradeCsv csv;
  std::vector<std::string> unquoted;
  if (!SplitCsvRow(header, &csv.fields_, &unquoted)) {
    return Status::InvalidArgument("CSV header has an unclosed quote");
  }
  for (int& index : csv.index_) index = -1;
  for (size_t i = 0; i < csv.fields_.size(); ++i) {
    for (int column = 0; column < kColumns; ++column) {
      if (csv.fields_[i] == kNames[column] && csv.index_[column] < 0) {
        csv.index_[column] = static_cast<int>(i);
      }
    }
  }
  std::string missing;
  for (int column = kPair; column <= kTsMs; ++column) {
    if (csv.index_[column] >= 0) continue;
    if (!missing.empty()) missing += ", ";
    missing += kNames[column];
  }
  if (!missing.empty()) {
    return Status::InvalidArgument(
        "CSV header lacks column(s) " + missing +
        " (expected exchange,pair,trade_id,price,qty,side,ts_ms[,received_ns]); it reads \"" +
        std::string(header.substr(0, 200)) + "\"");
  }
  csv.header_fields_ = csv.fields_.size();
  csv.fields_.clear();
  return csv;
}

Status TradeCsv::ParseRow(std::string_view row, std::string_view default_exchange, Trade* trade) {
  if (!SplitCsvRow(row, &fields_, &unquoted_)) {
    return Status::InvalidArgument("unclosed quote");
  }
  if (fields_.size() != header_fields_) {
    return Status::InvalidArgument("has " + std::to_string(fields_.size()) +
                                   " fields, the header " + std::to_string(header_fields_));
  }
  auto field = [this](Column column) {
    return index_[column] >= 0 ? fields_[static_cast<size_t>(index_[column])] : std::string_view();
  };
  const std::string_view exchange = field(kExchange);
  trade->exchange.assign(exchange.empty() ? default_exchange : exchange);
  if (trade->exchange.empty()) {
    return Status::InvalidArgument("no exchange: the row names none and no default was given");
  }
  trade->pair.assign(field(kPair));
  if (const auto text = field(kTradeId); !ParseInt64(text, &trade->trade_id)) {
    return Bad(kNames[kTradeId], text, "is not an integer");
  }
  if (const auto text = field(kPrice); !ParseDouble(text, &trade->price)) {
    return Bad(kNames[kPrice], text, "is not a number");
  }
  if (const auto text = field(kQty); !ParseDouble(text, &trade->qty)) {
    return Bad(kNames[kQty], text, "is not a number");
  }
  const std::string_view side_text = field(kSide);
  const std::optional<Side> side = ParseSide(side_text);
  if (!side) return Bad(kNames[kSide], side_text, "is not buy or sell");
  trade->side = *side;
  if (const auto text = field(kTsMs); !ParseInt64(text, &trade->ts_ms)) {
    return Bad(kNames[kTsMs], text, "is not an integer");
  }
  const std::string_view received = field(kReceivedNs);
  if (received.empty()) {
    trade->received_ns =
        trade->ts_ms > 0 && trade->ts_ms < INT64_MAX / 1'000'000 ? trade->ts_ms * 1'000'000 : 0;
  } else if (!ParseInt64(received, &trade->received_ns)) {
    return Bad(kNames[kReceivedNs], received, "is not an integer");
  }
  return Status::Ok();
}

}  // namespace rtml::ingest
