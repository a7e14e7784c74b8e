#include "market_data.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "rtml/core/gz_line_reader.h"
#include "rtml/ingest/capture_reader.h"

namespace rtml::bench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSpotFiles[] = {"spot_btcusdt_20240808.gz", "spot_btcusdt_20240809.gz",
                                      "spot_ethusdt_20240808.gz", "spot_ethusdt_20240809.gz"};
constexpr const char kOhlcvFile[] = "ohlcv/ftx_btc-perp_20211231-20220201_1m.csv.gz";

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

template <typename T>
bool Number(std::string_view text, T* value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return error == std::errc() && end == text.data() + text.size();
}

// "2021-12-31 23:01:00.000000" -> ms since the epoch.
bool ParseTime(std::string_view text, int64_t* ms) {
  int64_t y, mo, d, h, mi, s;
  if (text.size() < 19 || !Number(text.substr(0, 4), &y) || !Number(text.substr(5, 2), &mo) ||
      !Number(text.substr(8, 2), &d) || !Number(text.substr(11, 2), &h) ||
      !Number(text.substr(14, 2), &mi) || !Number(text.substr(17, 2), &s)) {
    return false;
  }
  *ms = ((DaysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60'000 + s * 1000;
  return true;
}

}  // namespace

fs::path RealDataDir() {
  if (const char* env = std::getenv("RTML_REAL_DATA"); env != nullptr && *env != '\0') return env;
  return fs::path(RTML_SOURCE_DIR) / ".." / "shared" / "data";
}

Result<std::vector<ingest::Trade>> LoadSpotTrades(const fs::path& data_dir) {
  std::vector<ingest::Trade> trades;
  for (const char* name : kSpotFiles) {
    const std::string path = (data_dir / "binance" / name).string();
    RTML_ASSIGN_OR_RETURN(std::unique_ptr<ingest::CaptureReader> reader,
                          ingest::CaptureReader::Open(path));
    ingest::CaptureRecord record;
    while (true) {
      RTML_ASSIGN_OR_RETURN(const bool more, reader->Next(&record));
      if (!more) break;
      if (record.kind == ingest::CaptureRecord::Kind::kTrade) trades.push_back(record.trade);
    }
  }
  std::stable_sort(
      trades.begin(), trades.end(),
      [](const ingest::Trade& a, const ingest::Trade& b) { return a.ts_ms < b.ts_ms; });
  if (static_cast<int64_t>(trades.size()) != kSpotTrades) {
    return Status::InvalidArgument("expected " + std::to_string(kSpotTrades) +
                                   " trades in the spot captures of " + data_dir.string() +
                                   ", found " + std::to_string(trades.size()));
  }
  return trades;
}

Result<std::vector<process::Candle>> LoadOhlcvCandles(const fs::path& data_dir) {
  const std::string path = (data_dir / kOhlcvFile).string();
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<GzLineReader> reader, GzLineReader::Open(path));
  std::vector<process::Candle> candles;
  std::string_view line;
  while (true) {
    RTML_ASSIGN_OR_RETURN(const bool more, reader->Next(&line));
    if (!more) break;
    if (reader->line_number() == 1 || line.empty()) continue;  // the header
    std::string_view fields[6];
    size_t count = 0;
    for (size_t start = 0; count < 6; ++count) {
      const size_t comma = line.find(',', start);
      fields[count] = line.substr(start, comma - start);
      if (comma == std::string_view::npos) {
        ++count;
        break;
      }
      start = comma + 1;
    }
    process::Candle candle{.pair = "BTC-PERP", .candle_seconds = 60};
    if (count != 6 || !ParseTime(fields[0], &candle.window_start_ms) ||
        !Number(fields[1], &candle.open) || !Number(fields[2], &candle.high) ||
        !Number(fields[3], &candle.low) || !Number(fields[4], &candle.close) ||
        !Number(fields[5], &candle.volume)) {
      return Status::InvalidArgument(path + ":" + std::to_string(reader->line_number()) +
                                     ": not a bar");
    }
    candle.window_end_ms = candle.window_start_ms + 60'000;
    candle.vwap = (candle.high + candle.low + candle.close) / 3;  // the file has none
    candle.trade_count = 1;
    candles.push_back(std::move(candle));
  }
  if (static_cast<int64_t>(candles.size()) != kOhlcvBars) {
    return Status::InvalidArgument("expected " + std::to_string(kOhlcvBars) + " bars in " + path +
                                   ", found " + std::to_string(candles.size()));
  }
  return candles;
}

TradeLoop::TradeLoop(std::vector<ingest::Trade> trades) : trades_(std::move(trades)) {
  int64_t min_id = std::numeric_limits<int64_t>::max();
  int64_t max_id = std::numeric_limits<int64_t>::min();
  for (const ingest::Trade& trade : trades_) {
    min_id = std::min(min_id, trade.trade_id);
    max_id = std::max(max_id, trade.trade_id);
  }
  if (!trades_.empty()) {
    ts_shift_ = trades_.back().ts_ms - trades_.front().ts_ms + 1;
    id_shift_ = max_id - min_id + 1;
  }
}

void TradeLoop::Advance() {
  for (ingest::Trade& trade : trades_) {
    trade.ts_ms += ts_shift_;
    trade.trade_id += id_shift_;
  }
}

const std::vector<std::string>& FeatureNames() {
  static const std::vector<std::string> kNames = {
      "sma_10",       "ema_21",       "wma_10",          "dema_10", "tema_10",
      "macd_12_26_9", "bbands_20_2",  "stddev_20",       "roc_10",  "mom_10",
      "obv",          "vwap_20",      "rsi_14",          "atr_14",  "natr_14",
      "adx_14",       "stoch_14_3_3", "stochrsi_14_5_3", "cci_20",  "mfi_14"};
  return kNames;
}

}  // namespace rtml::bench
