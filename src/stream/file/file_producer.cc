#include "file_producer.h"

#include "file_broker.h"
#include "rtml/core/clock.h"
#include "rtml/core/log.h"
#include "rtml/stream/partitioner.h"

namespace rtml::stream::file {

FileProducer::FileProducer(FileBroker* broker, const ProducerOptions& options)
    : broker_(broker), options_(options) {
  topics_.reserve(16);
}

FileProducer::~FileProducer() {
  const Status flushed = Flush(std::chrono::seconds(30));
  if (!flushed.ok()) LogWarning("producer closed with unwritten records: " + flushed.ToString());
}

Result<FileProducer::TopicCache*> FileProducer::Lookup(std::string_view topic) {
  if (last_ != nullptr && last_->state->spec().name == topic) return last_;
  for (TopicCache& cache : topics_) {
    if (cache.state->spec().name == topic) return last_ = &cache;
  }
  RTML_ASSIGN_OR_RETURN(std::shared_ptr<TopicState> state, broker_->Topic(topic));
  TopicCache cache;
  cache.writers.assign(static_cast<size_t>(state->spec().partitions), nullptr);
  cache.state = std::move(state);
  // topics_ may reallocate: recompute last_ instead of keeping old addresses.
  topics_.push_back(std::move(cache));
  return last_ = &topics_.back();
}

Status FileProducer::Produce(std::string_view topic, const OutgoingRecord& record) {
  RTML_ASSIGN_OR_RETURN(TopicCache * cache, Lookup(topic));
  const int32_t partitions = cache->state->spec().partitions;
  int32_t partition = record.partition;
  if (partition == kAnyPartition) {
    partition =
        record.key.has_value()
            ? PartitionForKey(*record.key, partitions)
            : static_cast<int32_t>(cache->next_unkeyed++ % static_cast<uint32_t>(partitions));
  } else if (partition < 0 || partition >= partitions) {
    return Status::InvalidArgument("topic '" + std::string(topic) + "' has no partition " +
                                   std::to_string(partition) + " (it has " +
                                   std::to_string(partitions) + ")");
  }
  PartitionWriter*& writer = cache->writers[static_cast<size_t>(partition)];
  if (writer == nullptr) {
    RTML_ASSIGN_OR_RETURN(writer, broker_->Writer(*cache->state, partition));
  }
  const int64_t timestamp =
      record.timestamp_ms == kNoTimestamp ? WallClockMs() : record.timestamp_ms;
  const int64_t deadline = MonotonicNs() + options_.linger.count() * 1'000'000;
  return writer->Append(record, timestamp, deadline).status();
}

Status FileProducer::Flush(std::chrono::milliseconds /*timeout: writes are local*/) {
  Status first_error;
  for (TopicCache& cache : topics_) {
    for (PartitionWriter* writer : cache.writers) {
      if (writer == nullptr) continue;
      const Status flushed = writer->Flush();
      if (!flushed.ok() && first_error.ok()) first_error = flushed;
    }
  }
  return first_error;
}

}  // namespace rtml::stream::file
