// ReadTopicToEnd: one pass over what a topic holds now - to rebuild state at start
// (a backfill's checkpoint and the ids it already wrote, an operator's changelog).
#pragma once

#include <chrono>
#include <functional>
#include <string_view>

#include "rtml/core/status.h"
#include "rtml/stream/broker.h"
#include "rtml/stream/consumer.h"
#include "rtml/stream/record.h"

namespace rtml::stream {

// Calls `visit` with every record of every partition of `topic` from `start` up to
// the partition's end offset at the time of the call (records appended meanwhile
// are not read), partition by partition interleaved as the consumer returns them,
// in offset order within a partition. Stops at the first error `visit` returns.
// Timeout if a partition makes no progress for `stall_timeout`.
Status ReadTopicToEnd(Broker& broker, std::string_view topic, SeekTarget start,
                      const std::function<Status(const ConsumedRecord&)>& visit,
                      std::chrono::milliseconds stall_timeout = std::chrono::seconds(30));

}  // namespace rtml::stream
