// LiveFeed against a scripted exchange on a real loopback websocket: subscriptions,
// reconnects with resubscription after drops, silence detection, bad frames, and
// the Binance stream URL.
#include "rtml/ingest/live_feed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "rtml/ingest/net/loopback_server.h"
#include "testing.h"

namespace rtml::ingest {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// Collects what the feed delivers.
class RecordingHandler final : public TradeHandler {
 public:
  Status Accept(const Trade& trade, std::string_view, std::string_view source) override {
    std::lock_guard<std::mutex> guard(mu_);
    ids_[trade.pair].push_back(trade.trade_id);
    source_ = std::string(source);
    ++not_sent_;
    return Status::Ok();
  }
  Status Reject(std::string_view raw, std::string_view reason, std::string_view) override {
    std::lock_guard<std::mutex> guard(mu_);
    rejected_.emplace_back(std::string(raw), std::string(reason));
    return Status::Ok();
  }
  Status EndOfFrame() override {
    std::lock_guard<std::mutex> guard(mu_);
    not_sent_ = 0;
    return Status::Ok();
  }
  // Trades accepted since the feed last said a frame ended (and so to send them on).
  int not_sent() {
    std::lock_guard<std::mutex> guard(mu_);
    return not_sent_;
  }
  std::vector<int64_t> ids(const std::string& pair) {
    std::lock_guard<std::mutex> guard(mu_);
    return ids_[pair];
  }
  std::vector<std::pair<std::string, std::string>> rejected() {
    std::lock_guard<std::mutex> guard(mu_);
    return rejected_;
  }
  std::string source() {
    std::lock_guard<std::mutex> guard(mu_);
    return source_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<int64_t>> ids_;
  std::vector<std::pair<std::string, std::string>> rejected_;
  std::string source_;
  int not_sent_ = 0;
};

std::string KrakenTrade(const std::string& symbol, int64_t id) {
  return R"({"symbol":")" + symbol + R"(","side":"buy","price":100.5,"qty":0.25,)" +
         R"("ord_type":"market","trade_id":)" + std::to_string(id) +
         R"(,"timestamp":"2024-08-09T00:00:01.250000Z"})";
}

std::string KrakenTrades(const std::string& type, const std::string& symbol, int64_t first,
                         int64_t count) {
  std::string msg = R"({"channel":"trade","type":")" + type + R"(","data":[)";
  for (int64_t i = 0; i < count; ++i) msg += (i ? "," : "") + KrakenTrade(symbol, first + i);
  return msg + "]}";
}

// A fake Kraken v2 endpoint. Each connection: on subscribe, one ack per symbol and a
// snapshot of the last 3 trades; then `per_connection` updates, then what the test
// chose: drop, go silent, or keep quiet with heartbeats.
class FakeKraken {
 public:
  enum class After { kDrop, kSilence, kHeartbeat };

  explicit FakeKraken(int per_connection, After after) : per_(per_connection), after_(after) {
    net::WebSocketHandler handler;
    handler.on_open = [this](const std::shared_ptr<net::WebSocketConnection>& c) {
      std::lock_guard<std::mutex> guard(mu_);
      open_[c->id()] = c;
    };
    handler.on_message = [this](net::WebSocketConnection& c, std::string_view msg) {
      OnMessage(c, msg);
    };
    server_.AddWebSocketRoute("/v2", std::move(handler));
    EXPECT_OK(server_.Start());
  }

  ~FakeKraken() {
    for (std::thread& t : droppers_) t.join();
  }

  std::string url() const { return server_.BaseUrl(true) + "/v2"; }
  int subscriptions() const { return subscriptions_.load(); }
  std::string last_request() {
    std::lock_guard<std::mutex> guard(mu_);
    return last_request_;
  }
  // Sent between the snapshot and the updates of every connection.
  void set_extra(std::string frame) { extra_ = std::move(frame); }

 private:
  void OnMessage(net::WebSocketConnection& c, std::string_view msg) {
    {
      std::lock_guard<std::mutex> guard(mu_);
      last_request_ = std::string(msg);
    }
    ++subscriptions_;
    for (const char* symbol : {"BTC/USD", "ETH/USD"}) {
      c.Send(
          std::string(
              R"({"method":"subscribe","result":{"channel":"trade","snapshot":true,"symbol":")") +
          symbol +
          R"("},"success":true,"time_in":"2024-08-09T00:00:00.000000Z","time_out":"2024-08-09T00:00:00.000100Z"})");
    }
    // The snapshot repeats the 3 trades before the next one: the overlap a client
    // must deduplicate.
    const int64_t snapshot_first = std::max<int64_t>(1, next_id_ - 3);
    c.Send(KrakenTrades("snapshot", "BTC/USD", snapshot_first, next_id_ - snapshot_first));
    if (!extra_.empty()) c.Send(extra_);
    for (int i = 0; i < per_; ++i) c.Send(KrakenTrades("update", "BTC/USD", next_id_++, 1));
    switch (after_) {
      case After::kDrop: {
        // Drop() discards what is queued, and a reset discards what the client has not
        // read yet: drop once the updates are out and the client had time to read them.
        std::shared_ptr<net::WebSocketConnection> conn;
        {
          std::lock_guard<std::mutex> guard(mu_);
          conn = open_[c.id()];
        }
        droppers_.emplace_back([conn] {
          while (conn->queued() > 0) std::this_thread::sleep_for(1ms);
          std::this_thread::sleep_for(50ms);
          conn->Drop();
        });
        break;
      }
      case After::kSilence:
        break;  // connection stays open, nothing more is sent
      case After::kHeartbeat:
        for (int i = 0; i < 3; ++i) c.Send(R"({"channel":"heartbeat"})");
        break;
    }
  }

  net::LoopbackServer server_;
  const int per_;
  const After after_;
  std::atomic<int> subscriptions_{0};
  int64_t next_id_ = 1;  // only touched on the server's I/O thread
  std::mutex mu_;
  std::string last_request_;
  std::string extra_;
  std::map<uint64_t, std::shared_ptr<net::WebSocketConnection>> open_;
  std::vector<std::thread> droppers_;  // only touched on the I/O thread, joined at the end
};

LiveFeedOptions FastOptions(const std::string& url) {
  LiveFeedOptions options;
  options.exchange = Exchange::kKraken;
  options.url = url;
  options.pairs = {"BTC/USD", "ETH/USD"};
  options.backoff = {.initial = 20ms, .max = 100ms};
  options.silence_timeout = 600ms;
  return options;
}

// Runs the feed until `done` or 10 s; returns its Run() status.
template <typename Done>
Status RunUntil(LiveFeed& feed, Done done) {
  Status result;
  std::thread runner([&] { result = feed.Run(); });
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!done() && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(10ms);
  feed.Stop();
  runner.join();
  return result;
}

TEST(LiveFeed, SubscribesToEveryPairAndDeliversTrades) {
  FakeKraken kraken(5, FakeKraken::After::kHeartbeat);
  RecordingHandler handler;
  ASSERT_OK_AND_ASSIGN(auto feed, LiveFeed::Create(FastOptions(kraken.url()), &handler));
  ASSERT_OK(RunUntil(*feed, [&] { return handler.ids("BTC/USD").size() >= 5; }));
  EXPECT_THAT(kraken.last_request(), HasSubstr(R"("channel":"trade")"));
  EXPECT_THAT(kraken.last_request(), HasSubstr(R"("symbol":["BTC/USD","ETH/USD"])"));
  EXPECT_EQ(handler.ids("BTC/USD"), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(feed->stats().connects, 1);
  EXPECT_EQ(feed->stats().reconnects, 0);
  EXPECT_EQ(handler.source(), "kraken:" + kraken.url());
  EXPECT_EQ(handler.not_sent(), 0);  // each frame's trades are handed on when it ends
}

TEST(LiveFeed, ReconnectsAndResubscribesAfterEveryDrop) {
  FakeKraken kraken(4, FakeKraken::After::kDrop);
  RecordingHandler handler;
  ASSERT_OK_AND_ASSIGN(auto feed, LiveFeed::Create(FastOptions(kraken.url()), &handler));
  ASSERT_OK(RunUntil(*feed, [&] { return kraken.subscriptions() >= 4; }));
  const LiveFeedStats stats = feed->stats();
  EXPECT_GE(stats.reconnects, 3);
  EXPECT_GE(stats.failures, 3);
  // Every id arrives; the ones repeated are exactly the snapshots' overlap, which the
  // sink drops as duplicates.
  const auto ids = handler.ids("BTC/USD");
  const std::set<int64_t> unique(ids.begin(), ids.end());
  ASSERT_FALSE(unique.empty());
  EXPECT_EQ(*unique.rbegin(), static_cast<int64_t>(unique.size()));  // 1..n, no gap
  EXPECT_GT(ids.size(), unique.size());
}

TEST(LiveFeed, SilenceMeansADeadConnection) {
  FakeKraken kraken(2, FakeKraken::After::kSilence);
  RecordingHandler handler;
  ASSERT_OK_AND_ASSIGN(auto feed, LiveFeed::Create(FastOptions(kraken.url()), &handler));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_OK(RunUntil(*feed, [&] { return kraken.subscriptions() >= 2; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 550ms);  // waited out the silence
  EXPECT_GE(feed->stats().silences, 1);
  EXPECT_THAT(feed->stats().last_error, HasSubstr("nothing received"));
}

TEST(LiveFeed, BadFramesAreRejectedWithTheirReasonAndTheFeedGoesOn) {
  FakeKraken kraken(3, FakeKraken::After::kHeartbeat);
  kraken.set_extra(R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/US)");
  RecordingHandler handler;
  ASSERT_OK_AND_ASSIGN(auto feed, LiveFeed::Create(FastOptions(kraken.url()), &handler));
  ASSERT_OK(RunUntil(*feed, [&] { return handler.ids("BTC/USD").size() >= 3; }));
  const auto rejected = handler.rejected();
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_THAT(rejected[0].first, HasSubstr("BTC/US"));
  EXPECT_FALSE(rejected[0].second.empty());
  EXPECT_EQ(feed->stats().bad_frames, 1);
  EXPECT_EQ(feed->stats().reconnects, 0);
}

TEST(LiveFeed, BinanceSubscribesThroughTheStreamUrl) {
  RecordingHandler handler;
  LiveFeedOptions options;
  options.exchange = Exchange::kBinance;
  options.url = "wss://stream.example:9443/";
  options.pairs = {"BTCUSDT", "ethusdt"};
  ASSERT_OK_AND_ASSIGN(auto feed, LiveFeed::Create(options, &handler));
  EXPECT_EQ(feed->url(), "wss://stream.example:9443/stream?streams=btcusdt@trade/ethusdt@trade");
}

TEST(LiveFeed, RejectsAFeedWithoutPairsOrWithAnHttpUrl) {
  RecordingHandler handler;
  LiveFeedOptions options;
  EXPECT_EQ(LiveFeed::Create(options, &handler).status().code(), StatusCode::kInvalidArgument);
  options.pairs = {"BTC/USD"};
  options.url = "https://ws.kraken.com/v2";
  EXPECT_THAT(LiveFeed::Create(options, &handler).status().message(), HasSubstr("not ws://"));
  EXPECT_EQ(ParseExchange("coinbase").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rtml::ingest
