// Consumer: reads records from topic partitions, alone or as a member of a group.
//
// A consumer is given partitions either explicitly (Assign) or by its group
// (Subscribe; the broker balances partitions among the group's members). It keeps
// a position per partition: the offset of the next record Poll() returns. Commit()
// stores the positions in the group, so call it after processing what Poll()
// returned: a restarted member resumes from the last commit, and nothing
// committed is read twice by the group. A Consumer is used by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/stream/record.h"
#include "rtml/stream/topic.h"

namespace rtml::stream {

enum class OffsetReset {
  kEarliest,  // a partition with no committed offset starts at its oldest record
  kLatest,    // ... or at its end, so only new records are read
};

struct ConsumerOptions {
  std::string group;  // consumer group; empty: no group (Assign only, no Commit)
  OffsetReset offset_reset = OffsetReset::kEarliest;
};

struct SeekTarget {
  enum class Kind { kBeginning, kEnd, kOffset, kTimestamp };
  Kind kind = Kind::kBeginning;
  int64_t value = 0;  // the offset, or the timestamp in ms since the Unix epoch

  static SeekTarget Beginning() { return {Kind::kBeginning, 0}; }
  static SeekTarget End() { return {Kind::kEnd, 0}; }
  static SeekTarget Offset(int64_t offset) { return {Kind::kOffset, offset}; }
  // The first record whose timestamp is at or after `timestamp_ms`, or the end.
  static SeekTarget Timestamp(int64_t timestamp_ms) { return {Kind::kTimestamp, timestamp_ms}; }
};

inline constexpr int64_t kNoOffset = -1;

struct PartitionLag {
  std::string topic;
  int32_t partition = 0;
  int64_t committed = kNoOffset;  // group's committed offset, kNoOffset if none
  int64_t position = kNoOffset;   // this consumer's next offset, kNoOffset if unknown
  int64_t end_offset = 0;         // partition's end offset
  // end_offset - committed (or - start offset when nothing is committed).
  int64_t lag = 0;
};

class Consumer {
 public:
  virtual ~Consumer() = default;

  // Joins the group and lets it assign partitions of `topics`. Requires a group.
  virtual Status Subscribe(const std::vector<std::string>& topics) = 0;

  // Reads exactly these partitions, starting at the committed offset if the
  // consumer has a group and one exists, else per offset_reset.
  virtual Status Assign(const std::vector<TopicPartition>& partitions) = 0;

  // Partitions currently assigned (changes on rebalance for Subscribe).
  virtual std::vector<TopicPartition> Assignment() = 0;

  // Up to `max_records` records, waiting up to `timeout` for the first one; an empty
  // span when none arrived. The records stay valid until the next Poll/Seek/Close.
  // Corruption if the log holds a damaged record: it is never returned.
  virtual Result<std::span<const ConsumedRecord>> Poll(std::chrono::milliseconds timeout,
                                                       size_t max_records = 1000) = 0;

  // Moves the position of an assigned partition (`partition` = -1: every assigned
  // partition of `topic`).
  virtual Status Seek(std::string_view topic, int32_t partition, SeekTarget target) = 0;

  // The offset of the next record Poll() returns from this partition.
  virtual Result<int64_t> Position(const TopicPartition& tp) = 0;

  // Stores the current position of every assigned partition in the group, durably.
  virtual Status Commit() = 0;

  // Lag of every assigned partition.
  virtual Result<std::vector<PartitionLag>> Lag() = 0;

  // Leaves the group (handing partitions to other members). Idempotent.
  virtual Status Close() = 0;
};

}  // namespace rtml::stream
