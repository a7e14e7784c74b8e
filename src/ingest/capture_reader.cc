#include "rtml/ingest/capture_reader.h"

#include <optional>

#include "number_text.h"
#include "rtml/core/gz_line_reader.h"
#include "rtml/ingest/binance_parser.h"
#include "trade_csv.h"

namespace rtml::ingest {

std::string_view CaptureFormatName(CaptureFormat format) {
  switch (format) {
    case CaptureFormat::kBinanceCapture:
      return "binance capture";
    case CaptureFormat::kTradeJsonLines:
      return "trade JSON lines";
    case CaptureFormat::kTradeCsv:
      return "trade CSV";
  }
  return "unknown";
}

struct CaptureReader::Impl {
  std::string path;
  CaptureReaderOptions options;
  CaptureFormat format = CaptureFormat::kBinanceCapture;
  std::unique_ptr<GzLineReader> lines;
  std::optional<BinanceParser> binance;
  std::optional<TradeCsv> csv;
  // The first data line, read while detecting the format and not yet returned.
  bool has_first_line = false;
  std::string_view first_line;

  void ReadCaptureLine(std::string_view line, CaptureRecord* record);
  void ReadJsonLine(std::string_view line, CaptureRecord* record);
  void ReadCsvLine(std::string_view line, CaptureRecord* record);
};

namespace {

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

void MarkBad(CaptureRecord* record, std::string error) {
  record->kind = CaptureRecord::Kind::kBad;
  record->error = std::move(error);
}

// Trade files may omit received_ns: use the event time.
void DefaultReceiveTime(Trade* trade) {
  if (trade->received_ns == 0 && trade->ts_ms > 0 && trade->ts_ms < INT64_MAX / 1'000'000) {
    trade->received_ns = trade->ts_ms * 1'000'000;
  }
}

}  // namespace

void CaptureReader::Impl::ReadCaptureLine(std::string_view line, CaptureRecord* record) {
  const size_t space = line.find(' ');
  int64_t received_ns = 0;
  if (space == std::string_view::npos || !ParseInt64(line.substr(0, space), &received_ns) ||
      received_ns <= 0) {
    MarkBad(record, "expected '<receive time ns> <frame>'");
    return;
  }
  record->received_ns = received_ns;
  std::string_view frame = line.substr(space + 1);
  while (!frame.empty() && frame.front() == ' ') frame.remove_prefix(1);
  Result<BinanceParser::Frame> parsed = binance->Parse(frame, received_ns, &record->trade);
  if (!parsed.ok()) {
    MarkBad(record, parsed.status().message());
    return;
  }
  record->kind = *parsed == BinanceParser::Frame::kTrade ? CaptureRecord::Kind::kTrade
                                                         : CaptureRecord::Kind::kOther;
}

void CaptureReader::Impl::ReadJsonLine(std::string_view line, CaptureRecord* record) {
  Result<Trade> trade = ParseTradeJson(line);
  if (!trade.ok()) {
    MarkBad(record, trade.status().message());
    return;
  }
  record->trade = std::move(trade).value();
  if (record->trade.exchange.empty()) {
    if (options.exchange.empty()) {
      MarkBad(record, "no exchange: the line names none and no default was given");
      return;
    }
    record->trade.exchange = options.exchange;
  }
  DefaultReceiveTime(&record->trade);
  record->received_ns = record->trade.received_ns;
  record->kind = CaptureRecord::Kind::kTrade;
}

void CaptureReader::Impl::ReadCsvLine(std::string_view line, CaptureRecord* record) {
  if (Status status = csv->ParseRow(line, options.exchange, &record->trade); !status.ok()) {
    MarkBad(record, status.message());
    return;
  }
  record->received_ns = record->trade.received_ns;
  record->kind = CaptureRecord::Kind::kTrade;
}

CaptureReader::CaptureReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CaptureReader::~CaptureReader() = default;

Result<std::unique_ptr<CaptureReader>> CaptureReader::Open(const std::string& path,
                                                           CaptureReaderOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = std::move(options);
  RTML_ASSIGN_OR_RETURN(impl->lines, GzLineReader::Open(path));

  // The first non-empty line tells the format.
  std::string_view first;
  bool found = false;
  for (;;) {
    RTML_ASSIGN_OR_RETURN(const bool more, impl->lines->Next(&first));
    if (!more) break;
    if (!IsBlank(first)) {
      found = true;
      break;
    }
  }
  if (found && first.front() == '{') {
    impl->format = CaptureFormat::kTradeJsonLines;
    impl->has_first_line = true;
  } else if (found && (first.front() < '0' || first.front() > '9')) {
    impl->format = CaptureFormat::kTradeCsv;
    Result<TradeCsv> csv = TradeCsv::FromHeader(first);
    if (!csv.ok()) return csv.status().WithContext(path);
    impl->csv.emplace(std::move(csv).value());
  } else {
    impl->format = CaptureFormat::kBinanceCapture;
    impl->has_first_line = found;
  }
  impl->first_line = first;
  impl->binance.emplace(BinanceParserOptions{
      .exchange = impl->options.exchange.empty() ? "binance" : impl->options.exchange});
  return std::unique_ptr<CaptureReader>(new CaptureReader(std::move(impl)));
}

Result<bool> CaptureReader::Next(CaptureRecord* record) {
  Impl& impl = *impl_;
  std::string_view line;
  if (impl.has_first_line) {
    line = impl.first_line;
    impl.has_first_line = false;
  } else {
    for (;;) {
      RTML_ASSIGN_OR_RETURN(const bool more, impl.lines->Next(&line));
      if (!more) return false;
      if (!IsBlank(line)) break;
    }
  }
  record->kind = CaptureRecord::Kind::kOther;
  record->error.clear();
  record->line = line;
  record->line_number = impl.lines->line_number();
  record->received_ns = 0;
  switch (impl.format) {
    case CaptureFormat::kBinanceCapture:
      impl.ReadCaptureLine(line, record);
      break;
    case CaptureFormat::kTradeJsonLines:
      impl.ReadJsonLine(line, record);
      break;
    case CaptureFormat::kTradeCsv:
      impl.ReadCsvLine(line, record);
      break;
  }
  return true;
}

CaptureFormat CaptureReader::format() const { return impl_->format; }
const std::string& CaptureReader::path() const { return impl_->path; }

}  // namespace rtml::ingest
