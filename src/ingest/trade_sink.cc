#include "rtml/ingest/trade_sink.h"

#include "rtml/core/clock.h"

namespace rtml::ingest {

TradeSink::TradeSink(stream::Producer& producer, TradeSinkOptions options)
    : producer_(producer),
      options_(std::move(options)),
      validator_(options_.validator),
      dead_letters_(producer, options_.dlq_topic) {}

Status TradeSink::Accept(const Trade& trade, std::string_view raw_frame, std::string_view source) {
  Result<TradeValidator::Verdict> verdict = validator_.Check(trade);
  if (!verdict.ok()) {
    letter_.source.assign(source);
    letter_.partition.reset();
    letter_.offset.reset();
    letter_.error = "trade " + std::to_string(trade.trade_id) + ": " + verdict.status().message();
    letter_.raw.assign(raw_frame);
    letter_.received_ns = trade.received_ns > 0 ? trade.received_ns : WallClockMs() * 1'000'000;
    return dead_letters_.Write(letter_);
  }
  if (*verdict == TradeValidator::Verdict::kDuplicate) return Status::Ok();
  value_.clear();
  AppendTradeJson(trade, value_);
  stream::OutgoingRecord record;
  record.key = trade.pair;
  record.value = value_;
  record.timestamp_ms = trade.ts_ms;
  return producer_.Produce(options_.topic, record);
}

Status TradeSink::Reject(std::string_view raw_frame, std::string_view reason,
                         std::string_view source, int64_t received_ns) {
  letter_.source.assign(source);
  letter_.partition.reset();
  letter_.offset.reset();
  letter_.error.assign(reason);
  letter_.raw.assign(raw_frame);
  letter_.received_ns = received_ns > 0 ? received_ns : WallClockMs() * 1'000'000;
  return Reject(letter_);
}

Status TradeSink::Reject(const DeadLetter& letter) {
  ++unparsed_;
  return dead_letters_.Write(letter);
}

Status TradeSink::Flush() { return producer_.Flush(); }

TradeCounters TradeSink::counters() const {
  TradeCounters counters = validator_.counters();
  counters.rejected += unparsed_;
  return counters;
}

}  // namespace rtml::ingest
