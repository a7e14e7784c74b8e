// The topics trade sources write: created when missing, so `rtml replay` or
// `rtml ingest` works on an empty broker.
#pragma once

#include <cstdint>
#include <string>

#include "rtml/stream/broker.h"

namespace rtml::cli {

// Creates topic `name` with `partitions` if it does not exist (someone else creating
// it meanwhile is fine). Trades carry exchange event times, and replayed ones are
// old, so a time-based retention would delete them as soon as a segment closes:
// topics made here keep everything (retention by time unlimited).
Status EnsureTradeTopic(stream::Broker& broker, const std::string& name, int32_t partitions);

}  // namespace rtml::cli
