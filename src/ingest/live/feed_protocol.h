// Internal: what a LiveFeed does differently per exchange — where to connect, what
// to send after connecting, how to read a frame, how long silence may last.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/ingest/live_feed.h"

namespace rtml::ingest {

// What handling one frame told the feed.
struct FrameEvents {
  int trades = 0;
  bool bad = false;
  int subscribed = 0;        // symbols acknowledged
  int subscribe_failed = 0;  // symbols refused
  std::string error;         // the exchange's reason for a refusal
};

class LiveFeed::Protocol {
 public:
  virtual ~Protocol() = default;

  virtual std::string_view default_url() const = 0;
  // The URL to connect to, from the configured one (Binance appends the streams).
  virtual std::string ConnectUrl(std::string_view configured) const = 0;
  virtual std::chrono::milliseconds default_silence_timeout() const = 0;
  // 0: no limit.
  virtual std::chrono::milliseconds default_max_connection_age() const = 0;
  // Requests to send once connected (subscriptions).
  virtual std::vector<std::string> SubscribeMessages() = 0;
  // Reads one frame: trades to handler.Accept, unreadable frames to handler.Reject.
  // Returns the handler's error, if any.
  virtual Status HandleFrame(std::string_view frame, int64_t received_ns, TradeHandler& handler,
                             std::string_view source, FrameEvents* events) = 0;
};

std::unique_ptr<LiveFeed::Protocol> MakeKrakenProtocol(std::vector<std::string> pairs);
std::unique_ptr<LiveFeed::Protocol> MakeBinanceProtocol(std::vector<std::string> pairs);

}  // namespace rtml::ingest
