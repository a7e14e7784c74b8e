// ClusterMetadata: a snapshot of the topics and brokers of a Kafka cluster, and the
// offset look-ups built on it.
//
// Always fetched for all topics: asking for one topic by name makes some brokers
// (and librdkafka's mock cluster, whatever the client asks) create it, and a typo
// must give NotFound, not a new topic. Immutable once fetched.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::stream::kafka {

struct TopicMetadata {
  std::string name;
  int32_t partitions = 0;
  int16_t replication_factor = 0;  // replicas of partition 0
};

struct Watermarks {
  int64_t low = 0;   // oldest offset held
  int64_t high = 0;  // offset the next record gets
};

class ClusterMetadata {
 public:
  // Asks the cluster behind `rk`. `where` names the cluster in error messages.
  static Result<ClusterMetadata> Fetch(rd_kafka_t* rk, std::string_view where);

  // nullptr if the topic does not exist (or the cluster reported it in error).
  const TopicMetadata* Find(std::string_view topic) const;

  // The topic, or NotFound naming it and the cluster.
  Result<TopicMetadata> Require(std::string_view topic) const;

  // User topics, sorted; Kafka's internal "__" topics are left out.
  std::vector<std::string> TopicNames() const;

  bool HasBroker(int32_t id) const { return brokers_.contains(id); }

 private:
  std::string where_;
  std::map<std::string, TopicMetadata, std::less<>> topics_;
  std::set<int32_t> brokers_;
};

// Low and high watermarks of one partition, asked of its leader.
Result<Watermarks> QueryWatermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition);

}  // namespace rtml::stream::kafka
