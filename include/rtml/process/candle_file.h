// CandleFileReader: a user's historical OHLCV file as a series of Candles, so the
// indicators the pipeline runs can run over it too (`rtml features compute`).
//
// The file is gzip-compressed or plain (told apart by its magic bytes), and one of:
//   - CSV: a header naming at least timestamp, open, high, low, close and volume, in
//     any order and any case; optional vwap and trade_count columns are read too,
//     other columns are ignored. Fields may be double-quoted.
//   - JSON lines (the first non-empty line starts with '{'): every line a candle's
//     JSON (candle.h), or every line an object with the six fields above (and
//     optionally vwap, trade_count); numbers may also be written as strings. The
//     first line decides which.
// Timestamps are the candle's open time: ISO-8601 ("2021-12-31 23:01:00.000000",
// "2024-08-08T23:54:00Z"; UTC unless an offset says otherwise) or integers since the
// Unix epoch, in ms or seconds (CandleFileOptions::epoch_unit).
//
// A CSV or six-field row becomes a Candle with pair = CandleFileOptions::pair,
// window_start_ms = its timestamp, window_end_ms = window_start_ms + the candle
// size, vwap = its vwap or else the typical price (high + low + close) / 3, and
// trade_count = its trade_count or else 0. The candle size is
// CandleFileOptions::candle_seconds, or else how far apart the first two timestamps
// are (which must be whole seconds). Candle JSON rows are taken as they are, and
// must all have the first row's pair and candle_seconds (and the options', if set).
//
// Rows must be in time order: a row whose timestamp is not after the one before
// (out of order, or a duplicate) is an error, not skipped, because indicators cannot
// take back their history and a dropped row would silently change every value after
// it. Gaps (missing candles) are fine. Empty lines are skipped.
//
// Every error about the content names the file and the line:
//   candles.csv:17: column 'close' is not a number: 'abc'
// Not thread-safe; one reader per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/process/candle.h"

namespace rtml::process {

// What an integer timestamp counts since the Unix epoch.
enum class EpochUnit {
  // Seconds if the first integer timestamp is below 1e11 (as seconds, before the
  // year 5138; as ms, before March 1973), else milliseconds; the whole file then
  // uses that unit.
  kAuto,
  kSeconds,
  kMilliseconds,
};

struct CandleFileOptions {
  // The pair of every candle of a CSV or six-field JSON file (default: empty). For
  // candle JSON, when not empty, the pair every row must have.
  std::string pair;
  // The candle size in seconds; 0 (default): from the first two timestamps. For
  // candle JSON, when not 0, the candle_seconds every row must have.
  int64_t candle_seconds = 0;
  EpochUnit epoch_unit = EpochUnit::kAuto;
};

enum class CandleFileFormat {
  kCsv,
  kCandleJson,  // JSON lines of candles (candle.h)
  kOhlcvJson,   // JSON lines of objects with the OHLCV fields
};

class CandleFileReader {
 public:
  // Opens `path` and reads up to its first row to tell the format. IOError if it
  // cannot be opened or read; InvalidArgument naming the file and line for an empty
  // file or a CSV header that lacks a required column.
  static Result<std::unique_ptr<CandleFileReader>> Open(const std::string& path,
                                                        CandleFileOptions options = {});
  ~CandleFileReader();
  CandleFileReader(const CandleFileReader&) = delete;
  CandleFileReader& operator=(const CandleFileReader&) = delete;

  // The next candle (true), or the end of the file (false). InvalidArgument
  // "<path>:<line>: <problem>" for a row that cannot be read or is out of order;
  // IOError if reading fails. After an error the reader must not be used again.
  Result<bool> Next(Candle* candle);

  // The line of the candle the last Next() returned (1-based).
  int64_t line_number() const;
  // The candle size, known after the first Next() returned a candle; 0 before.
  int64_t candle_seconds() const;
  CandleFileFormat format() const;
  const std::string& path() const;

 private:
  struct Impl;
  explicit CandleFileReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads the whole file (for tests and small files); errors as above.
Result<std::vector<Candle>> ReadCandleFile(const std::string& path,
                                           const CandleFileOptions& options = {});

}  // namespace rtml::process
