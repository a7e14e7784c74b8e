// Internal: the exchange simulator's messages in each exchange's format. Pure
// functions of their inputs; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rtml/ingest/sim/market_pair.h"
#include "rtml/ingest/sim/synthetic_market.h"

namespace rtml::ingest::sim {

enum class Dialect { kKraken, kBinance };

// `value_e8` / 1e8 with exactly `decimals` decimals: (6000010000000, 5) -> "60000.10000".
std::string FixedE8(int64_t value_e8, int decimals);
// The shortest exact decimal: 6000010000000 -> "60000.1", 100000000 -> "1".
std::string TrimmedE8(int64_t value_e8);
// RFC 3339 in UTC with microseconds: "2023-09-25T07:49:37.708706Z".
std::string Rfc3339Micros(int64_t ts_ns);

// Kraken v2: {"channel":"trade","type":"snapshot"|"update","data":[{...},...]}.
std::string KrakenTradeMessage(std::string_view type, const MarketPair& pair,
                               std::span<const SimTrade> trades);
// Kraken v2 status, sent on connect.
std::string KrakenStatusMessage(uint64_t connection_id);
// Kraken v2 acknowledgement of a subscribe/unsubscribe of one symbol; `error` empty
// for success.
std::string KrakenAck(std::string_view method, std::string_view symbol, bool snapshot,
                      std::optional<int64_t> req_id, std::string_view error, int64_t time_in_ns,
                      int64_t time_out_ns);
// Kraken v2 error reply to a request that could not be understood.
std::string KrakenError(std::string_view method, std::string_view error,
                        std::optional<int64_t> req_id, int64_t time_in_ns, int64_t time_out_ns);
std::string KrakenPong(std::optional<int64_t> req_id, int64_t time_in_ns, int64_t time_out_ns);

// Binance combined stream: {"stream":"btcusdt@trade","data":{"e":"trade",...}}.
std::string BinanceTradeFrame(const MarketPair& pair, const SimTrade& trade);
// "btcusdt@trade"
std::string BinanceTradeStream(const MarketPair& pair);

// Appends one Kraken REST trade row: ["price","volume",time,"b|s","m|l","",id].
void AppendKrakenRestRow(const MarketPair& pair, const SimTrade& trade, std::string& out);

// A broken variant of trade message `frame` (variant % 4): not JSON at all, a
// negative price, an unknown side, a missing trade id.
std::string MalformedCopy(std::string_view frame, Dialect dialect, uint64_t variant);

}  // namespace rtml::ingest::sim
