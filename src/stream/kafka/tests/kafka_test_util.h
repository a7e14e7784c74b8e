// Shared fixture and helpers of the kafka:// tests.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mock_cluster.h"
#include "rtml/stream/broker.h"
#include "testing.h"

namespace rtml::stream {

// A ConsumedRecord that owns its bytes, for comparing after the next Poll().
struct OwnedRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  std::optional<std::string> key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;

  static OwnedRecord From(const ConsumedRecord& record);
  friend bool operator==(const OwnedRecord&, const OwnedRecord&) = default;
};
std::ostream& operator<<(std::ostream& out, const OwnedRecord& record);

// Polls until `count` records arrived in total or `limit` passed; returns them all.
// Appends to `seen` too when given.
std::vector<OwnedRecord> PollRecords(Consumer& consumer, size_t count,
                                     std::chrono::milliseconds limit = std::chrono::seconds(15),
                                     size_t max_per_poll = 1000);

// Sum of the end offsets of `topic`'s partitions.
int64_t SumEndOffsets(Broker& broker, std::string_view topic);

// Starts a 3-broker mock cluster and opens a kafka:// broker on it.
class KafkaTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Options for the kafka:// broker: quick heartbeats, so group rebalances take
  // a fraction of a second instead of several.
  static BrokerOptions FastGroupOptions();

  void CreateTopic(const std::string& name, int partitions);
  std::unique_ptr<Producer> NewProducer(const ProducerOptions& options = {});
  std::unique_ptr<Consumer> NewConsumer(const ConsumerOptions& options = {});

  std::unique_ptr<testing::MockCluster> cluster_;
  std::unique_ptr<Broker> broker_;
};

}  // namespace rtml::stream
