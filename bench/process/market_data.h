// Inputs of the process benchmarks, all real market data from <data> ($RTML_REAL_DATA,
// else the shared/data folder beside the checkout):
//   - trades: the four Binance spot captures (BTCUSDT and ETHUSDT, 2024-08-08 23:54 to
//     2024-08-09 00:05 UTC, 34,419 trades), merged in event-time order. A long run goes
//     over them again and again, each pass shifted in time (and trade ids) past the one
//     before, so event time only increases and nothing is ever late.
//   - candles: the month of real 1-minute FTX BTC-PERP bars (45,031).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ingest/trade.h"
#include "rtml/process/candle.h"

namespace rtml::bench {

inline constexpr int64_t kSpotTrades = 34'419;             // 9,757 + 10,147 + 6,106 + 8,409
inline constexpr int64_t kOhlcvBars = 45'031;              // the month of 1 m bars
inline constexpr int64_t kCandleSeconds[] = {1, 60, 300};  // the aggregator's windows

// $RTML_REAL_DATA, else <source>/../shared/data.
std::filesystem::path RealDataDir();

// The spot trades, sorted by ts_ms (stable: each file keeps its order).
Result<std::vector<ingest::Trade>> LoadSpotTrades(const std::filesystem::path& data_dir);

// The bars of the 1 m OHLCV file as 60 s candles of pair "BTC-PERP".
Result<std::vector<process::Candle>> LoadOhlcvCandles(const std::filesystem::path& data_dir);

// Moves one pass of trades past itself: ts_ms by the pass's time span + 1 ms, ids by
// their range + 1, so the next pass continues the stream.
class TradeLoop {
 public:
  explicit TradeLoop(std::vector<ingest::Trade> trades);
  std::vector<ingest::Trade>& pass() { return trades_; }
  void Advance();

 private:
  std::vector<ingest::Trade> trades_;
  int64_t ts_shift_ = 0;
  int64_t id_shift_ = 0;
};

// The 20 indicators of the benchmarks (26 outputs).
const std::vector<std::string>& FeatureNames();

}  // namespace rtml::bench
