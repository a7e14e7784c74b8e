// MockCluster: librdkafka's in-process mock Kafka cluster, for tests and tools.
//
// It speaks the real Kafka protocol over TCP on 127.0.0.1, so any client (rtml,
// kcat) can connect to bootstrap_servers(). In librdkafka 2.0.2 it supports
// produce, fetch, watermark offsets, consumer groups, committed offsets and
// idempotence. It does not support CreateTopics, DeleteTopics or DescribeConfigs
// (it names no controller), nor offset look-ups by timestamp (every one answers
// "none"); it creates any topic a client asks metadata for by name, and keeps only
// the newest few MB of each partition. Topics are created with CreateTopic().
// Stops (closing every connection) when destroyed, which takes about a second.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <string>

#include "rtml/core/result.h"

namespace rtml::testing {

class MockCluster {
 public:
  static Result<std::unique_ptr<MockCluster>> Start(int brokers);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // Replicated on min(3, brokers) brokers.
  Status CreateTopic(const std::string& name, int partitions);

  // "127.0.0.1:PORT,127.0.0.1:PORT,..."
  std::string bootstrap_servers() const;
  std::string uri() const { return "kafka://" + bootstrap_servers(); }
  rd_kafka_mock_cluster_t* get() const { return cluster_; }

 private:
  MockCluster(rd_kafka_t* handle, rd_kafka_mock_cluster_t* cluster, int brokers)
      : handle_(handle), cluster_(cluster), brokers_(brokers) {}

  rd_kafka_t* handle_;  // owns the cluster's threads
  rd_kafka_mock_cluster_t* cluster_;
  int brokers_;
};

}  // namespace rtml::testing
