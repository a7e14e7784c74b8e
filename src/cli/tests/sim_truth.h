// The ground truth `rtml exchange-sim --truth FILE` writes: every trade the
// simulated exchange made, for tests that check what ingestion stored against it.
#pragma once

#include <map>
#include <string>

#include "rtml/ingest/trade.h"

namespace rtml::cli::testing {

struct TradeKey {
  std::string pair;
  int64_t trade_id = 0;
  friend auto operator<=>(const TradeKey&, const TradeKey&) = default;
};

// Every trade of the file by (pair, id), with pair, trade_id, price, qty, side and
// ts_ms set (exchange and received_ns are not in the file). Fails the current test
// on a line it cannot read.
std::map<TradeKey, ingest::Trade> ReadSimTruth(const std::string& path);

}  // namespace rtml::cli::testing
