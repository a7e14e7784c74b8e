// LiveFeed: keeps one exchange websocket feed flowing into rtml, 24/7.
//
// Run() connects, subscribes to the pairs, and hands every trade it reads to a
// TradeHandler, until Stop(). It treats silence as death: when nothing (message,
// heartbeat, ping) arrives for `silence_timeout`, the connection is dropped. On any
// loss it reconnects with exponential backoff and jitter and subscribes again;
// trades the exchange repeats then (Kraken's snapshot) are the handler's to drop as
// duplicates. It also reconnects before an exchange's maximum connection age
// (Binance cuts connections at 24 h), so the cut never happens mid-burst.
//
// Threads: Run() on one thread; Stop() and stats() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/backoff.h"
#include "rtml/core/result.h"
#include "rtml/ingest/net/websocket_client.h"
#include "rtml/ingest/trade.h"
#include "rtml/ingest/trade_handler.h"

namespace rtml::ingest {

enum class Exchange { kKraken, kBinance };

// Parses "kraken" / "binance".
Result<Exchange> ParseExchange(std::string_view name);
std::string_view ExchangeName(Exchange exchange);

struct LiveFeedOptions {
  Exchange exchange = Exchange::kKraken;
  // Kraken: the v2 endpoint (default wss://ws.kraken.com/v2). Binance: the base URL
  // (default wss://stream.binance.com:9443); /stream?streams=... is appended.
  std::string url;
  // Kraken v2 symbols ("BTC/USD") or Binance symbols ("BTCUSDT", any case).
  std::vector<std::string> pairs;
  // Silence longer than this means a dead connection. 0: the exchange's default
  // (Kraken 10 s, it heartbeats every second; Binance 5 min, it pings every few).
  std::chrono::milliseconds silence_timeout{0};
  // Reconnect proactively after this long. 0: the exchange's default (Binance
  // 23 h 50 min, before its 24 h cut; Kraken none).
  std::chrono::milliseconds max_connection_age{0};
  BackoffOptions backoff;
  net::WebSocketClientOptions websocket;
};

struct LiveFeedStats {
  int64_t connects = 0;    // successful connections (the first included)
  int64_t reconnects = 0;  // connections after the first
  int64_t failures = 0;    // failed connects and lost connections
  int64_t frames = 0;      // messages read
  int64_t trades = 0;      // trades handed to Accept
  int64_t bad_frames = 0;  // frames handed to Reject
  int64_t silences = 0;    // connections dropped for silence
  int64_t subscribe_failures = 0;
  std::string last_error;
};

class LiveFeed {
 public:
  // InvalidArgument if there are no pairs or the URL is not ws:// or wss://.
  static Result<std::unique_ptr<LiveFeed>> Create(LiveFeedOptions options, TradeHandler* handler);
  ~LiveFeed();

  // Runs until Stop(); returns OK then, or the first error the handler returned
  // (a broker failure: ingestion cannot go on without losing trades).
  Status Run();
  void Stop() { stop_.store(true); }

  LiveFeedStats stats() const;
  // The URL Run() connects to.
  const std::string& url() const { return url_; }

  class Protocol;  // what differs between exchanges (internal)

 private:
  LiveFeed(LiveFeedOptions options, std::string url, std::unique_ptr<Protocol> protocol,
           TradeHandler* handler);
  // One connection's life: connect, subscribe, read until lost or stopped.
  Status RunConnection();
  void RecordFailure(const Status& status);
  void Sleep(std::chrono::milliseconds wait);

  const LiveFeedOptions options_;
  const std::string url_;
  std::unique_ptr<Protocol> protocol_;
  TradeHandler* const handler_;
  Backoff backoff_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;  // guards stats_
  LiveFeedStats stats_;
};

}  // namespace rtml::ingest
