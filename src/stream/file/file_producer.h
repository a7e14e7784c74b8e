// Internal: the file:// backend's Producer. See rtml/stream/producer.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/stream/producer.h"

namespace rtml::stream::file {

class FileBroker;
class PartitionWriter;
class TopicState;

class FileProducer final : public Producer {
 public:
  FileProducer(FileBroker* broker, const ProducerOptions& options);
  ~FileProducer() override;

  Status Produce(std::string_view topic, const OutgoingRecord& record) override;
  Status Flush(std::chrono::milliseconds timeout) override;
  // Writes the queued batches to the log (readers see them at once); the same as
  // Flush(), which does not wait for a sync either.
  Status SendQueued() override { return Flush(std::chrono::milliseconds(0)); }

 private:
  struct TopicCache {
    std::shared_ptr<TopicState> state;
    std::vector<PartitionWriter*> writers;  // by partition; null until first used
    uint32_t next_unkeyed = 0;              // round robin for records without a key
  };
  Result<TopicCache*> Lookup(std::string_view topic);

  FileBroker* const broker_;
  const ProducerOptions options_;
  std::vector<TopicCache> topics_;
  TopicCache* last_ = nullptr;  // most records go to the topic of the previous one
};

}  // namespace rtml::stream::file
