#include "rtml/ingest/live_feed.h"

#include <thread>

#include "feed_protocol.h"
#include "rtml/core/log.h"

namespace rtml::ingest {
namespace {

// Read() waits at most this long, so Stop(), silence and age are noticed promptly.
constexpr auto kReadSlice = std::chrono::milliseconds(200);

std::string Seconds(std::chrono::milliseconds d) {
  return std::to_string(d.count() / 1000.0).substr(0, 5) + " s";
}

}  // namespace

Result<Exchange> ParseExchange(std::string_view name) {
  if (name == "kraken") return Exchange::kKraken;
  if (name == "binance") return Exchange::kBinance;
  return Status::InvalidArgument("unknown exchange '" + std::string(name) +
                                 "' (expected kraken or binance)");
}

std::string_view ExchangeName(Exchange exchange) {
  return exchange == Exchange::kKraken ? "kraken" : "binance";
}

Result<std::unique_ptr<LiveFeed>> LiveFeed::Create(LiveFeedOptions options, TradeHandler* handler) {
  if (options.pairs.empty()) return Status::InvalidArgument("no pairs to subscribe to");
  auto protocol = options.exchange == Exchange::kKraken ? MakeKrakenProtocol(options.pairs)
                                                        : MakeBinanceProtocol(options.pairs);
  const std::string configured =
      options.url.empty() ? std::string(protocol->default_url()) : options.url;
  if (!configured.starts_with("ws://") && !configured.starts_with("wss://")) {
    return Status::InvalidArgument("feed URL '" + configured + "' is not ws:// or wss://");
  }
  std::string url = protocol->ConnectUrl(configured);
  return std::unique_ptr<LiveFeed>(
      new LiveFeed(std::move(options), std::move(url), std::move(protocol), handler));
}

LiveFeed::LiveFeed(LiveFeedOptions options, std::string url, std::unique_ptr<Protocol> protocol,
                   TradeHandler* handler)
    : options_(std::move(options)),
      url_(std::move(url)),
      protocol_(std::move(protocol)),
      handler_(handler),
      backoff_(options_.backoff) {}

LiveFeed::~LiveFeed() = default;

LiveFeedStats LiveFeed::stats() const {
  std::lock_guard<std::mutex> guard(mu_);
  return stats_;
}

void LiveFeed::RecordFailure(const Status& status) {
  std::lock_guard<std::mutex> guard(mu_);
  ++stats_.failures;
  stats_.last_error = status.ToString();
}

void LiveFeed::Sleep(std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (!stop_.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(
        std::chrono::milliseconds(20), until - std::chrono::steady_clock::now()));
  }
}

Status LiveFeed::Run() {
  while (!stop_.load()) {
    RTML_RETURN_IF_ERROR(RunConnection());
    if (stop_.load()) break;
    const auto wait = backoff_.Next();
    LogWarning(std::string(ExchangeName(options_.exchange)) + " feed: " + stats().last_error +
               "; reconnecting in " + Seconds(wait));
    Sleep(wait);
  }
  return Status::Ok();
}

Status LiveFeed::RunConnection() {
  auto connected = net::WebSocketClient::Connect(url_, options_.websocket);
  if (!connected.ok()) {
    RecordFailure(connected.status());
    return Status::Ok();
  }
  net::WebSocketClient& client = **connected;
  {
    std::lock_guard<std::mutex> guard(mu_);
    if (++stats_.connects > 1) ++stats_.reconnects;
  }
  for (const std::string& request : protocol_->SubscribeMessages()) {
    if (Status sent = client.Send(request); !sent.ok()) {
      RecordFailure(sent);
      return Status::Ok();
    }
  }
  const auto silence = options_.silence_timeout.count() > 0 ? options_.silence_timeout
                                                            : protocol_->default_silence_timeout();
  const auto max_age = options_.max_connection_age.count() > 0
                           ? options_.max_connection_age
                           : protocol_->default_max_connection_age();
  const auto opened = std::chrono::steady_clock::now();
  const std::string source = std::string(ExchangeName(options_.exchange)) + ":" + url_;
  bool delivered = false;

  while (!stop_.load()) {
    const auto now = std::chrono::steady_clock::now();
    if (max_age.count() > 0 && now - opened >= max_age) {
      // Leave before the exchange cuts us, at a moment of our choosing.
      (void)client.Close();
      backoff_.Reset();
      std::lock_guard<std::mutex> guard(mu_);
      stats_.last_error = "connection older than " + Seconds(max_age) + ", renewed";
      return Status::Ok();
    }
    auto frame = client.Read(kReadSlice);
    if (!frame.ok()) {
      if (frame.status().code() != StatusCode::kTimeout) {
        RecordFailure(frame.status());
        return Status::Ok();
      }
      if (std::chrono::steady_clock::now() - client.last_receive_time() >= silence) {
        RecordFailure(Status::Timeout("nothing received from " + url_ + " for " + Seconds(silence) +
                                      "; the connection is dead"));
        std::lock_guard<std::mutex> guard(mu_);
        ++stats_.silences;
        return Status::Ok();
      }
      continue;
    }
    FrameEvents events;
    RTML_RETURN_IF_ERROR(
        protocol_->HandleFrame(frame->text, frame->received_ns, *handler_, source, &events));
    if (events.trades > 0) RTML_RETURN_IF_ERROR(handler_->EndOfFrame());
    if (!delivered && (events.trades > 0 || events.subscribed > 0)) {
      delivered = true;
      backoff_.Reset();  // a connection that works earns a fast reconnect next time
    }
    std::lock_guard<std::mutex> guard(mu_);
    ++stats_.frames;
    stats_.trades += events.trades;
    stats_.bad_frames += events.bad ? 1 : 0;
    stats_.subscribe_failures += events.subscribe_failed;
    if (!events.error.empty()) {
      stats_.last_error = events.error;
      LogWarning(std::string(ExchangeName(options_.exchange)) + " feed: " + events.error);
    }
  }
  (void)client.Close();
  return Status::Ok();
}

}  // namespace rtml::ingest
