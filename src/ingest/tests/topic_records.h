// Test helper: every record of a topic, read back through a consumer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtml/stream/broker.h"

namespace rtml::ingest::testing {

struct StoredRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  std::optional<std::string> key;
  std::string value;
};

// All records of `topic`, partition by partition, in offset order. Fails the
// current test (and returns what it has) on an error.
std::vector<StoredRecord> ReadTopic(stream::Broker& broker, const std::string& topic);

}  // namespace rtml::ingest::testing
