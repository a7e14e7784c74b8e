// Trade: one normalized trade from any exchange, the record of the `trades` topic
// (key: pair). On the wire it is JSON, so any Kafka tool can read it:
//   {"exchange":"binance","pair":"BTCUSDT","trade_id":3735683259,"price":61837.63,
//    "qty":0.02,"side":"sell","ts_ms":1723161255342,"received_ns":1723161254087896568}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::ingest {

// The taker's side: "buy" when the buyer took liquidity, "sell" when the seller did.
enum class Side { kBuy, kSell };

std::string_view SideName(Side side);

struct Trade {
  std::string exchange;  // "kraken", "binance", ...
  std::string pair;      // as the exchange names it: "BTC/USD" (Kraken v2), "BTCUSDT" (Binance)
  int64_t trade_id = 0;  // the exchange's id, unique per (exchange, pair)
  double price = 0;
  double qty = 0;
  Side side = Side::kBuy;
  int64_t ts_ms = 0;        // exchange event time, ms since the Unix epoch
  int64_t received_ns = 0;  // when rtml (or the capture) received it, ns since the epoch

  friend bool operator==(const Trade&, const Trade&) = default;
};

// Appends the JSON form of `trade` to `out` (fields in the order of the example
// above). Prices and quantities are written with the shortest text that reads back
// as the same double; a non-finite one (which validation rejects) is written as
// null, so the output is always valid JSON.
void AppendTradeJson(const Trade& trade, std::string& out);

// Parses the JSON form. Fields may come in any order and unknown fields are
// ignored; "exchange" may be missing (left empty, for files that name it once
// elsewhere) and so may "received_ns" (left 0). price and qty may also be decimal
// strings ("61837.63"). InvalidArgument naming the missing or malformed field.
// Thread-safe (a parser per thread).
Result<Trade> ParseTradeJson(std::string_view json);

// The side named "buy"/"sell" (also "b"/"s", any case); nullopt for anything else.
std::optional<Side> ParseSide(std::string_view text);

}  // namespace rtml::ingest
