// The topics commands write (trades, candles, features, dead letters, checkpoints):
// created when missing, so `rtml ingest` or `rtml pipeline run` works on an empty
// broker.
#pragma once

#include <cstdint>
#include <string>

#include "rtml/stream/broker.h"

namespace rtml::cli {

// Creates topic `name` with `partitions` if it does not exist (someone else creating
// it meanwhile is fine). Records carry exchange event times, and replayed or
// backfilled ones are old, so a time-based retention would delete them as soon as a
// segment closes: topics made here keep everything (retention by time unlimited).
Status EnsureTopic(stream::Broker& broker, const std::string& name, int32_t partitions);

}  // namespace rtml::cli
