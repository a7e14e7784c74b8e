// MarketPair: one instrument of the simulated market and its names in each dialect
// the exchange simulator speaks. A plain value; any thread.
//
// Naming, from the Kraken websocket v2 symbol "BASE/QUOTE":
//   - Binance symbol: BASE + QUOTE, with USD served as USDT ("BTC/USD" -> "BTCUSDT";
//     stream "btcusdt@trade"), since Binance spot quotes in USDT.
//   - Kraken REST: BTC is XBT and DOGE is XDG. The request name ("altname") is
//     BASE + QUOTE ("XBTUSD"); the result key is Kraken's legacy name, X-prefixed
//     for the old crypto assets (XBT, ETH, LTC, XRP, XLM, XMR, ETC, ZEC, MLN, REP)
//     and Z-prefixed for fiat when the base is one of them ("XXBTZUSD",
//     "XETHZUSD"), else the plain altname ("SOLUSD").
#pragma once

#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::ingest::sim {

struct MarketPair {
  std::string symbol;          // Kraken v2: "BTC/USD"
  std::string binance_symbol;  // "BTCUSDT"
  std::string rest_altname;    // "XBTUSD": what a REST request names
  std::string rest_name;       // "XXBTZUSD": the key of the REST result
  int price_decimals = 2;      // tick = 10^-price_decimals
  int qty_decimals = 8;        // lot = 10^-qty_decimals
  double start_price = 100;    // where the synthetic price starts
  double median_qty = 1;       // typical trade size, in the base asset
  double weight = 1;           // relative share of the market's trades
  double volatility = 2e-4;    // long-run std. deviation of a per-trade log return

  // True if `name` names this pair in any dialect: "BTC/USD", "XBTUSD", "XXBTZUSD",
  // "BTCUSD", "BTCUSDT" (case-insensitive).
  bool Matches(std::string_view name) const;
};

// The pair for a Kraken v2 symbol "BASE/QUOTE" (2-10 letters or digits each, any
// case). Known pairs (BTC, ETH, SOL, XRP, DOGE, LTC, ADA against USD) get realistic
// prices, ticks and sizes; others start at 100 with a 0.01 tick. InvalidArgument
// naming the symbol otherwise.
Result<MarketPair> MakeMarketPair(std::string_view symbol);

}  // namespace rtml::ingest::sim
