// KafkaConsumer: the kafka:// Consumer, one librdkafka consumer client.
//
// Never commits on its own: Commit() stores, for every assigned partition, the
// offset after the last record Poll() returned (or the start position if none was
// returned yet). Start positions are resolved when partitions are assigned, by
// Assign() or by a group rebalance: the group's committed offset if there is one,
// else the oldest or the next record per ConsumerOptions::offset_reset.
// Group rebalances run inside Poll() (eager and cooperative assignors alike); a
// partition taken away is dropped from Assignment() and Position() at once, and
// its records already returned stay valid until the next Poll/Seek/Close.
// One thread at a time.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "kafka_config.h"
#include "kafka_handles.h"
#include "kafka_metadata.h"
#include "rtml/stream/consumer.h"

namespace rtml::stream::kafka {

class KafkaConsumer final : public Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> Open(const KafkaConfig& config,
                                                const ConsumerOptions& options);
  // Closes (leaves the group) if Close() was not called.
  ~KafkaConsumer() override;

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
  KafkaConsumer(std::string where, ConsumerOptions options)
      : where_(std::move(where)), options_(std::move(options)) {}

  // Called by librdkafka from inside rd_kafka_consumer_poll/close on our thread.
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);
  void HandleRebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);

  Status CheckOpen(std::string_view operation) const;
  // Drops the records of the last Poll().
  void ReleaseBatch();
  // Fills every offset still RD_KAFKA_OFFSET_INVALID in `list` with where reading
  // starts: the committed offset, else per offset_reset. Records them in positions_.
  Status ResolveStartOffsets(rd_kafka_topic_partition_list_t* list);
  // The absolute offset `target` means for one partition.
  Result<int64_t> ResolveSeekTarget(const TopicPartition& tp, SeekTarget target);
  // Committed offsets of `partitions` (kNoOffset where none); all kNoOffset without
  // a group.
  Result<std::map<TopicPartition, int64_t>> Committed(
      const std::vector<TopicPartition>& partitions);
  // Status for an error that Poll() received from librdkafka; OK if it is transient
  // (librdkafka retries by itself).
  Status PollError(const rd_kafka_message_t& message) const;
  std::string Describe(const TopicPartition& tp) const;

  std::string where_;  // "kafka://servers", for messages
  ConsumerOptions options_;
  HandlePtr handle_;  // null only while Open() builds the consumer
  bool closed_ = false;
  bool subscribed_ = false;

  std::set<TopicPartition> assignment_;
  std::map<TopicPartition, int64_t> positions_;  // next offset Poll() returns
  // Errors met where they cannot be returned (rebalance callback, or after part of
  // a batch was collected); the next Poll() returns them.
  Status pending_error_;

  // The last Poll()'s records point into these messages.
  std::vector<MessagePtr> batch_messages_;
  std::vector<ConsumedRecord> batch_records_;
  std::vector<HeaderView> batch_headers_;
};

}  // namespace rtml::stream::kafka
