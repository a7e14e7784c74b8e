#include <limits>
#include <optional>

#include "ohlcv_csv.h"
#include "ohlcv_json.h"
#include "rtml/core/gz_line_reader.h"
#include "rtml/core/timestamp.h"
#include "rtml/process/candle_file.h"

namespace rtml::process {
namespace {

constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace

struct CandleFileReader::Impl {
  std::string path;
  CandleFileOptions options;
  CandleFileFormat format = CandleFileFormat::kCsv;
  std::unique_ptr<GzLineReader> lines;
  std::optional<OhlcvCsv> csv;
  TimestampReader timestamps{EpochUnit::kAuto};

  // A JSON file's first line, read to tell the format and not yet parsed.
  std::optional<std::string> unread_line;
  int64_t unread_line_number = 0;
  // A row read ahead to learn the candle size, not yet returned.
  std::optional<Candle> ahead;
  int64_t ahead_line = 0;

  int64_t candle_seconds = 0;  // 0 until known
  std::string pair;            // candle JSON: every row's pair, once known
  int64_t previous_start = kNoTime;
  int64_t line_number = 0;  // of the candle returned last
  OhlcvRow row;             // scratch

  // "<path>:<line>: <message>".
  Status AtLine(int64_t line, const Status& status) const {
    return Status::InvalidArgument(path + ":" + std::to_string(line) + ": " + status.message());
  }
  // The next non-empty line as a candle (candle_seconds and window_end_ms not yet
  // set for OHLCV rows); false at the end.
  Result<bool> ReadRow(Candle* candle, int64_t* line);
  Status ParseLine(std::string_view line, Candle* candle);
  Status CheckCandleJson(const Candle& candle) const;
  // Sets candle_seconds from the first row and the one after it.
  Status LearnCandleSeconds(const Candle& first, int64_t first_line);
  // OK if a row at `start` may follow one at `previous`.
  Status CheckOrder(int64_t start, int64_t previous, int64_t line) const;
};

Result<bool> CandleFileReader::Impl::ReadRow(Candle* candle, int64_t* line) {
  std::string_view text;
  if (unread_line) {
    text = *unread_line;
    *line = unread_line_number;
  } else {
    for (;;) {
      RTML_ASSIGN_OR_RETURN(const bool more, lines->Next(&text));
      if (!more) return false;
      if (!IsBlank(text)) break;
    }
    *line = lines->line_number();
  }
  const Status parsed = ParseLine(text, candle);
  unread_line.reset();
  if (!parsed.ok()) return AtLine(*line, parsed);
  return true;
}

Status CandleFileReader::Impl::ParseLine(std::string_view line, Candle* candle) {
  if (format == CandleFileFormat::kCandleJson) {
    RTML_ASSIGN_OR_RETURN(*candle, ParseCandleJson(line));
    return CheckCandleJson(*candle);
  }
  RTML_RETURN_IF_ERROR(format == CandleFileFormat::kCsv ? csv->ParseRow(line, &timestamps, &row)
                                                        : ParseOhlcvJson(line, &timestamps, &row));
  candle->pair = options.pair;
  candle->window_start_ms = row.timestamp_ms;
  candle->open = row.open;
  candle->high = row.high;
  candle->low = row.low;
  candle->close = row.close;
  candle->volume = row.volume;
  candle->vwap = row.vwap.value_or((row.high + row.low + row.close) / 3);
  candle->trade_count = row.trade_count.value_or(0);
  return Status::Ok();
}

Status CandleFileReader::Impl::CheckCandleJson(const Candle& candle) const {
  const std::string& want_pair = pair.empty() ? options.pair : pair;
  if (!want_pair.empty() && candle.pair != want_pair) {
    return Status::InvalidArgument("pair '" + candle.pair + "' where " +
                                   (pair.empty() ? "the pair option" : "the first candle") +
                                   " has '" + want_pair + "' (one pair per file)");
  }
  const int64_t want_seconds = candle_seconds != 0 ? candle_seconds : options.candle_seconds;
  if (want_seconds != 0 && candle.candle_seconds != want_seconds) {
    return Status::InvalidArgument(
        "candle_seconds " + std::to_string(candle.candle_seconds) + " where " +
        (candle_seconds != 0 ? "the first candle" : "the candle_seconds option") + " has " +
        std::to_string(want_seconds) + " (one candle size per file)");
  }
  return Status::Ok();
}

Status CandleFileReader::Impl::CheckOrder(int64_t start, int64_t previous, int64_t line) const {
  if (start > previous) return Status::Ok();
  const std::string problem = start == previous
                                  ? "repeats the previous row's"
                                  : "is before the previous row's, " + FormatIso8601Ms(previous);
  return AtLine(line,
                Status::InvalidArgument("timestamp " + FormatIso8601Ms(start) + " " + problem +
                                        " (rows must be in time order, each timestamp once)"));
}

Status CandleFileReader::Impl::LearnCandleSeconds(const Candle& first, int64_t first_line) {
  if (format == CandleFileFormat::kCandleJson) {
    candle_seconds = first.candle_seconds;
    pair = first.pair;
    return Status::Ok();
  }
  if (options.candle_seconds != 0) {
    candle_seconds = options.candle_seconds;
    return Status::Ok();
  }
  ahead.emplace();
  RTML_ASSIGN_OR_RETURN(const bool more, ReadRow(&*ahead, &ahead_line));
  if (!more) {
    return AtLine(first_line,
                  Status::InvalidArgument("the only row: one timestamp cannot tell the candle size "
                                          "(give the candle size)"));
  }
  RTML_RETURN_IF_ERROR(CheckOrder(ahead->window_start_ms, first.window_start_ms, ahead_line));
  const int64_t apart_ms = ahead->window_start_ms - first.window_start_ms;
  if (apart_ms % 1000 != 0) {
    return AtLine(ahead_line,
                  Status::InvalidArgument("the first two rows are " + std::to_string(apart_ms) +
                                          " ms apart: the candle size must be whole seconds"));
  }
  candle_seconds = apart_ms / 1000;
  return Status::Ok();
}

CandleFileReader::CandleFileReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CandleFileReader::~CandleFileReader() = default;

Result<std::unique_ptr<CandleFileReader>> CandleFileReader::Open(const std::string& path,
                                                                 CandleFileOptions options) {
  if (options.candle_seconds < 0) {
    return Status::InvalidArgument("candle_seconds must be positive, not " +
                                   std::to_string(options.candle_seconds));
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = std::move(options);
  impl->timestamps = TimestampReader(impl->options.epoch_unit);
  RTML_ASSIGN_OR_RETURN(impl->lines, GzLineReader::Open(path));

  // The first non-empty line tells the format.
  std::string_view first;
  for (;;) {
    RTML_ASSIGN_OR_RETURN(const bool more, impl->lines->Next(&first));
    if (!more) {
      return Status::InvalidArgument(path + ": empty file (expected a CSV header or JSON lines)");
    }
    if (!IsBlank(first)) break;
  }
  const int64_t line = impl->lines->line_number();
  if (first.substr(first.find_first_not_of(" \t")).starts_with('{')) {
    Result<bool> candle_json = IsCandleJson(first);
    if (!candle_json.ok()) return impl->AtLine(line, candle_json.status());
    impl->format = *candle_json ? CandleFileFormat::kCandleJson : CandleFileFormat::kOhlcvJson;
    impl->unread_line.emplace(first);
    impl->unread_line_number = line;
  } else {
    Result<OhlcvCsv> csv = OhlcvCsv::FromHeader(first);
    if (!csv.ok()) return impl->AtLine(line, csv.status());
    impl->csv.emplace(std::move(csv).value());
  }
  return std::unique_ptr<CandleFileReader>(new CandleFileReader(std::move(impl)));
}

Result<bool> CandleFileReader::Next(Candle* candle) {
  Impl& impl = *impl_;
  int64_t line = 0;
  if (impl.ahead) {
    *candle = std::move(*impl.ahead);
    line = impl.ahead_line;
    impl.ahead.reset();
  } else {
    RTML_ASSIGN_OR_RETURN(const bool more, impl.ReadRow(candle, &line));
    if (!more) return false;
    if (impl.candle_seconds == 0) RTML_RETURN_IF_ERROR(impl.LearnCandleSeconds(*candle, line));
  }
  RTML_RETURN_IF_ERROR(impl.CheckOrder(candle->window_start_ms, impl.previous_start, line));
  if (impl.format != CandleFileFormat::kCandleJson) {
    candle->candle_seconds = impl.candle_seconds;
    candle->window_end_ms = candle->window_start_ms + impl.candle_seconds * 1000;
  }
  impl.previous_start = candle->window_start_ms;
  impl.line_number = line;
  return true;
}

int64_t CandleFileReader::line_number() const { return impl_->line_number; }
int64_t CandleFileReader::candle_seconds() const { return impl_->candle_seconds; }
CandleFileFormat CandleFileReader::format() const { return impl_->format; }
const std::string& CandleFileReader::path() const { return impl_->path; }

Result<std::vector<Candle>> ReadCandleFile(const std::string& path,
                                           const CandleFileOptions& options) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<CandleFileReader> reader,
                        CandleFileReader::Open(path, options));
  std::vector<Candle> candles;
  Candle candle;
  for (;;) {
    RTML_ASSIGN_OR_RETURN(const bool more, reader->Next(&candle));
    if (!more) return candles;
    candles.push_back(candle);
  }
}

}  // namespace rtml::process
