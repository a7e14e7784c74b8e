// TradeHandler: where a trade source (a live feed, a backfill) delivers what it
// reads. TradeSink is the production one; tests record.
#pragma once

#include <string_view>

#include "rtml/core/status.h"
#include "rtml/ingest/trade.h"

namespace rtml::ingest {

class TradeHandler {
 public:
  virtual ~TradeHandler() = default;
  // A parsed trade; `raw` is the frame it came from, `source` names the feed. A
  // failed Status means the trade could not be stored (not that it was bad): the
  // source must stop rather than lose it.
  virtual Status Accept(const Trade& trade, std::string_view raw, std::string_view source) = 0;
  // A frame that could not be parsed, with the reason.
  virtual Status Reject(std::string_view raw, std::string_view reason, std::string_view source) = 0;
  // A live source has handed over everything of one frame and waits for the next:
  // what it delivered should go on now rather than wait to be batched.
  virtual Status EndOfFrame() { return Status::Ok(); }
};

}  // namespace rtml::ingest
