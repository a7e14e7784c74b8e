// Internal: the file:// backend's Consumer. See rtml/stream/consumer.h and
// docs/file-log-format.md ("Consumer groups") for how a group shares partitions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "file_util.h"
#include "partition_reader.h"
#include "rtml/stream/consumer.h"

namespace rtml::stream::file {

class FileBroker;
class TopicState;

class FileConsumer final : public Consumer {
 public:
  FileConsumer(FileBroker* broker, const ConsumerOptions& options);
  ~FileConsumer() override;

  Status Subscribe(const std::vector<std::string>& topics) override;
  Status Assign(const std::vector<TopicPartition>& partitions) override;
  std::vector<TopicPartition> Assignment() override;
  Result<std::span<const ConsumedRecord>> Poll(std::chrono::milliseconds timeout,
                                               size_t max_records) override;
  Status Seek(std::string_view topic, int32_t partition, SeekTarget target) override;
  Result<int64_t> Position(const TopicPartition& tp) override;
  Status Commit() override;
  Result<std::vector<PartitionLag>> Lag() override;
  Status Close() override;

 private:
  struct Owned {
    TopicPartition tp;
    std::shared_ptr<TopicState> topic;  // counts the batches this process writes to it
    std::unique_ptr<PartitionReader> reader;
    FileLock group_lock;            // held while the group gives us this partition
    int64_t committed = kNoOffset;  // last offset this consumer committed or found
  };

  // Opens `tp` and positions it at the committed offset or per offset_reset.
  Status Take(const TopicPartition& tp, FileLock group_lock);
  // Subscribe: claims every partition of the subscribed topics no member holds.
  Status ClaimFreePartitions();
  Owned* Find(const TopicPartition& tp);
  // Batches this process has written to the partitions held (see WaitForBatch).
  uint64_t BatchesWritten() const;

  FileBroker* const broker_;
  const ConsumerOptions options_;
  std::vector<std::unique_ptr<Owned>> owned_;  // pointers stay put: records name their topic
  std::vector<std::string> subscription_;
  int64_t last_claim_ns_ = 0;
  size_t next_partition_ = 0;  // where the next Poll starts, for fairness
  std::vector<ConsumedRecord> records_;
  std::vector<HeaderRange> header_ranges_;
  std::vector<HeaderView> headers_;
  bool closed_ = false;
};

}  // namespace rtml::stream::file
