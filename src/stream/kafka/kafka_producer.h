// KafkaProducer: the kafka:// Producer, one librdkafka producer client.
//
// Idempotent (acks=all, no duplicates or reordering on retries) and keyed with
// Kafka's murmur2 partitioner, so a key lands on PartitionForKey(key, n) as it would
// from a Java client. Produce() copies the record into librdkafka's queue; when the
// queue is full it serves delivery reports and waits rather than failing (at most
// message.timeout.ms, after which queued records fail and free room). Delivery
// failures are remembered and returned by the next Flush(). The destructor flushes
// for up to kShutdownFlushTimeout and reports on stderr anything it had to drop.
// One thread at a time.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "kafka_config.h"
#include "kafka_handles.h"
#include "rtml/core/result.h"
#include "rtml/stream/producer.h"

namespace rtml::stream::kafka {

class KafkaProducer final : public Producer {
 public:
  static constexpr std::chrono::milliseconds kShutdownFlushTimeout{10'000};

  static Result<std::unique_ptr<Producer>> Open(const KafkaConfig& config,
                                                const ProducerOptions& options);
  ~KafkaProducer() override;

  Status Produce(std::string_view topic, const OutgoingRecord& record) override;
  Status Flush(std::chrono::milliseconds timeout) override;

 private:
  struct TopicState {
    TopicPtr handle;
    int32_t partitions = 0;
  };

  explicit KafkaProducer(std::string where) : where_(std::move(where)) {}

  // Called by librdkafka (from rd_kafka_poll/flush, on this producer's thread).
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);

  // The topic's handle and partition count; InvalidArgument if it does not exist.
  Result<TopicState*> Topic(std::string_view topic);

  std::string where_;  // "kafka://servers", for messages
  HandlePtr handle_;   // null only while Open() builds the producer
  std::map<std::string, TopicState, std::less<>> topics_;
  // Last topic used: producers mostly write to one topic, so skip the map then.
  TopicState* last_topic_ = nullptr;
  std::string last_topic_name_;
  uint32_t produced_since_poll_ = 0;

  // Delivery failures since the last Flush(): the first one in full, and a count.
  Status delivery_error_;
  int64_t failed_deliveries_ = 0;
};

}  // namespace rtml::stream::kafka
