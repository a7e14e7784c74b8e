#include "stored_trade_ids.h"

#include <algorithm>

#include "rtml/ingest/trade.h"
#include "rtml/stream/topic_reader.h"

namespace rtml::ingest {

Result<StoredTradeIds> StoredTradeIds::Read(stream::Broker& broker, std::string_view topic,
                                            std::string_view exchange, std::string_view pair,
                                            int64_t since_ms) {
  StoredTradeIds stored;
  RTML_RETURN_IF_ERROR(
      stream::ReadTopicToEnd(broker, topic, stream::SeekTarget::Timestamp(since_ms),
                             [&](const stream::ConsumedRecord& record) -> Status {
                               // The key and timestamp rule most records out before any JSON is
                               // read.
                               if (record.key != pair || record.timestamp_ms < since_ms)
                                 return Status::Ok();
                               Result<Trade> trade = ParseTradeJson(record.value);
                               // A record that is not a trade was not written by a backfill; it
                               // holds no id.
                               if (trade.ok() && trade->exchange == exchange)
                                 stored.ids_.push_back(trade->trade_id);
                               return Status::Ok();
                             }));
  std::sort(stored.ids_.begin(), stored.ids_.end());
  stored.ids_.erase(std::unique(stored.ids_.begin(), stored.ids_.end()), stored.ids_.end());
  return stored;
}

bool StoredTradeIds::contains(int64_t trade_id) const {
  return std::binary_search(ids_.begin(), ids_.end(), trade_id);
}

}  // namespace rtml::ingest
