#include "rtml/ingest/sim/exchange_simulator.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "capture_feed.h"
#include "client_requests.h"
#include "kraken_rest.h"
#include "rtml/core/clock.h"
#include "rtml/core/log.h"
#include "rtml/ingest/net/loopback_server.h"
#include "sim_random.h"
#include "trade_history.h"
#include "trade_messages.h"

namespace rtml::ingest::sim {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTick = std::chrono::milliseconds(10);
constexpr size_t kSnapshotTrades = 50;
// A trade held back for reordering goes out alone if its pair stays quiet this long.
constexpr auto kMaxHold = std::chrono::seconds(2);
// Replay waits while a client has this many messages queued (backpressure).
constexpr size_t kMaxQueued = 20'000;
constexpr std::string_view kHeartbeat = "{\"channel\":\"heartbeat\"}";

// One websocket client of the simulator. Guarded by the simulator's lock.
struct Subscriber {
  enum class Kind { kKraken, kBinance };
  Kind kind = Kind::kKraken;
  std::shared_ptr<net::WebSocketConnection> connection;
  Clock::time_point opened;
  Clock::time_point last_sent;
  Clock::time_point last_ping;
  std::vector<bool> pairs;        // synthetic pairs subscribed, by index
  std::set<std::string> streams;  // Binance stream names (replay routes by these)
  bool subscribed_any = false;    // Kraken: heartbeats start with a subscription
  bool dropped = false;
  bool stalled = false;
  int stalls = 0;
  Clock::time_point stall_end;
  // Reordering: per pair, a trade held back until the next one.
  std::vector<std::optional<SimTrade>> held;
  std::vector<Clock::time_point> held_since;
  std::optional<std::string> held_frame;  // replay: a trade frame held back
  Clock::time_point held_frame_since;

  Dialect dialect() const { return kind == Kind::kKraken ? Dialect::kKraken : Dialect::kBinance; }
};

struct Counters {
  std::atomic<int64_t> trades_generated{0}, connections_opened{0}, connections_open{0},
      messages_sent{0}, rest_requests{0}, replay_frames{0}, replay_trade_frames{0}, drops{0},
      stalls{0}, malformed{0}, truncated{0}, duplicates{0}, reorders{0}, rate_limited{0},
      server_errors{0};
  std::atomic<bool> replay_finished{false};
};

}  // namespace

class ExchangeSimulator::Impl {
 public:
  explicit Impl(ExchangeSimulatorOptions options)
      : options_(std::move(options)),
        server_(net::LoopbackServerOptions{options_.address, options_.port, options_.cert_file,
                                           options_.key_file}),
        history_(0),
        fault_rng_(options_.fault_seed) {}

  ~Impl() {
    Stop();
    if (truth_ != nullptr) std::fclose(truth_);
  }

  Status Init() {
    if (!(options_.replay_speed >= 0)) {
      return Status::InvalidArgument("replay speed must be >= 0 (0: as fast as possible)");
    }
    if (options_.heartbeat_interval.count() <= 0 || options_.binance_ping_interval.count() <= 0) {
      return Status::InvalidArgument("heartbeat and ping intervals must be positive");
    }
    if (options_.replay_files.empty()) {
      options_.market.start_ns = WallClockNs() - options_.history.count() * 1'000'000;
      RTML_ASSIGN_OR_RETURN(market_, SyntheticMarket::Create(options_.market));
      pairs_ = market_->pairs();
      history_ = TradeHistory(pairs_.size());
      next_trade_ = market_->Next();
    } else {
      RTML_ASSIGN_OR_RETURN(feed_, CaptureFeed::Open(options_.replay_files));
    }
    if (!options_.truth_file.empty()) {
      truth_ = std::fopen(options_.truth_file.c_str(), "w");
      if (truth_ == nullptr) {
        return Status::FromErrno("cannot create truth file " + options_.truth_file, errno);
      }
    }
    // History up to now, before anyone can connect.
    if (market_) GenerateUntil(WallClockNs(), nullptr);

    net::WebSocketHandler kraken;
    kraken.on_open = [this](const std::shared_ptr<net::WebSocketConnection>& connection) {
      OnOpen(connection, Subscriber::Kind::kKraken);
    };
    kraken.on_message = [this](net::WebSocketConnection& connection, std::string_view message) {
      OnKrakenMessage(connection, message);
    };
    kraken.on_close = [this](net::WebSocketConnection& connection) { OnClose(connection); };
    net::WebSocketHandler binance = kraken;
    binance.on_open = [this](const std::shared_ptr<net::WebSocketConnection>& connection) {
      OnOpen(connection, Subscriber::Kind::kBinance);
    };
    binance.on_message = [this](net::WebSocketConnection& connection, std::string_view message) {
      OnBinanceMessage(connection, message);
    };
    server_.AddWebSocketRoute("/v2", kraken);
    server_.AddWebSocketRoute("/stream", binance);
    server_.AddHttpRoute("/0/public/Trades",
                         [this](const net::HttpRequest& request) { return OnRest(request); });
    RTML_RETURN_IF_ERROR(server_.Start());

    market_thread_ = std::thread([this] { MarketLoop(); });
    if (feed_) replay_thread_ = std::thread([this] { ReplayLoop(); });
    return Status::Ok();
  }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      stopped_ = true;
    }
    wake_.notify_all();
    if (market_thread_.joinable()) market_thread_.join();
    if (replay_thread_.joinable()) replay_thread_.join();
    server_.Stop();
    std::lock_guard lock(mu_);
    subscribers_.clear();
    if (truth_ != nullptr) std::fflush(truth_);
  }

  // --- websocket handlers (I/O thread) ---

  void OnOpen(const std::shared_ptr<net::WebSocketConnection>& connection, Subscriber::Kind kind) {
    std::lock_guard lock(mu_);
    auto subscriber = std::make_shared<Subscriber>();
    subscriber->kind = kind;
    subscriber->connection = connection;
    subscriber->opened = subscriber->last_sent = subscriber->last_ping = Clock::now();
    subscriber->pairs.assign(pairs_.size(), false);
    subscriber->held.resize(pairs_.size());
    subscriber->held_since.resize(pairs_.size());
    ++counters_.connections_opened;
    ++counters_.connections_open;
    if (kind == Subscriber::Kind::kKraken) {
      Send(*subscriber, KrakenStatusMessage(connection->id()));
    } else {
      for (const std::string& stream : StreamsOfTarget(connection->target())) {
        AddStream(*subscriber, stream);
      }
      binance_connected_ = true;
      wake_.notify_all();
    }
    subscribers_[connection->id()] = std::move(subscriber);
  }

  void OnClose(net::WebSocketConnection& connection) {
    std::lock_guard lock(mu_);
    if (subscribers_.erase(connection.id()) > 0) --counters_.connections_open;
  }

  void OnKrakenMessage(net::WebSocketConnection& connection, std::string_view message) {
    const int64_t time_in = WallClockNs();
    std::lock_guard lock(mu_);
    auto it = subscribers_.find(connection.id());
    if (it == subscribers_.end()) return;
    Subscriber& subscriber = *it->second;
    Result<KrakenRequest> parsed = ParseKrakenRequest(message);
    if (!parsed.ok()) {
      Send(subscriber,
           KrakenError("", parsed.status().message(), std::nullopt, time_in, WallClockNs()));
      return;
    }
    const KrakenRequest& request = *parsed;
    if (request.method == "ping") {
      Send(subscriber, KrakenPong(request.req_id, time_in, WallClockNs()));
      return;
    }
    if (request.method != "subscribe" && request.method != "unsubscribe") {
      Send(subscriber,
           KrakenError(request.method, "Method not found", request.req_id, time_in, WallClockNs()));
      return;
    }
    if (request.channel != "trade") {
      Send(subscriber,
           KrakenError(request.method,
                       request.channel.empty() ? "Missing channel"
                                               : "Channel " + request.channel + " not supported",
                       request.req_id, time_in, WallClockNs()));
      return;
    }
    if (request.symbols.empty()) {
      Send(subscriber,
           KrakenError(request.method, "Missing symbol", request.req_id, time_in, WallClockNs()));
      return;
    }
    const bool subscribe = request.method == "subscribe";
    for (const std::string& symbol : request.symbols) {
      int index = -1;
      for (size_t i = 0; i < pairs_.size(); ++i) {
        if (pairs_[i].symbol == symbol) index = static_cast<int>(i);
      }
      std::string error;
      if (index < 0) {
        error = "Currency pair not supported " + symbol;
      } else if (subscribe && subscriber.pairs[static_cast<size_t>(index)]) {
        error = "Already subscribed";
      } else if (!subscribe && !subscriber.pairs[static_cast<size_t>(index)]) {
        error = "Subscription Not Found";
      }
      Send(subscriber, KrakenAck(request.method, symbol, request.snapshot, request.req_id, error,
                                 time_in, WallClockNs()));
      if (!error.empty()) continue;
      subscriber.pairs[static_cast<size_t>(index)] = subscribe;
      if (!subscribe) continue;
      subscriber.subscribed_any = true;
      if (request.snapshot) {
        // Under the lock that dispatch takes too: the updates that follow continue
        // exactly where the snapshot ends.
        const std::vector<SimTrade> last = history_.Last(index, kSnapshotTrades);
        Send(subscriber, KrakenTradeMessage("snapshot", pairs_[static_cast<size_t>(index)], last));
      }
    }
  }

  void OnBinanceMessage(net::WebSocketConnection& connection, std::string_view message) {
    std::lock_guard lock(mu_);
    auto it = subscribers_.find(connection.id());
    if (it == subscribers_.end()) return;
    Subscriber& subscriber = *it->second;
    Result<BinanceRequest> parsed = ParseBinanceRequest(message);
    if (!parsed.ok()) {
      Send(subscriber, "{\"code\":2,\"msg\":\"" + parsed.status().message() + "\"}");
      return;
    }
    const std::string id = parsed->id ? std::to_string(*parsed->id) : "null";
    if (parsed->method == "SUBSCRIBE" || parsed->method == "UNSUBSCRIBE") {
      for (const std::string& stream : parsed->params) {
        if (parsed->method == "SUBSCRIBE") {
          AddStream(subscriber, stream);
        } else {
          RemoveStream(subscriber, stream);
        }
      }
      Send(subscriber, "{\"result\":null,\"id\":" + id + "}");
    } else if (parsed->method == "LIST_SUBSCRIPTIONS") {
      std::string list;
      for (const std::string& stream : subscriber.streams) {
        list += (list.empty() ? "\"" : ",\"") + stream + "\"";
      }
      Send(subscriber, "{\"result\":[" + list + "],\"id\":" + id + "}");
    } else {
      Send(subscriber,
           "{\"code\":2,\"msg\":\"Invalid request: unknown method\",\"id\":" + id + "}");
    }
  }

  // --- REST (I/O thread) ---

  net::HttpResponse OnRest(const net::HttpRequest& request) {
    std::lock_guard lock(mu_);
    ++counters_.rest_requests;
    if (fault_rng_.Bernoulli(options_.faults.rate_limit)) {
      ++counters_.rate_limited;
      return net::HttpResponse{200, {}, std::string(kKrakenRateLimitBody)};
    }
    if (fault_rng_.Bernoulli(options_.faults.server_error)) {
      ++counters_.server_errors;
      return net::HttpResponse{503,
                               {{"Retry-After", "1"}, {"Content-Type", "text/html"}},
                               "<html><body>503 Service Temporarily Unavailable</body></html>"};
    }
    return KrakenTradesResponse(request, pairs_, history_);
  }

  // --- the market thread ---

  void MarketLoop() {
    std::unique_lock lock(mu_);
    while (!stopped_) {
      if (market_) {
        std::vector<SimTrade> batch;
        GenerateUntil(WallClockNs(), &batch);
        if (!batch.empty()) Dispatch(batch);
      }
      Housekeeping(Clock::now());
      wake_.wait_for(lock, kTick, [this] { return stopped_; });
    }
  }

  // Generates every trade up to `until_ns` into the ground truth (and `batch`).
  void GenerateUntil(int64_t until_ns, std::vector<SimTrade>* batch) {
    while (next_trade_.ts_ns <= until_ns) {
      history_.Append(next_trade_);
      ++counters_.trades_generated;
      if (truth_ != nullptr) {
        const std::string line =
            TruthJson(pairs_[static_cast<size_t>(next_trade_.pair)], next_trade_) + "\n";
        std::fwrite(line.data(), 1, line.size(), truth_);
      }
      if (batch != nullptr) batch->push_back(next_trade_);
      next_trade_ = market_->Next();
    }
  }

  void Dispatch(const std::vector<SimTrade>& batch) {
    for (auto& [id, subscriber] : subscribers_) {
      Subscriber& s = *subscriber;
      for (size_t pair = 0; pair < pairs_.size(); ++pair) {
        if (!s.pairs[pair]) continue;
        std::vector<SimTrade> trades;
        for (const SimTrade& trade : batch) {
          if (static_cast<size_t>(trade.pair) == pair) trades.push_back(trade);
        }
        if (trades.empty()) continue;
        std::vector<SimTrade> out = ApplyTradeFaults(s, pair, trades);
        if (out.empty()) continue;
        if (s.kind == Subscriber::Kind::kKraken) {
          SendData(s, KrakenTradeMessage("update", pairs_[pair], out));
        } else {
          for (const SimTrade& trade : out) SendData(s, BinanceTradeFrame(pairs_[pair], trade));
        }
      }
    }
  }

  // The trades to send for `trades` after duplicate and reorder faults.
  std::vector<SimTrade> ApplyTradeFaults(Subscriber& s, size_t pair,
                                         const std::vector<SimTrade>& trades) {
    std::vector<SimTrade> out;
    for (const SimTrade& trade : trades) {
      if (s.held[pair]) {
        out.push_back(trade);
        out.push_back(*s.held[pair]);  // the held trade now comes after a later one
        s.held[pair].reset();
        ++counters_.reorders;
        continue;
      }
      if (fault_rng_.Bernoulli(options_.faults.reorder)) {
        s.held[pair] = trade;
        s.held_since[pair] = Clock::now();
        continue;
      }
      out.push_back(trade);
      if (fault_rng_.Bernoulli(options_.faults.duplicate)) {
        out.push_back(trade);
        ++counters_.duplicates;
      }
    }
    return out;
  }

  // Sends a trade message, maybe preceded by a malformed or truncated one.
  void SendData(Subscriber& s, const std::string& message) {
    if (fault_rng_.Bernoulli(options_.faults.malformed)) {
      ++counters_.malformed;
      Send(s, MalformedCopy(message, s.dialect(), fault_rng_.NextU64()));
    }
    if (message.size() > 1 && fault_rng_.Bernoulli(options_.faults.truncated)) {
      ++counters_.truncated;
      Send(s, message.substr(0, 1 + fault_rng_.Below(message.size() - 1)));
    }
    Send(s, message);
  }

  void Send(Subscriber& s, std::string message) {
    s.last_sent = Clock::now();
    ++counters_.messages_sent;
    s.connection->Send(std::move(message));
  }

  void Housekeeping(Clock::time_point now) {
    const FaultSpec& faults = options_.faults;
    for (auto& [id, subscriber] : subscribers_) {
      Subscriber& s = *subscriber;
      if (s.dropped) continue;
      if (faults.drop_after.count() > 0 && now - s.opened >= faults.drop_after) {
        s.dropped = true;
        ++counters_.drops;  // counted first: the client may see the drop at once
        s.connection->Drop();
        continue;
      }
      if (faults.stall_for.count() > 0) {
        if (!s.stalled && now >= s.opened + faults.stall_every * (s.stalls + 1)) {
          s.stalled = true;
          s.stall_end = now + faults.stall_for;
          ++s.stalls;
          ++counters_.stalls;
          s.connection->SetSending(false);
        } else if (s.stalled && now >= s.stall_end) {
          s.stalled = false;
          s.connection->SetSending(true);
          s.last_sent = s.last_ping = now;
        }
      }
      for (size_t pair = 0; pair < s.held.size(); ++pair) {
        if (s.held[pair] && now - s.held_since[pair] >= kMaxHold) {
          const std::vector<SimTrade> one = {*s.held[pair]};
          s.held[pair].reset();
          if (s.kind == Subscriber::Kind::kKraken) {
            SendData(s, KrakenTradeMessage("update", pairs_[pair], one));
          } else {
            SendData(s, BinanceTradeFrame(pairs_[pair], one[0]));
          }
        }
      }
      if (s.held_frame && now - s.held_frame_since >= kMaxHold) FlushHeldFrame(s);
      if (s.stalled) continue;
      if (s.kind == Subscriber::Kind::kKraken) {
        if (s.subscribed_any && now - s.last_sent >= options_.heartbeat_interval) {
          Send(s, std::string(kHeartbeat));
        }
      } else if (now - s.last_ping >= options_.binance_ping_interval) {
        s.last_ping = now;
        s.connection->Ping();
      }
    }
  }

  void AddStream(Subscriber& s, const std::string& stream) {
    s.streams.insert(stream);
    for (size_t i = 0; i < pairs_.size(); ++i) {
      if (BinanceTradeStream(pairs_[i]) == stream) s.pairs[i] = true;
    }
  }

  void RemoveStream(Subscriber& s, const std::string& stream) {
    s.streams.erase(stream);
    for (size_t i = 0; i < pairs_.size(); ++i) {
      if (BinanceTradeStream(pairs_[i]) == stream) s.pairs[i] = false;
    }
  }

  // --- the replay thread ---

  void ReplayLoop() {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopped_ || binance_connected_; });
      if (stopped_) return;
    }
    LogInfo("exchange-sim: replay started");
    const double speed = options_.replay_speed;
    const Clock::time_point started = Clock::now();
    int64_t first_ns = 0;
    bool first = true;
    CaptureFrame frame;
    while (true) {
      Result<bool> more = feed_->Next(&frame);
      if (!more.ok()) {
        LogWarning("exchange-sim: replay stopped: " + more.status().ToString());
        break;
      }
      if (!*more) break;
      if (first) {
        first_ns = frame.received_ns;
        first = false;
      }
      if (speed > 0) {
        const auto offset = std::chrono::nanoseconds(
            static_cast<int64_t>(static_cast<double>(frame.received_ns - first_ns) / speed));
        std::unique_lock lock(mu_);
        if (wake_.wait_until(lock, started + offset, [this] { return stopped_; })) return;
      }
      if (!ReplayFrame(frame)) return;
    }
    std::lock_guard lock(mu_);
    for (auto& [id, subscriber] : subscribers_) FlushHeldFrame(*subscriber);
    counters_.replay_finished = true;
    LogInfo("exchange-sim: replay finished, " + std::to_string(counters_.replay_frames.load()) +
            " frames");
  }

  // Sends one capture frame to its subscribers; waits (outside the lock) while a
  // client is far behind. False once stopped.
  bool ReplayFrame(const CaptureFrame& frame) {
    const bool trade = frame.stream.ends_with("@trade");
    const std::string stream(frame.stream);
    while (true) {
      std::unique_lock lock(mu_);
      if (stopped_) return false;
      bool behind = false;
      for (auto& [id, subscriber] : subscribers_) {
        if (subscriber->streams.count(stream) > 0 &&
            subscriber->connection->queued() > kMaxQueued && !subscriber->dropped) {
          behind = true;
        }
      }
      if (!behind) break;
      wake_.wait_for(lock, std::chrono::milliseconds(1), [this] { return stopped_; });
    }
    std::lock_guard lock(mu_);
    ++counters_.replay_frames;
    if (trade) ++counters_.replay_trade_frames;
    for (auto& [id, subscriber] : subscribers_) {
      Subscriber& s = *subscriber;
      if (s.streams.count(stream) == 0) continue;
      if (!trade) {
        Send(s, std::string(frame.frame));
        continue;
      }
      std::string message(frame.frame);
      if (s.held_frame) {
        SendData(s, message);
        std::string held = std::move(*s.held_frame);
        s.held_frame.reset();
        ++counters_.reorders;
        SendData(s, held);
        continue;
      }
      if (fault_rng_.Bernoulli(options_.faults.reorder)) {
        s.held_frame = std::move(message);
        s.held_frame_since = Clock::now();
        continue;
      }
      SendData(s, message);
      if (fault_rng_.Bernoulli(options_.faults.duplicate)) {
        ++counters_.duplicates;
        SendData(s, message);
      }
    }
    return true;
  }

  void FlushHeldFrame(Subscriber& s) {
    if (!s.held_frame) return;
    std::string held = std::move(*s.held_frame);
    s.held_frame.reset();
    SendData(s, held);
  }

  ExchangeSimulatorOptions options_;
  net::LoopbackServer server_;
  std::vector<MarketPair> pairs_;
  Counters counters_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopped_ = false;                                         // guarded by mu_
  std::unique_ptr<SyntheticMarket> market_;                      // guarded by mu_; null in replay
  SimTrade next_trade_;                                          // guarded by mu_
  TradeHistory history_;                                         // guarded by mu_
  std::map<uint64_t, std::shared_ptr<Subscriber>> subscribers_;  // guarded by mu_
  SimRandom fault_rng_;                                          // guarded by mu_
  std::FILE* truth_ = nullptr;                                   // guarded by mu_
  std::unique_ptr<CaptureFeed> feed_;                            // replay thread only
  bool binance_connected_ = false;                               // guarded by mu_
  std::thread market_thread_;
  std::thread replay_thread_;

  friend class ExchangeSimulator;
};

ExchangeSimulator::ExchangeSimulator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ExchangeSimulator::~ExchangeSimulator() = default;

Result<std::unique_ptr<ExchangeSimulator>> ExchangeSimulator::Start(
    ExchangeSimulatorOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  RTML_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<ExchangeSimulator>(new ExchangeSimulator(std::move(impl)));
}

void ExchangeSimulator::Stop() { impl_->Stop(); }
uint16_t ExchangeSimulator::port() const { return impl_->server_.port(); }
std::string ExchangeSimulator::KrakenWebSocketUrl() const {
  return impl_->server_.BaseUrl(true) + "/v2";
}
std::string ExchangeSimulator::BinanceStreamUrl() const {
  return impl_->server_.BaseUrl(true) + "/stream";
}
std::string ExchangeSimulator::KrakenRestUrl() const {
  return impl_->server_.BaseUrl(false) + "/0/public/Trades";
}
const std::vector<MarketPair>& ExchangeSimulator::pairs() const { return impl_->pairs_; }

SimulatorStats ExchangeSimulator::stats() const {
  const Counters& c = impl_->counters_;
  SimulatorStats stats;
  stats.trades_generated = c.trades_generated;
  stats.connections_opened = c.connections_opened;
  stats.connections_open = c.connections_open;
  stats.messages_sent = c.messages_sent;
  stats.rest_requests = c.rest_requests;
  stats.replay_frames = c.replay_frames;
  stats.replay_trade_frames = c.replay_trade_frames;
  stats.replay_finished = c.replay_finished;
  stats.drops = c.drops;
  stats.stalls = c.stalls;
  stats.malformed = c.malformed;
  stats.truncated = c.truncated;
  stats.duplicates = c.duplicates;
  stats.reorders = c.reorders;
  stats.rate_limited = c.rate_limited;
  stats.server_errors = c.server_errors;
  return stats;
}

std::vector<SimTrade> ExchangeSimulator::GroundTruth() const {
  std::lock_guard lock(impl_->mu_);
  return impl_->history_.all();
}

std::vector<SimTrade> ExchangeSimulator::GroundTruth(std::string_view pair) const {
  std::lock_guard lock(impl_->mu_);
  for (size_t i = 0; i < impl_->pairs_.size(); ++i) {
    if (impl_->pairs_[i].Matches(pair)) return impl_->history_.of(static_cast<int>(i));
  }
  return {};
}

std::string TruthJson(const MarketPair& pair, const SimTrade& trade) {
  return "{\"pair\":\"" + pair.symbol + "\",\"binance_symbol\":\"" + pair.binance_symbol +
         "\",\"trade_id\":" + std::to_string(trade.trade_id) + ",\"price\":\"" +
         TrimmedE8(trade.price_e8) + "\",\"qty\":\"" + TrimmedE8(trade.qty_e8) + "\",\"side\":\"" +
         (trade.side == Side::kBuy ? "buy" : "sell") + "\",\"ord_type\":\"" +
         (trade.market_order ? "market" : "limit") + "\",\"ts_ns\":" + std::to_string(trade.ts_ns) +
         "}";
}

}  // namespace rtml::ingest::sim
