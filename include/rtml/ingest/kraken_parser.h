// KrakenParser: reads the messages of Kraken's websocket API v2
// (wss://ws.kraken.com/v2) that a trade feed sees.
//
// Every message is one JSON object with either a "channel" (data pushed by Kraken:
// status, heartbeat, trade, ...) or a "method" (the reply to a request: subscribe,
// unsubscribe, pong, ...). KrakenMessage says which and carries what a client acts
// on; channels and methods it does not know are kOther (ignored, not errors).
//
// Trade messages carry a batch: {"channel":"trade","type":"snapshot"|"update",
// "data":[{"symbol":"BTC/USD","side":"buy","price":...,"qty":...,"ord_type":"market",
// "trade_id":...,"timestamp":"2023-09-25T07:49:37.708706Z"},...]}. Each becomes a
// Trade: pair = symbol as Kraken v2 writes it ("BTC/USD"), side = the taker's side,
// ts_ms = timestamp truncated to the millisecond. A batch with one malformed trade
// makes the whole message malformed (its valid trades are not returned), so the
// frame goes to the dead-letter topic whole; values (positive price, ...) are not
// checked here (see TradeValidator).
//
// One parser per thread; it reuses its buffers and the message's vector and
// strings, so steady-state parsing allocates nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/status.h"
#include "rtml/ingest/trade.h"

namespace rtml::ingest {

struct KrakenMessage {
  enum class Kind {
    kTrades,           // channel "trade": `trades`, `snapshot`
    kStatus,           // channel "status": `system` ("online", "maintenance", ...)
    kHeartbeat,        // channel "heartbeat": the connection is alive
    kSubscribed,       // method "subscribe", success: `channel`, `symbol` (one per symbol)
    kSubscribeFailed,  // method "subscribe", no success: `error`, `symbol` if named
    kPong,             // method "pong": the reply to our ping
    kError,            // any other request that failed: `method`, `error`
    kOther,            // a valid message of another channel or method: ignore it
  };

  Kind kind = Kind::kOther;
  bool snapshot = false;      // kTrades: type "snapshot" (recent trades sent on subscribe)
  std::string channel;        // channel, or the subscribed channel for kSubscribed
  std::string method;         // method of a reply; empty for channel messages
  std::string symbol;         // kSubscribed / kSubscribeFailed
  std::string error;          // kSubscribeFailed / kError
  std::string system;         // kStatus
  std::vector<Trade> trades;  // kTrades, in message order
};

struct KrakenParserOptions {
  std::string exchange = "kraken";  // Trade::exchange of every trade parsed
};

class KrakenParser {
 public:
  explicit KrakenParser(KrakenParserOptions options = {});
  ~KrakenParser();
  KrakenParser(const KrakenParser&) = delete;
  KrakenParser& operator=(const KrakenParser&) = delete;

  // Parses one message received at `received_ns` into *out (every field reset).
  // InvalidArgument with the reason for a malformed message: not one JSON object,
  // neither channel nor method, a trade message without type/data, or a trade
  // missing a field or with a wrong type ("trade 2: field 'price' is not a number").
  Status Parse(std::string_view frame, int64_t received_ns, KrakenMessage* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtml::ingest
