#include "ohlcv_csv.h"

#include <algorithm>
#include <cctype>

#include "rtml/core/csv_row.h"

namespace rtml::process {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool SameName(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

Result<OhlcvCsv> OhlcvCsv::FromHeader(std::string_view header) {
  if (header.starts_with(kByteOrderMark)) header.remove_prefix(kByteOrderMark.size());
  OhlcvCsv csv;
  std::vector<std::string> unquoted;
  if (!SplitCsvRow(header, &csv.fields_, &unquoted)) {
    return Status::InvalidArgument("the CSV header has an unclosed quote");
  }
  std::fill(std::begin(csv.index_), std::end(csv.index_), -1);
  for (size_t i = 0; i < csv.fields_.size(); ++i) {
    for (int field = 0; field < kOhlcvFields; ++field) {
      if (!SameName(csv.fields_[i], kOhlcvFieldNames[field])) continue;
      if (csv.index_[field] >= 0) {
        return Status::InvalidArgument("the CSV header names column '" +
                                       std::string(kOhlcvFieldNames[field]) + "' twice");
      }
      csv.index_[field] = static_cast<int>(i);
    }
  }
  std::string missing;
  for (int field = 0; field < kRequiredOhlcv; ++field) {
    if (csv.index_[field] >= 0) continue;
    missing += missing.empty() ? "" : ", ";
    missing += kOhlcvFieldNames[field];
  }
  if (!missing.empty()) {
    return Status::InvalidArgument(
        "the CSV header lacks column(s) " + missing +
        " (it needs timestamp, open, high, low, close and volume, in any order); it reads '" +
        std::string(header.substr(0, 200)) + "'");
  }
  csv.header_fields_ = csv.fields_.size();
  return csv;
}

Status OhlcvCsv::ParseRow(std::string_view line, TimestampReader* timestamps, OhlcvRow* row) {
  if (!SplitCsvRow(line, &fields_, &unquoted_)) return Status::InvalidArgument("unclosed quote");
  if (fields_.size() != header_fields_) {
    return Status::InvalidArgument("the row has " + std::to_string(fields_.size()) +
                                   " fields, the header " + std::to_string(header_fields_));
  }
  row->vwap.reset();
  row->trade_count.reset();
  for (int field = 0; field < kOhlcvFields; ++field) {
    if (index_[field] < 0) continue;
    RTML_RETURN_IF_ERROR(SetOhlcvField({"column", static_cast<OhlcvField>(field)},
                                       fields_[static_cast<size_t>(index_[field])], timestamps,
                                       row));
  }
  return Status::Ok();
}

}  // namespace rtml::process
