// PartitionOperator: the processing of one input partition of a stage (candles from
// trades, features from candles, ...), driven by a StageRunner.
//
// Keys are partitioned by the input topic (a pair's trades are all in one
// partition), so each input partition gets an operator of its own with its own
// state: when a partition moves to another process, its state moves with it (the
// runner checkpoints and restores it), and nothing is shared between operators.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/stream/record.h"

namespace rtml::process {

// What an operator writes: a record for `topic` (an output or a dead-letter topic).
// Operators must be deterministic: the same input records in the same order give
// the same outputs, so a replay after a crash re-states, and the runner can tell
// which outputs were already written.
struct OutputRecord {
  std::string topic;
  std::string key;
  std::string value;
  int64_t timestamp_ms = 0;
};

class PartitionOperator {
 public:
  virtual ~PartitionOperator() = default;

  // One input record; appends what it produces to *out. A record the operator
  // cannot use goes to a dead-letter topic as an output, never as an error: a
  // failed Status stops the stage (e.g. a state that cannot be kept).
  virtual Status Process(const stream::ConsumedRecord& record, std::vector<OutputRecord>* out) = 0;

  // The end of a bounded input: emit what is still open (e.g. the last windows).
  virtual Status Finish(std::vector<OutputRecord>* /*out*/) { return Status::Ok(); }

  // Makes durable what the operator wrote outside the output topics (rows of a
  // feature store). The runner calls it before each checkpoint, so a checkpoint never
  // covers such a write that could still be lost; those writes are replayed after a
  // crash, so they must be idempotent.
  virtual Status Flush() { return Status::Ok(); }

  // The whole state, and back; RestoreState() happens before the first Process().
  virtual std::string SaveState() const = 0;
  virtual Status RestoreState(std::string_view bytes) = 0;
};

// Makes the operator of input partition `partition`.
using OperatorFactory =
    std::function<Result<std::unique_ptr<PartitionOperator>>(int32_t partition)>;

}  // namespace rtml::process
