// Internal: the trade ids of one (exchange, pair) that a trades topic already holds
// from some time on, so a backfill writes none of them again.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/stream/broker.h"

namespace rtml::ingest {

class StoredTradeIds {
 public:
  // Reads `topic` from the first record stamped at or after `since_ms` (trade
  // records are stamped with the trade's time) to its current end. 8 bytes a trade.
  static Result<StoredTradeIds> Read(stream::Broker& broker, std::string_view topic,
                                     std::string_view exchange, std::string_view pair,
                                     int64_t since_ms);

  bool contains(int64_t trade_id) const;
  size_t size() const { return ids_.size(); }

 private:
  std::vector<int64_t> ids_;  // sorted, unique
};

}  // namespace rtml::ingest
