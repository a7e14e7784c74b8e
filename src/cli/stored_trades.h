// The newest trade of each pair already in a trades topic: where a restarted ingest,
// replay or demo market goes on from, so that what it sends again (a reconnect's
// snapshot, a replay from the start of its file) is not stored twice.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ingest/trade_sink.h"
#include "rtml/stream/broker.h"

namespace rtml::cli {

struct StoredTrade {
  std::string exchange;
  int64_t trade_id = 0;
  double price = 0;
  int64_t ts_ms = 0;
};

// By pair. Reads from the end of each partition only as far back as it takes to see
// each of `pairs` (all of the topic if `pairs` is empty, or some are never seen).
// Empty for an empty or missing topic.
Result<std::map<std::string, StoredTrade>> NewestStoredTrades(
    stream::Broker& broker, const std::string& topic, const std::vector<std::string>& pairs);

// Tells `sink` that every trade up to the newest stored of each pair is a duplicate;
// returns how many pairs it found.
Result<size_t> SkipStoredTrades(stream::Broker& broker, ingest::TradeSink& sink,
                                const std::vector<std::string>& pairs);

}  // namespace rtml::cli
