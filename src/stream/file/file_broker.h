// Internal: the file:// backend's Broker. Users go through OpenBroker().
//
// Owns the partition writers of this process (one per partition, shared by all its
// producers) and a background thread that writes lingering batches, syncs under
// the `interval` policy and applies retention.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "group_store.h"
#include "partition_writer.h"
#include "rtml/stream/broker.h"

namespace rtml::stream {

// Opens (creating if needed) the embedded log in directory `dir`.
Result<std::unique_ptr<Broker>> OpenFileBroker(const std::string& dir, std::string uri,
                                               const BrokerOptions& options);

namespace file {

// A topic as this process sees it: its spec and the writers it opened.
class TopicState {
 public:
  TopicState(TopicSpec spec, std::filesystem::path dir)
      : spec_(std::move(spec)),
        dir_(std::move(dir)),
        batches_written_(new std::atomic<uint64_t>[static_cast<size_t>(spec_.partitions)]()) {}

  const TopicSpec& spec() const { return spec_; }
  std::filesystem::path PartitionDir(int32_t partition) const {
    return dir_ / std::to_string(partition);
  }
  bool deleted() const { return deleted_.load(std::memory_order_acquire); }
  // Batches this process has written to `partition`: a reader waiting for records
  // waits for it to change (FileBroker::WaitForBatch).
  uint64_t batches_written(int32_t partition) const {
    return batches_written_[static_cast<size_t>(partition)].load(std::memory_order_acquire);
  }

 private:
  friend class FileBroker;
  const TopicSpec spec_;
  const std::filesystem::path dir_;
  std::atomic<bool> deleted_{false};
  // By partition; see batches_written().
  const std::unique_ptr<std::atomic<uint64_t>[]> batches_written_;
  std::mutex mu_;                                          // guards writers_
  std::vector<std::unique_ptr<PartitionWriter>> writers_;  // by partition; null until used
};

class FileBroker final : public Broker {
 public:
  FileBroker(std::filesystem::path root, std::string uri, const BrokerOptions& options);
  ~FileBroker() override;

  Status CreateTopic(const TopicSpec& spec) override;
  Result<std::vector<std::string>> ListTopics() override;
  Result<TopicDescription> DescribeTopic(std::string_view topic) override;
  Status DeleteTopic(std::string_view topic) override;
  Result<std::vector<PartitionLag>> GroupLag(std::string_view group,
                                             std::string_view topic) override;
  Result<std::unique_ptr<Producer>> NewProducer(const ProducerOptions& options) override;
  Result<std::unique_ptr<Consumer>> NewConsumer(const ConsumerOptions& options) override;
  const std::string& uri() const override { return uri_; }

  // The topic, loaded from disk on first use. NotFound names how to create it.
  Result<std::shared_ptr<TopicState>> Topic(std::string_view topic);
  // The partition's writer, opened (and recovered) on first use. Busy if another
  // process writes it.
  Result<PartitionWriter*> Writer(TopicState& topic, int32_t partition);

  const std::filesystem::path& root() const { return root_; }
  const GroupStore& groups() const { return groups_; }
  const BrokerOptions& options() const { return options_; }

  // Waits until `written()` is true or `timeout` passes, checking it whenever a
  // writer of this broker writes a batch (to any partition), so a reader of this
  // process sees new records as they are written instead of after a sleep. Writers
  // of other processes wake nobody: their readers still need the timeout.
  void WaitForBatch(const std::function<bool()>& written, std::chrono::nanoseconds timeout);

 private:
  std::filesystem::path TopicDir(std::string_view topic) const;
  void TickLoop();

  const std::filesystem::path root_;
  const std::string uri_;
  const BrokerOptions options_;
  const GroupStore groups_;

  std::mutex mu_;  // guards topics_ and stop_
  std::map<std::string, std::shared_ptr<TopicState>, std::less<>> topics_;
  bool stop_ = false;
  std::condition_variable wake_;
  std::thread ticker_;
  // Readers waiting for a batch (WaitForBatch). Written batches bump their
  // partition's count in TopicState, then notify under batch_mu_, so a reader that
  // checked the counts under it cannot miss the wakeup.
  std::mutex batch_mu_;
  std::condition_variable batch_written_;
};

}  // namespace file
}  // namespace rtml::stream
