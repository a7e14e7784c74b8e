// TradeSink: the one path by which every source (live websocket clients, REST
// backfill, replay, the simulator's tests) hands trades to the rest of rtml.
//
// Accept() validates a parsed trade (TradeValidator), drops duplicates, and queues
// each accepted trade to the trades topic: key = pair, timestamp = ts_ms, value =
// the trade's JSON (AppendTradeJson), partition chosen from the key. A trade that
// breaks a rule goes to the dead-letter topic instead (DeadLetter with the raw frame
// it came from and the reason). Reject() dead-letters input a parser could not
// read. Duplicates are counted but NOT dead-lettered: they are expected (a
// reconnect's snapshot repeats recent trades, a backfill overlaps the live feed)
// and carry nothing a person needs to look at.
//
// Bad data never makes these calls fail: their Status reports only the broker
// refusing a write (e.g. a topic that does not exist), which the caller should
// treat as fatal or retry. Both topics must exist. Queued records become durable on
// Flush() (see Producer).
//
// Not thread-safe: one sink per ingesting thread, with its own producer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rtml/core/status.h"
#include "rtml/ingest/dead_letter.h"
#include "rtml/ingest/trade.h"
#include "rtml/ingest/trade_handler.h"
#include "rtml/ingest/trade_validator.h"
#include "rtml/stream/producer.h"

namespace rtml::ingest {

inline constexpr std::string_view kDefaultTradesTopic = "trades";

struct TradeSinkOptions {
  std::string topic = std::string(kDefaultTradesTopic);          // accepted trades
  std::string dlq_topic = std::string(kDefaultDeadLetterTopic);  // rejected input
  TradeValidatorOptions validator;
};

class TradeSink final : public TradeHandler {
 public:
  // `producer` is not owned and must outlive the sink.
  explicit TradeSink(stream::Producer& producer, TradeSinkOptions options = {});

  // Validates `trade` and writes it to the topic, or to the dead-letter topic with
  // `raw_frame` (the frame it was parsed from; several trades of one Kraken batch
  // share it) and `source` (see DeadLetter) if it breaks a rule. A duplicate is
  // counted and dropped.
  Status Accept(const Trade& trade, std::string_view raw_frame, std::string_view source) override;

  // Dead-letters input that could not be parsed; counted as rejected.
  // `received_ns` <= 0 (or none given) means now.
  Status Reject(std::string_view raw_frame, std::string_view reason, std::string_view source,
                int64_t received_ns);
  Status Reject(std::string_view raw_frame, std::string_view reason,
                std::string_view source) override {
    return Reject(raw_frame, reason, source, 0);
  }
  // The same with every field chosen by the caller (e.g. a topic's partition/offset).
  Status Reject(const DeadLetter& letter);

  // Ids of the pair up to `trade_id` are duplicates (already in the topic).
  void SeenThrough(std::string_view exchange, std::string_view pair, int64_t trade_id) {
    validator_.SeenThrough(exchange, pair, trade_id);
  }
  // Sends what was accepted so far without waiting for the producer's linger or for
  // durability (a live feed, after each frame).
  Status EndOfFrame() override { return producer_.SendQueued(); }
  // Flushes the producer: everything accepted or rejected so far is durable after.
  Status Flush();

  // accepted / rejected (validation and Reject()) / duplicates / gaps / out_of_order.
  TradeCounters counters() const;
  int64_t dead_letters() const { return dead_letters_.written(); }
  const TradeSinkOptions& options() const { return options_; }

 private:
  stream::Producer& producer_;
  TradeSinkOptions options_;
  TradeValidator validator_;
  DeadLetterWriter dead_letters_;
  DeadLetter letter_;  // reused for each rejection
  std::string value_;  // reused for each accepted trade's JSON
  int64_t unparsed_ = 0;
};

}  // namespace rtml::ingest
