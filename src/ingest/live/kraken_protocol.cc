// Kraken websocket API v2: subscribe to the trade channel of every pair (one
// acknowledgement per symbol comes back), then trade snapshot/update messages and a
// heartbeat every second.
#include "feed_protocol.h"
#include "rtml/core/json_writer.h"
#include "rtml/ingest/kraken_parser.h"

namespace rtml::ingest {
namespace {

class KrakenProtocol final : public LiveFeed::Protocol {
 public:
  explicit KrakenProtocol(std::vector<std::string> pairs) : pairs_(std::move(pairs)) {}

  std::string_view default_url() const override { return "wss://ws.kraken.com/v2"; }
  std::string ConnectUrl(std::string_view configured) const override {
    return std::string(configured);
  }
  std::chrono::milliseconds default_silence_timeout() const override {
    return std::chrono::seconds(10);
  }
  std::chrono::milliseconds default_max_connection_age() const override {
    return std::chrono::milliseconds(0);
  }

  std::vector<std::string> SubscribeMessages() override {
    std::string request = R"({"method":"subscribe","params":{"channel":"trade","symbol":[)";
    for (size_t i = 0; i < pairs_.size(); ++i) {
      if (i > 0) request += ',';
      json::AppendString(request, pairs_[i]);
    }
    // The snapshot fills what was missed while disconnected; repeats are dropped
    // downstream as duplicates.
    request += R"(],"snapshot":true},"req_id":)" + std::to_string(++request_id_) + "}";
    return {request};
  }

  Status HandleFrame(std::string_view frame, int64_t received_ns, TradeHandler& handler,
                     std::string_view source, FrameEvents* events) override {
    const Status parsed = parser_.Parse(frame, received_ns, &message_);
    if (!parsed.ok()) {
      events->bad = true;
      return handler.Reject(frame, parsed.message(), source);
    }
    switch (message_.kind) {
      case KrakenMessage::Kind::kTrades:
        for (const Trade& trade : message_.trades) {
          RTML_RETURN_IF_ERROR(handler.Accept(trade, frame, source));
          ++events->trades;
        }
        break;
      case KrakenMessage::Kind::kSubscribed:
        ++events->subscribed;
        break;
      case KrakenMessage::Kind::kSubscribeFailed:
        ++events->subscribe_failed;
        events->error = message_.symbol + ": " + message_.error;
        break;
      case KrakenMessage::Kind::kError:
        events->error = message_.method + ": " + message_.error;
        break;
      default:  // status, heartbeat, pong: liveness only
        break;
    }
    return Status::Ok();
  }

 private:
  std::vector<std::string> pairs_;
  KrakenParser parser_;
  KrakenMessage message_;
  int64_t request_id_ = 0;
};

}  // namespace

std::unique_ptr<LiveFeed::Protocol> MakeKrakenProtocol(std::vector<std::string> pairs) {
  return std::make_unique<KrakenProtocol>(std::move(pairs));
}

}  // namespace rtml::ingest
