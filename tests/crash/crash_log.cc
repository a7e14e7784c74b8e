#include "crash_log.h"

#include "crash_record.h"
#include "file_broker.h"

namespace rtml::crash {

size_t CrashLog::TotalRecords() const {
  size_t total = 0;
  for (const auto& partition : seqs) total += partition.size();
  return total;
}

Result<CrashLog> ReadCrashLog(const std::string& dir, const std::string& topic) {
  RTML_ASSIGN_OR_RETURN(auto broker, stream::OpenFileBroker(dir, "file://" + dir, {}));
  RTML_ASSIGN_OR_RETURN(const stream::TopicDescription description, broker->DescribeTopic(topic));
  if (description.partitions.size() != static_cast<size_t>(kPartitions)) {
    return Status::Corruption(topic + " has " + std::to_string(description.partitions.size()) +
                              " partitions");
  }
  CrashLog log;
  log.seqs.resize(kPartitions);
  for (const stream::PartitionInfo& info : description.partitions) {
    if (info.start_offset != 0) {
      return Status::Corruption("partition " + std::to_string(info.partition) + " starts at " +
                                std::to_string(info.start_offset));
    }
    auto& seqs = log.seqs[static_cast<size_t>(info.partition)];
    seqs.reserve(static_cast<size_t>(info.end_offset));
    RTML_ASSIGN_OR_RETURN(auto consumer, broker->NewConsumer());
    RTML_RETURN_IF_ERROR(consumer->Assign({{topic, info.partition}}));
    while (static_cast<int64_t>(seqs.size()) < info.end_offset) {
      RTML_ASSIGN_OR_RETURN(auto records, consumer->Poll(std::chrono::seconds(5), 10000));
      if (records.empty()) {
        return Status::Corruption("partition " + std::to_string(info.partition) +
                                  " ends at offset " + std::to_string(seqs.size()) +
                                  ", its end offset is " + std::to_string(info.end_offset));
      }
      for (const stream::ConsumedRecord& r : records) {
        const std::string where =
            "partition " + std::to_string(r.partition) + " offset " + std::to_string(r.offset);
        if (r.offset != static_cast<int64_t>(seqs.size())) {
          return Status::Corruption(where + ": expected offset " + std::to_string(seqs.size()));
        }
        const auto n = ParseSeq(r.value);
        if (!n.has_value()) return Status::Corruption(where + ": value is not seq=<n>");
        if (const std::string bad = Mismatch(r, *n); !bad.empty()) {
          return Status::Corruption(where + " (n=" + std::to_string(*n) + "): wrong " + bad);
        }
        seqs.push_back(*n);
      }
    }
  }
  return log;
}

}  // namespace rtml::crash
