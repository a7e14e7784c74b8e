// A small deterministic operator for the runner's tests: per key, the running count
// and sum of integer values, one output per record (two for every 7th record of a
// key, so outputs have indexes), records that are not integers to a dead-letter
// topic, and the totals at Finish().
#pragma once

#include <map>
#include <string>

#include "rtml/core/state_bytes.h"
#include "rtml/process/operator.h"

namespace rtml::process::testing {

class CountingOperator final : public PartitionOperator {
 public:
  Status Process(const stream::ConsumedRecord& record, std::vector<OutputRecord>* out) override {
    const std::string key(record.key.value_or(""));
    int64_t value = 0;
    try {
      value = std::stoll(std::string(record.value));
    } catch (...) {
      out->push_back({"dlq", key, "not a number: " + std::string(record.value), 0});
      return Status::Ok();
    }
    Totals& totals = totals_[key];
    ++totals.count;
    totals.sum += value;
    out->push_back({"out", key, Text(key, totals), record.timestamp_ms});
    if (totals.count % 7 == 0) out->push_back({"out", key, "seventh " + Text(key, totals), 0});
    return Status::Ok();
  }

  Status Finish(std::vector<OutputRecord>* out) override {
    for (const auto& [key, totals] : totals_)
      out->push_back({"out", key, "final " + Text(key, totals), 0});
    return Status::Ok();
  }

  std::string SaveState() const override {
    StateWriter writer("counting");
    writer.Put<uint64_t>(totals_.size());
    for (const auto& [key, totals] : totals_) {
      writer.PutString(key);
      writer.Put(totals);
    }
    return writer.Take();
  }

  Status RestoreState(std::string_view bytes) override {
    StateReader reader(bytes, "counting");
    uint64_t keys = 0;
    reader.Get(&keys);
    totals_.clear();
    for (uint64_t i = 0; i < keys && reader.ok(); ++i) {
      std::string key;
      reader.GetString(&key);
      reader.Get(&totals_[key]);
    }
    return reader.done() ? Status::Ok() : Status::InvalidArgument("not a counting state");
  }

 private:
  struct Totals {
    int64_t count = 0;
    int64_t sum = 0;
  };
  static std::string Text(const std::string& key, const Totals& t) {
    return key + " count " + std::to_string(t.count) + " sum " + std::to_string(t.sum);
  }
  std::map<std::string, Totals> totals_;
};

}  // namespace rtml::process::testing
