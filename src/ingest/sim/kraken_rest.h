// Internal: the answer of the Kraken REST Trades endpoint from the ground truth. A
// pure function; the caller holds the simulator's lock.
#pragma once

#include <vector>

#include "rtml/ingest/net/http_message.h"
#include "rtml/ingest/sim/market_pair.h"
#include "trade_history.h"

namespace rtml::ingest::sim {

inline constexpr size_t kKrakenRestMaxTrades = 1000;

// GET /0/public/Trades?pair=..&since=..&count=.. as documented in
// exchange_simulator.h; errors in Kraken's form ({"error":["EQuery:Unknown asset
// pair"]}, {"error":["EGeneral:Invalid arguments"]}) with HTTP 200, as Kraken does.
net::HttpResponse KrakenTradesResponse(const net::HttpRequest& request,
                                       const std::vector<MarketPair>& pairs,
                                       const TradeHistory& history);

// The rate-limit error body.
inline constexpr std::string_view kKrakenRateLimitBody =
    "{\"error\":[\"EGeneral:Too many requests\"]}";

}  // namespace rtml::ingest::sim
