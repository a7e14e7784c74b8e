// CaptureReader: reads recorded market data from a file, one record per line, for
// replay through the same TradeSink as live data.
//
// Formats (gzip-compressed or plain; detected from the first non-empty line):
//   - Binance capture: `<receive time, ns since the epoch> <websocket frame>` per
//     line, as in ../shared/data/binance. Trade frames become trades (see
//     BinanceParser); other frames are kOther.
//   - JSON lines of trades (AppendTradeJson's form): the first line starts with '{'.
//   - CSV of trades: a header naming the columns, in any order: pair, trade_id,
//     price, qty, side (buy/sell/b/s), ts_ms, and optionally exchange and
//     received_ns; other columns are ignored. Fields may be double-quoted.
// In trade files, a missing exchange is CaptureReaderOptions::exchange and a
// missing received_ns is ts_ms (so the receive-time window always passes and
// pacing follows event time).
//
// A line that cannot be read is a kBad record with the reason; reading goes on
// with the next line. Only the file itself failing (cannot open, unreadable, a
// truncated gzip stream, a CSV header without a required column) is an error.
// Empty lines are skipped. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/ingest/trade.h"

namespace rtml::ingest {

enum class CaptureFormat { kBinanceCapture, kTradeJsonLines, kTradeCsv };

std::string_view CaptureFormatName(CaptureFormat format);

struct CaptureReaderOptions {
  // Binance captures: Trade::exchange of every trade (empty: "binance"). Trade
  // files: the exchange of rows that name none (empty: such rows are bad).
  std::string exchange;
};

struct CaptureRecord {
  enum class Kind {
    kTrade,  // `trade` holds it
    kOther,  // a valid line that holds no trade (a depth or bookTicker frame)
    kBad,    // `error` says why the line was not understood
  };
  Kind kind = Kind::kOther;
  Trade trade;
  std::string error;
  std::string_view line;    // the whole line, valid until the next Next()
  int64_t line_number = 0;  // 1-based
  // When the line was received (capture) or the trade's received_ns (trade files);
  // 0 if the line is too broken to say.
  int64_t received_ns = 0;
};

class CaptureReader {
 public:
  // Opens `path` and detects its format. IOError if it cannot be opened or read;
  // InvalidArgument for a CSV header without a required column.
  static Result<std::unique_ptr<CaptureReader>> Open(const std::string& path,
                                                     CaptureReaderOptions options = {});
  ~CaptureReader();
  CaptureReader(const CaptureReader&) = delete;
  CaptureReader& operator=(const CaptureReader&) = delete;

  // The next record (true), or the end of the file (false). IOError naming the file
  // and line if reading fails. Reuses `record`'s strings.
  Result<bool> Next(CaptureRecord* record);

  CaptureFormat format() const;
  const std::string& path() const;

 private:
  struct Impl;
  explicit CaptureReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtml::ingest
