// Internal: the file:// backend's Broker. Users go through OpenBroker().
//
// Owns the partition writers of this process (one per partition, shared by all its
// producers) and a background thread that writes lingering batches, syncs under
// the `interval` policy and applies retention.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
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
      : spec_(std::move(spec)), dir_(std::move(dir)) {}

  const TopicSpec& spec() const { return spec_; }
  std::filesystem::path PartitionDir(int32_t partition) const {
    return dir_ / std::to_string(partition);
  }
  bool deleted() const { return deleted_.load(std::memory_order_acquire); }

 private:
  friend class FileBroker;
  const TopicSpec spec_;
  const std::filesystem::path dir_;
  std::atomic<bool> deleted_{false};
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
};

}  // namespace file
}  // namespace rtml::stream
