// BinanceParser: turns one Binance websocket frame into a Trade.
//
// Accepts a combined-stream frame {"stream":"btcusdt@trade","data":{...}} or the
// bare payload of a raw stream ({"e":"trade",...}), spot or futures. A frame is a
// trade frame when its payload's event type "e" is "trade" or its stream name ends
// in "@trade"; every other JSON object (bookTicker, depth updates, the REST depth
// snapshot some captures start with, subscription replies) is "other": recognized
// and skipped, not an error, and not validated beyond being JSON up to its event
// type. A trade frame must carry s, t, p, q, T and m with the right types, else it
// is malformed, and so is anything that is not one complete JSON object.
//
// Mapping: pair = s (as Binance writes it, "BTCUSDT"), trade_id = t, price/qty =
// p/q (decimal strings, parsed exactly with std::from_chars), ts_ms = T (trade
// time), side = the taker's side: m ("buyer is the maker") true means the seller
// took liquidity, so Side::kSell. Values are not checked here (see TradeValidator).
//
// One parser per thread; it keeps its buffers, so parsing allocates nothing once
// warm beyond growing the Trade's strings.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/ingest/trade.h"

namespace rtml::ingest {

struct BinanceParserOptions {
  // Trade::exchange of every trade parsed; e.g. "binance-usdm" for futures captures.
  std::string exchange = "binance";
};

class BinanceParser {
 public:
  enum class Frame {
    kTrade,  // *trade holds the trade
    kOther,  // a valid frame that is not a trade; *trade is unspecified
  };

  explicit BinanceParser(BinanceParserOptions options = {});
  ~BinanceParser();
  BinanceParser(const BinanceParser&) = delete;
  BinanceParser& operator=(const BinanceParser&) = delete;

  // Parses `frame`, received at `received_ns` (ns since the epoch, copied into the
  // trade). On kTrade every field of *trade is overwritten, reusing its strings'
  // capacity. InvalidArgument with the reason ("field 'p' is not a decimal string",
  // "not valid JSON (...)") for a malformed frame; *trade is then unspecified.
  Result<Frame> Parse(std::string_view frame, int64_t received_ns, Trade* trade);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtml::ingest
