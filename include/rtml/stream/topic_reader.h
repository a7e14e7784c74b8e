// ReadTopicToEnd: one pass over what a topic holds now - to rebuild state at start
// (a backfill's checkpoint and the ids it already wrote, an operator's changelog).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "rtml/core/result.h"
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

// The same, from a start chosen per partition (e.g. offsets remembered earlier).
Status ReadTopicToEnd(Broker& broker, std::string_view topic,
                      const std::function<SeekTarget(int32_t partition)>& start,
                      const std::function<Status(const ConsumedRecord&)>& visit,
                      std::chrono::milliseconds stall_timeout = std::chrono::seconds(30));

// The newest record under `key` in `topic` (newest by offset in its partition; keys
// map to one partition), for topics used as a store of the latest value per key
// (checkpoints). nullopt if the key has no record.
struct KeyedValue {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string value;
};
Result<std::optional<KeyedValue>> ReadNewestOfKey(Broker& broker, std::string_view topic,
                                                  std::string_view key);

}  // namespace rtml::stream
