// KrakenRestParser: reads the body of Kraken's REST "Get Recent Trades" reply
// (GET /0/public/Trades?pair=XBTUSD&since=<ns cursor>):
//   {"error":[],"result":{"XXBTZUSD":[["30243.40000","0.34507674",1688669597.8277369,
//    "b","m","",61044952],...],"last":"1688671969993150842"}}
// Each row is [price, volume, time (s, float), "b"|"s" (taker side), "m"|"l"
// (market/limit), misc, trade_id] and becomes a Trade; "last" is the cursor to pass
// as `since` for the next page.
//
// Pair names: the REST API names a pair in its legacy form (request "XBTUSD", reply
// key "XXBTZUSD") while the websocket v2 API says "BTC/USD". So that backfilled and
// live trades share one key in the trades topic, Trade::pair is the v2 symbol:
// KrakenRestParserOptions::symbol when the caller knows it (it asked for that pair),
// else KrakenSymbolForPair() of the reply's key, which maps the legacy forms it
// recognizes and keeps any other name as given.
//
// One parser per thread; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/status.h"
#include "rtml/ingest/trade.h"

namespace rtml::ingest {

struct KrakenTradesPage {
  enum class Outcome {
    kTrades,       // `trades` and `last` are valid (trades may be empty: no newer trades)
    kRateLimited,  // "EAPI:Rate limit exceeded" / "EGeneral:Too many requests": back off
    kUnavailable,  // "EService:Unavailable" / "EService:Busy" ...: retry later
    kError,        // any other error (e.g. "EQuery:Unknown asset pair"): do not retry
  };

  Outcome outcome = Outcome::kTrades;
  std::vector<std::string> errors;  // the reply's "error" strings (warnings "W..." excluded)
  std::string pair;                 // the result's key as Kraken wrote it ("XXBTZUSD")
  std::vector<Trade> trades;        // in reply order (oldest first)
  int64_t last = 0;                 // the "last" cursor (ns since the epoch)
};

struct KrakenRestParserOptions {
  std::string exchange = "kraken";  // Trade::exchange
  std::string symbol;               // Trade::pair of every trade; empty: KrakenSymbolForPair(key)
};

class KrakenRestParser {
 public:
  explicit KrakenRestParser(KrakenRestParserOptions options = {});
  ~KrakenRestParser();
  KrakenRestParser(const KrakenRestParser&) = delete;
  KrakenRestParser& operator=(const KrakenRestParser&) = delete;

  // Parses a reply body received at `received_ns` into *out (every field reset).
  // An "error" array with errors makes the outcome kRateLimited, kUnavailable or
  // kError (OK status: the reply itself is well formed). InvalidArgument for a
  // malformed body: not JSON, no "error"/"result", a row of the wrong shape or
  // types, a missing or non-numeric "last", more than one pair in "result".
  // Times are converted to ms from the number's text, exactly.
  Status Parse(std::string_view body, int64_t received_ns, KrakenTradesPage* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The websocket v2 symbol of a REST pair name: "XXBTZUSD" and "XBTUSD" → "BTC/USD",
// "XETHZEUR" → "ETH/EUR", "XDGUSD" → "DOGE/USD", "SOLUSDT" → "SOL/USDT". Legacy
// 8-letter names X<base>[XZ]<quote> are split in the middle; other names are split
// before a known quote currency (USDT, USDC, USD, EUR, GBP, CAD, JPY, CHF, AUD, XBT,
// ETH, DAI); asset codes XBT/XDG become BTC/DOGE. Names it cannot split ("FOO") and
// names that already hold a '/' come back with only the asset codes mapped.
std::string KrakenSymbolForPair(std::string_view pair);

// The REST pair name to request for a websocket v2 symbol: "BTC/USD" → "XBTUSD",
// "DOGE/USD" → "XDGUSD", "ETH/EUR" → "ETHEUR" (the asset codes BTC/DOGE become
// XBT/XDG and the slash goes). A name without a '/' is returned as given.
std::string KrakenRestPairForSymbol(std::string_view symbol);

}  // namespace rtml::ingest
