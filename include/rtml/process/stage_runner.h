// StageRunner: runs a PartitionOperator per input partition between topics, with
// an exactly-once effect on the output topics: however often the process is killed
// and restarted, the outputs are those of a run that never stopped - none missing,
// none written twice.
//
// How. Every `checkpoint_interval` the runner makes the outputs so far durable,
// then writes one checkpoint record per partition to `checkpoint_topic` (key:
// "<stage>|<partition>"): the operator's state, the next input offset it reflects,
// and the end offsets of the output topics at that moment. A single record is
// written atomically, so state and offsets always agree. A restarted runner (or
// another group member taking the partition over) restores the newest checkpoint
// and replays the input from its offset. Each output carries a header naming the
// input record it came from (partition, offset, index); outputs written after the
// checkpoint are read back at restore, and their replays are not written again.
//
// With a group (`group` non-empty), several processes share the input partitions
// (Subscribe), and a partition that moves brings its state along through the
// checkpoint topic. Without, the runner reads every partition (Assign).
//
// Threads: Run() on one thread; Stop() and stats() from any.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/process/operator.h"
#include "rtml/stream/broker.h"

namespace rtml::process {

struct StageOptions {
  std::string name;         // the stage ("market.candles"): checkpoint keys, default group
  std::string input_topic;  // read
  std::vector<std::string> output_topics;  // every topic the operator may write
  // Outputs to it count as dead letters; empty: every output topic but the first.
  std::string dead_letter_topic;
  std::string checkpoint_topic;  // default "<name>.checkpoints"
  std::string group;             // consumer group; empty: read all partitions alone
  std::chrono::milliseconds checkpoint_interval{1000};
  // Stop once every partition is read up to its end as of the start, after
  // Finish() (a bounded run: a backfill, a test). Without a group only.
  bool stop_at_end = false;
};

struct StageStats {
  int64_t records_in = 0;
  int64_t records_out = 0;
  int64_t dead_letters = 0;     // of records_out, those to the dead-letter topic
  int64_t newest_input_ms = 0;  // timestamp of the newest input record processed
  int64_t replays_skipped = 0;  // outputs a restart found already written
  int64_t checkpoints = 0;      // checkpoint rounds
  int64_t restored = 0;         // partitions restored from a checkpoint
  int32_t partitions = 0;       // held now
};

class StageRunner {
 public:
  // InvalidArgument for a missing name, input or output topic. `broker` is not
  // owned and must outlive the runner. Creates the checkpoint topic if missing.
  static Result<std::unique_ptr<StageRunner>> Create(stream::Broker* broker, StageOptions options,
                                                     OperatorFactory factory);
  ~StageRunner();

  // Runs until Stop() (checkpointing before it returns) or, with stop_at_end, the end
  // of the input. Errors: the broker failing, an operator failing, an unreadable
  // checkpoint.
  Status Run();
  void Stop() { stop_.store(true); }

  StageStats stats() const;
  const StageOptions& options() const { return options_; }

 private:
  struct Partition;
  StageRunner(stream::Broker* broker, StageOptions options, OperatorFactory factory);

  Result<Partition*> PartitionFor(int32_t partition);
  Status ProcessBatch(std::span<const stream::ConsumedRecord> records);
  Status Emit(Partition& partition, int64_t source_offset, std::vector<OutputRecord>& outputs);
  Status Checkpoint();
  Status DropRevokedPartitions();
  bool ReachedEnd() const;

  stream::Broker* const broker_;
  const StageOptions options_;
  const OperatorFactory factory_;
  std::unique_ptr<stream::Consumer> consumer_;
  std::unique_ptr<stream::Producer> producer_;
  std::map<int32_t, std::unique_ptr<Partition>> partitions_;
  std::map<int32_t, int64_t> end_at_start_;  // stop_at_end: where each partition ends
  std::vector<OutputRecord> outputs_;        // reused per input record
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;  // guards stats_
  StageStats stats_;
};

}  // namespace rtml::process
