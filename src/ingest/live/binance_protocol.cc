// Binance spot combined streams: the subscription is in the URL
// (/stream?streams=btcusdt@trade/ethusdt@trade), nothing is sent; the server pings
// every few minutes (the websocket client answers) and cuts connections at 24 h.
#include <algorithm>
#include <cctype>

#include "feed_protocol.h"
#include "rtml/ingest/binance_parser.h"

namespace rtml::ingest {
namespace {

class BinanceProtocol final : public LiveFeed::Protocol {
 public:
  explicit BinanceProtocol(std::vector<std::string> pairs) : pairs_(std::move(pairs)) {}

  std::string_view default_url() const override { return "wss://stream.binance.com:9443"; }

  std::string ConnectUrl(std::string_view configured) const override {
    std::string url(configured);
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += "/stream?streams=";
    for (size_t i = 0; i < pairs_.size(); ++i) {
      if (i > 0) url += '/';
      std::string stream = pairs_[i];
      std::transform(stream.begin(), stream.end(), stream.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      url += stream + "@trade";
    }
    return url;
  }

  std::chrono::milliseconds default_silence_timeout() const override {
    return std::chrono::minutes(5);
  }
  std::chrono::milliseconds default_max_connection_age() const override {
    return std::chrono::hours(23) + std::chrono::minutes(50);
  }
  std::vector<std::string> SubscribeMessages() override { return {}; }

  Status HandleFrame(std::string_view frame, int64_t received_ns, TradeHandler& handler,
                     std::string_view source, FrameEvents* events) override {
    auto parsed = parser_.Parse(frame, received_ns, &trade_);
    if (!parsed.ok()) {
      events->bad = true;
      return handler.Reject(frame, parsed.status().message(), source);
    }
    if (*parsed != BinanceParser::Frame::kTrade) return Status::Ok();
    ++events->trades;
    return handler.Accept(trade_, frame, source);
  }

 private:
  std::vector<std::string> pairs_;
  BinanceParser parser_;
  Trade trade_;
};

}  // namespace

std::unique_ptr<LiveFeed::Protocol> MakeBinanceProtocol(std::vector<std::string> pairs) {
  return std::make_unique<BinanceProtocol>(std::move(pairs));
}

}  // namespace rtml::ingest
