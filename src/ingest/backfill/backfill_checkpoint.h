// Internal: where a backfill stands, stored as a record of the checkpoint topic so a
// restarted run (on either broker backend) resumes where the killed one stopped.
//   key:   "kraken|BTC/USD|1723161255000" (exchange | pair | since_ms)
//   value: {"exchange":"kraken","pair":"BTC/USD","since_ms":1723161255000,
//           "until_ms":1723247655000,"cursor_ns":1723170000123456789,"written":18234,
//           "complete":false}
// The newest record of a key wins.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/stream/broker.h"
#include "rtml/stream/producer.h"

namespace rtml::ingest {

struct BackfillCheckpoint {
  std::string exchange;
  std::string pair;
  int64_t since_ms = 0;
  int64_t until_ms = 0;   // of the run that wrote it
  int64_t cursor_ns = 0;  // every trade at or before this time is in the topic
  int64_t written = 0;    // trades written by all runs so far
  bool complete = false;  // the run reached until_ms (or caught up with now)
  friend bool operator==(const BackfillCheckpoint&, const BackfillCheckpoint&) = default;
};

std::string CheckpointKey(std::string_view exchange, std::string_view pair, int64_t since_ms);
std::string CheckpointJson(const BackfillCheckpoint& checkpoint);
// InvalidArgument naming the missing or malformed field.
Result<BackfillCheckpoint> ParseCheckpointJson(std::string_view json);

// The newest checkpoint under `key` in `topic`, nullopt if there is none. If it does
// not parse: Corruption (it would be unsafe to guess).
Result<std::optional<BackfillCheckpoint>> LoadCheckpoint(stream::Broker& broker,
                                                         std::string_view topic,
                                                         std::string_view key);

// Queues the checkpoint; durable after the producer's next Flush().
Status SaveCheckpoint(stream::Producer& producer, std::string_view topic,
                      const BackfillCheckpoint& checkpoint);

}  // namespace rtml::ingest
