// Internal: what websocket clients ask the exchange simulator, parsed. Any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::ingest::sim {

// A Kraken v2 request: {"method":"subscribe","params":{"channel":"trade","symbol":[..],
// "snapshot":true},"req_id":1}, or {"method":"ping","req_id":2}.
struct KrakenRequest {
  std::string method;
  std::string channel;  // params.channel, may be empty
  std::vector<std::string> symbols;
  bool snapshot = false;  // Kraken's default for the trade channel
  std::optional<int64_t> req_id;
};

// InvalidArgument with Kraken-like wording for text that is not a JSON object with
// a string "method".
Result<KrakenRequest> ParseKrakenRequest(std::string_view text);

// A Binance request: {"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}.
struct BinanceRequest {
  std::string method;
  std::vector<std::string> params;
  std::optional<int64_t> id;
};

Result<BinanceRequest> ParseBinanceRequest(std::string_view text);

// The stream names of a combined-stream target "/stream?streams=a@trade/b@trade"
// (lower-cased); empty if there are none.
std::vector<std::string> StreamsOfTarget(std::string_view target);

}  // namespace rtml::ingest::sim
