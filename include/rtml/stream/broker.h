// Broker: the entry point of the stream layer. One interface, two backends, chosen
// by a URI:
//   file://DIR              the embedded durable log in DIR (the default); see
//                           docs/file-log-format.md
//   kafka://HOST:PORT[,...] Apache Kafka (or any compatible broker) via librdkafka
//
// A Broker is thread-safe; the producers and consumers it makes are not (one thread
// each). It must outlive them.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/stream/consumer.h"
#include "rtml/stream/producer.h"
#include "rtml/stream/topic.h"

namespace rtml::stream {

// When the file:// log calls fsync on what it wrote.
enum class FsyncPolicy {
  kAlways,    // after every write: a Flush() that returned survives power loss
  kInterval,  // at most `fsync_interval` after a write (default)
  kNever,     // leave it to the OS: survives a process crash, not power loss
};

struct BrokerOptions {
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  std::chrono::milliseconds fsync_interval{1000};
  // kafka:// only: extra librdkafka properties, applied last ("key", "value").
  std::vector<std::pair<std::string, std::string>> kafka_config;
  std::string client_id = "rtml";
};

class Broker {
 public:
  virtual ~Broker() = default;

  // AlreadyExists if the topic exists; Unsupported if the broker refuses admin calls.
  virtual Status CreateTopic(const TopicSpec& spec) = 0;
  virtual Result<std::vector<std::string>> ListTopics() = 0;  // sorted by name
  virtual Result<TopicDescription> DescribeTopic(std::string_view topic) = 0;
  // Removes the topic and its records. Busy if a writer holds one of its partitions.
  virtual Status DeleteTopic(std::string_view topic) = 0;

  // Committed offsets of `group` for every partition of `topic` (kNoOffset if none),
  // with end offsets and lag.
  virtual Result<std::vector<PartitionLag>> GroupLag(std::string_view group,
                                                     std::string_view topic) = 0;

  virtual Result<std::unique_ptr<Producer>> NewProducer(const ProducerOptions& options = {}) = 0;
  virtual Result<std::unique_ptr<Consumer>> NewConsumer(const ConsumerOptions& options = {}) = 0;

  // The URI this broker was opened with.
  virtual const std::string& uri() const = 0;
};

// Opens the backend `uri` names. InvalidArgument for a malformed URI or an unknown
// scheme, naming what is accepted.
Result<std::unique_ptr<Broker>> OpenBroker(std::string_view uri, const BrokerOptions& options = {});

// The broker URI a command should use: `flag_value` if given, else $RTML_BROKER,
// else kDefaultBrokerUri.
inline constexpr std::string_view kDefaultBrokerUri = "file://rtml-data";
std::string ResolveBrokerUri(std::string_view flag_value);

}  // namespace rtml::stream
