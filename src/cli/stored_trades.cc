#include "stored_trades.h"

#include <algorithm>

#include "rtml/ingest/trade.h"
#include "rtml/stream/topic_reader.h"

namespace rtml::cli {
namespace {

// Newest records per partition looked at first.
constexpr int64_t kTailRecords = 20'000;

}  // namespace

Result<std::map<std::string, StoredTrade>> NewestStoredTrades(
    stream::Broker& broker, const std::string& topic, const std::vector<std::string>& pairs) {
  std::map<std::string, StoredTrade> newest;
  Result<stream::TopicDescription> described = broker.DescribeTopic(topic);
  if (!described.ok()) {
    if (described.status().code() == StatusCode::kNotFound) return newest;
    return described.status();
  }
  // A tail that grows until it holds every pair (a backfill writes pair after pair)
  // or the whole topic.
  for (int64_t tail = kTailRecords;; tail *= 4) {
    std::map<int32_t, int64_t> tail_from;
    bool whole = true;
    for (const stream::PartitionInfo& info : described->partitions) {
      tail_from[info.partition] = std::max(info.start_offset, info.end_offset - tail);
      whole = whole && tail_from[info.partition] == info.start_offset;
    }
    newest.clear();
    RTML_RETURN_IF_ERROR(stream::ReadTopicToEnd(
        broker, topic, [&](int32_t p) { return stream::SeekTarget::Offset(tail_from[p]); },
        [&](const stream::ConsumedRecord& record) {
          Result<ingest::Trade> trade = ingest::ParseTradeJson(record.value);
          if (!trade.ok()) return Status::Ok();  // not ours to judge here
          const auto [it, first] = newest.try_emplace(trade->pair);
          StoredTrade& stored = it->second;
          if (first || trade->trade_id > stored.trade_id) {
            stored = {.exchange = trade->exchange,
                      .trade_id = trade->trade_id,
                      .price = trade->price,
                      .ts_ms = trade->ts_ms};
          }
          return Status::Ok();
        }));
    const bool all = !pairs.empty() &&
                     std::all_of(pairs.begin(), pairs.end(),
                                 [&](const std::string& pair) { return newest.contains(pair); });
    if (all || whole) return newest;
  }
}

Result<size_t> SkipStoredTrades(stream::Broker& broker, ingest::TradeSink& sink,
                                const std::vector<std::string>& pairs) {
  RTML_ASSIGN_OR_RETURN(const auto stored, NewestStoredTrades(broker, sink.options().topic, pairs));
  for (const auto& [pair, trade] : stored) sink.SeenThrough(trade.exchange, pair, trade.trade_id);
  return stored.size();
}

}  // namespace rtml::cli
