// Producer: appends records to topics.
//
// Produce() queues a record and returns once its bytes are copied; Flush() returns
// once everything queued before it is durable as the backend defines it (written
// to the log and synced per the fsync policy for file://, acknowledged by all
// in-sync replicas for kafka://). Errors of queued records surface in Flush().
// A Producer is used by one thread at a time; several producers may share a Broker.
#pragma once

#include <chrono>
#include <span>
#include <string_view>

#include "rtml/core/status.h"
#include "rtml/stream/record.h"

namespace rtml::stream {

struct ProducerOptions {
  // Records wait at most this long to be batched before they are written/sent.
  std::chrono::milliseconds linger{5};
};

class Producer {
 public:
  virtual ~Producer() = default;

  // Queues one record for `topic`. InvalidArgument for an unknown topic or a
  // partition out of range; the record is not queued then.
  virtual Status Produce(std::string_view topic, const OutgoingRecord& record) = 0;

  // Queues records in order; stops at the first failure and returns it.
  virtual Status ProduceBatch(std::string_view topic, std::span<const OutgoingRecord> records);

  // Blocks until all queued records are durable, or `timeout` passes (Timeout).
  virtual Status Flush(std::chrono::milliseconds timeout = std::chrono::seconds(30)) = 0;

  // Sends what is queued now instead of after the linger, without waiting for it to
  // be durable: for a caller whose input ran dry, so that its last records do not
  // wait out a linger meant for batching a busy stream. Default: nothing (the
  // backend sends on its own schedule).
  virtual Status SendQueued() { return Status::Ok(); }
};

}  // namespace rtml::stream
