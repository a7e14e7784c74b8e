// ExchangeSimulator: a local exchange on one loopback port, so ingestion runs and is
// tested with no internet. It speaks three protocols, each as the real exchange does:
//
//   ws://HOST:PORT/v2                  Kraken websocket API v2: a status message on
//                                      connect; {"method":"subscribe","params":
//                                      {"channel":"trade","symbol":[...],"snapshot":
//                                      true}} is acknowledged once per symbol, then a
//                                      snapshot of the symbol's last (up to) 50 trades
//                                      and updates as trades happen (trades of one
//                                      tick are batched per symbol); "unsubscribe";
//                                      {"method":"ping"} gets a pong; a heartbeat
//                                      {"channel":"heartbeat"} after 1 s without other
//                                      messages, once anything is subscribed.
//   ws://HOST:PORT/stream?streams=btcusdt@trade/ethusdt@trade
//                                      Binance combined streams: one frame per trade,
//                                      {"stream":"btcusdt@trade","data":{"e":"trade",
//                                      "E":..,"s":"BTCUSDT","t":..,"p":"..","q":"..",
//                                      "T":..,"m":..,"M":true}}; websocket ping frames
//                                      every 20 s; {"method":"SUBSCRIBE"|"UNSUBSCRIBE",
//                                      "params":[..],"id":N} answered {"result":null,
//                                      "id":N}. Unknown streams are accepted and silent.
//   http://HOST:PORT/0/public/Trades?pair=XBTUSD&since=NS[&count=N]
//                                      Kraken REST trades: the trades after `since`
//                                      (exclusive; ns, or seconds if < 1e11), oldest
//                                      first, at most `count` (default and max 1000),
//                                      keyed by the pair's REST name, with "last" = the
//                                      ns time of the last one (or `since` if none).
//                                      Without `since`: the latest 1000.
// Pair names per dialect: see market_pair.h.
//
// Sources. The synthetic market (default) starts `history` in the past: those trades
// exist at start (REST history, snapshots), later ones are generated in real time.
// Every trade is kept as ground truth (GroundTruth(); --truth writes JSONL). Or a
// replay of Binance captures (`replay_files`, lines "<receive ns> <frame>", gzip or
// plain, merged by receive time): it starts when the first Binance client connects;
// each frame goes, unchanged, to every Binance connection subscribed to its stream at
// that moment (a client connecting later joins where the replay is), paced by the
// capture's receive times / `replay_speed` (0: as fast as the slowest client reads -
// no frame is dropped for a slow client). Kraken and REST serve no pairs in replay.
//
// Faults (FaultSpec) apply to both sources; every injected fault is counted in
// stats(). Thread safety: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ingest/sim/fault_spec.h"
#include "rtml/ingest/sim/synthetic_market.h"

namespace rtml::ingest::sim {

struct ExchangeSimulatorOptions {
  std::string address = "127.0.0.1";  // bind address (default loopback)
  uint16_t port = 0;                  // 0 (default): any free port, see port()
  // PEM certificate and key: both set serves wss:// and https:// instead.
  std::string cert_file;
  std::string key_file;

  SyntheticMarketOptions market;  // pairs, seed, rate; start_ns is set by Start()
  // Synthetic trades before the start, for REST history and snapshots (default 10 min).
  std::chrono::milliseconds history{std::chrono::minutes(10)};
  std::string truth_file;  // if set, every synthetic trade as a JSON line (see below)

  // Binance captures to replay instead of the synthetic market (empty: synthetic).
  std::vector<std::string> replay_files;
  double replay_speed = 1;  // x the recorded pace; 0 = as fast as clients read

  FaultSpec faults;
  uint64_t fault_seed = 1;  // the faults' own random sequence

  std::chrono::milliseconds heartbeat_interval{1000};       // Kraken heartbeat
  std::chrono::milliseconds binance_ping_interval{20'000};  // Binance ping frames
};

// Counters since Start(). Faults are counted when injected.
struct SimulatorStats {
  int64_t trades_generated = 0;  // synthetic trades generated (history included)
  int64_t connections_opened = 0;
  int64_t connections_open = 0;
  int64_t messages_sent = 0;  // websocket messages queued (all kinds)
  int64_t rest_requests = 0;
  int64_t replay_frames = 0;        // capture frames replayed (all streams)
  int64_t replay_trade_frames = 0;  // of which @trade frames
  bool replay_finished = false;
  // Faults injected.
  int64_t drops = 0;
  int64_t stalls = 0;
  int64_t malformed = 0;
  int64_t truncated = 0;
  int64_t duplicates = 0;
  int64_t reorders = 0;
  int64_t rate_limited = 0;
  int64_t server_errors = 0;
  int64_t faults() const {
    return drops + stalls + malformed + truncated + duplicates + reorders + rate_limited +
           server_errors;
  }
};

class ExchangeSimulator {
 public:
  // Validates the options (InvalidArgument), opens the replay files and the truth
  // file (IOError naming them), binds the port and starts serving.
  static Result<std::unique_ptr<ExchangeSimulator>> Start(ExchangeSimulatorOptions options);
  ~ExchangeSimulator();  // Stop()
  ExchangeSimulator(const ExchangeSimulator&) = delete;
  ExchangeSimulator& operator=(const ExchangeSimulator&) = delete;

  // Closes every connection and stops the threads. Idempotent.
  void Stop();

  uint16_t port() const;
  std::string KrakenWebSocketUrl() const;  // ws://127.0.0.1:PORT/v2
  std::string BinanceStreamUrl() const;    // ws://127.0.0.1:PORT/stream (add ?streams=...)
  std::string KrakenRestUrl() const;       // http://127.0.0.1:PORT/0/public/Trades

  SimulatorStats stats() const;
  const std::vector<MarketPair>& pairs() const;  // empty in replay mode
  // Every synthetic trade so far, in generation (time) order; or those of one pair
  // (a name in any dialect; empty if unknown).
  std::vector<SimTrade> GroundTruth() const;
  std::vector<SimTrade> GroundTruth(std::string_view pair) const;

 private:
  class Impl;
  explicit ExchangeSimulator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The JSON line of the truth file for `trade` of `pair`:
// {"pair":"BTC/USD","binance_symbol":"BTCUSDT","trade_id":1000001,"price":"60000.1",
//  "qty":"0.01234","side":"buy","ord_type":"market","ts_ns":1723161255342000000}
std::string TruthJson(const MarketPair& pair, const SimTrade& trade);

}  // namespace rtml::ingest::sim
