#include "file_consumer.h"

#include <algorithm>
#include <chrono>

#include "file_broker.h"
#include "rtml/core/clock.h"
#include "rtml/core/log.h"

namespace rtml::stream::file {
namespace {

// How often a subscribed member looks for partitions another member gave up.
constexpr int64_t kClaimIntervalNs = 500'000'000;
// An idle Poll checks for records written by other processes at most this far apart
// (a writer of this process wakes it at once), from 1 ms up.
constexpr auto kMaxIdleSleep = std::chrono::milliseconds(10);

std::string Name(const TopicPartition& tp) { return tp.topic + "/" + std::to_string(tp.partition); }

}  // namespace

FileConsumer::FileConsumer(FileBroker* broker, const ConsumerOptions& options)
    : broker_(broker), options_(options) {}

FileConsumer::~FileConsumer() { (void)Close(); }

FileConsumer::Owned* FileConsumer::Find(const TopicPartition& tp) {
  for (auto& owned : owned_) {
    if (owned->tp == tp) return owned.get();
  }
  return nullptr;
}

Status FileConsumer::Take(const TopicPartition& tp, FileLock group_lock) {
  RTML_ASSIGN_OR_RETURN(std::shared_ptr<TopicState> topic, broker_->Topic(tp.topic));
  if (tp.partition < 0 || tp.partition >= topic->spec().partitions) {
    return Status::InvalidArgument("topic '" + tp.topic + "' has no partition " +
                                   std::to_string(tp.partition));
  }
  auto owned = std::make_unique<Owned>();
  owned->tp = tp;
  owned->topic = topic;
  owned->group_lock = std::move(group_lock);
  RTML_ASSIGN_OR_RETURN(owned->reader,
                        PartitionReader::Open(topic->PartitionDir(tp.partition), Name(tp)));
  if (!options_.group.empty()) {
    RTML_ASSIGN_OR_RETURN(owned->committed, broker_->groups().Committed(options_.group, tp));
  }
  if (owned->committed != kNoOffset) {
    RTML_RETURN_IF_ERROR(owned->reader->SeekToOffset(owned->committed));
  } else if (options_.offset_reset == OffsetReset::kLatest) {
    RTML_RETURN_IF_ERROR(owned->reader->SeekToEnd());
  }
  owned_.push_back(std::move(owned));
  return Status::Ok();
}

Status FileConsumer::Subscribe(const std::vector<std::string>& topics) {
  if (options_.group.empty()) {
    return Status::InvalidArgument("Subscribe needs a consumer group; use Assign without one");
  }
  for (const std::string& topic : topics) RTML_RETURN_IF_ERROR(broker_->Topic(topic).status());
  subscription_ = topics;
  return ClaimFreePartitions();
}

Status FileConsumer::ClaimFreePartitions() {
  last_claim_ns_ = MonotonicNs();
  for (const std::string& topic : subscription_) {
    RTML_ASSIGN_OR_RETURN(std::shared_ptr<TopicState> state, broker_->Topic(topic));
    for (int32_t p = 0; p < state->spec().partitions; ++p) {
      const TopicPartition tp{topic, p};
      if (Find(tp) != nullptr) continue;
      auto lock = broker_->groups().Claim(options_.group, tp);
      if (!lock.ok()) {
        if (lock.status().code() == StatusCode::kBusy) continue;  // another member has it
        return lock.status();
      }
      RTML_RETURN_IF_ERROR(Take(tp, std::move(lock).value()));
    }
  }
  return Status::Ok();
}

Status FileConsumer::Assign(const std::vector<TopicPartition>& partitions) {
  for (const TopicPartition& tp : partitions) {
    if (Find(tp) != nullptr) continue;
    FileLock lock;
    if (!options_.group.empty()) {
      RTML_ASSIGN_OR_RETURN(lock, broker_->groups().Claim(options_.group, tp));
    }
    RTML_RETURN_IF_ERROR(Take(tp, std::move(lock)));
  }
  return Status::Ok();
}

uint64_t FileConsumer::BatchesWritten() const {
  uint64_t sum = 0;
  for (const auto& owned : owned_) sum += owned->topic->batches_written(owned->tp.partition);
  return sum;
}

std::vector<TopicPartition> FileConsumer::Assignment() {
  std::vector<TopicPartition> out;
  for (const auto& owned : owned_) out.push_back(owned->tp);
  return out;
}

Result<std::span<const ConsumedRecord>> FileConsumer::Poll(std::chrono::milliseconds timeout,
                                                           size_t max_records) {
  records_.clear();
  header_ranges_.clear();
  headers_.clear();
  for (auto& owned : owned_) owned->reader->Unpin();
  const int64_t deadline = MonotonicNs() + timeout.count() * 1'000'000;
  auto idle_sleep = std::chrono::milliseconds(1);
  for (;;) {
    if (!subscription_.empty() && MonotonicNs() - last_claim_ns_ >= kClaimIntervalNs) {
      RTML_RETURN_IF_ERROR(ClaimFreePartitions());
    }
    // Counted before reading: a batch written after this wakes the wait below.
    const uint64_t written = BatchesWritten();
    for (size_t i = 0; i < owned_.size() && records_.size() < max_records; ++i) {
      Owned& owned = *owned_[(next_partition_ + i) % owned_.size()];
      const size_t first = records_.size();
      RTML_RETURN_IF_ERROR(
          owned.reader->Read(max_records - records_.size(), records_, header_ranges_, headers_));
      for (size_t r = first; r < records_.size(); ++r) {
        records_[r].topic = owned.tp.topic;
        records_[r].partition = owned.tp.partition;
      }
    }
    if (!owned_.empty()) next_partition_ = (next_partition_ + 1) % owned_.size();
    if (!records_.empty() || MonotonicNs() >= deadline) break;
    // A writer of this process wakes us as it writes; one of another process is
    // seen after the sleep.
    const auto remaining = std::chrono::nanoseconds(deadline - MonotonicNs());
    broker_->WaitForBatch([&] { return BatchesWritten() != written; },
                          std::min<std::chrono::nanoseconds>(idle_sleep, remaining));
    idle_sleep = std::min(idle_sleep * 2, kMaxIdleSleep);
  }
  // headers_ has stopped growing: now the spans can point into it.
  for (size_t r = 0; r < records_.size(); ++r) {
    const HeaderRange& range = header_ranges_[r];
    records_[r].headers = std::span<const HeaderView>(headers_.data() + range.first, range.count);
  }
  return std::span<const ConsumedRecord>(records_);
}

Status FileConsumer::Seek(std::string_view topic, int32_t partition, SeekTarget target) {
  bool found = false;
  for (auto& owned : owned_) {
    if (owned->tp.topic != topic || (partition != -1 && owned->tp.partition != partition)) continue;
    found = true;
    PartitionReader& reader = *owned->reader;
    switch (target.kind) {
      case SeekTarget::Kind::kBeginning:
        RTML_RETURN_IF_ERROR(reader.SeekToBeginning());
        break;
      case SeekTarget::Kind::kEnd:
        RTML_RETURN_IF_ERROR(reader.SeekToEnd());
        break;
      case SeekTarget::Kind::kOffset:
        RTML_RETURN_IF_ERROR(reader.SeekToOffset(target.value));
        break;
      case SeekTarget::Kind::kTimestamp:
        RTML_RETURN_IF_ERROR(reader.SeekToTimestamp(target.value));
        break;
    }
  }
  if (!found) {
    return Status::InvalidArgument("cannot seek " + std::string(topic) +
                                   (partition == -1 ? "" : "/" + std::to_string(partition)) +
                                   ": not assigned to this consumer");
  }
  records_.clear();  // the views may point into buffers the seek replaced
  return Status::Ok();
}

Result<int64_t> FileConsumer::Position(const TopicPartition& tp) {
  Owned* owned = Find(tp);
  if (owned == nullptr)
    return Status::InvalidArgument(Name(tp) + " is not assigned to this consumer");
  return owned->reader->position();
}

Status FileConsumer::Commit() {
  if (options_.group.empty()) {
    return Status::InvalidArgument("Commit needs a consumer group (ConsumerOptions::group)");
  }
  for (auto& owned : owned_) {
    const int64_t position = owned->reader->position();
    if (position == owned->committed) continue;
    RTML_RETURN_IF_ERROR(broker_->groups().Commit(options_.group, owned->tp, position));
    owned->committed = position;
  }
  return Status::Ok();
}

Result<std::vector<PartitionLag>> FileConsumer::Lag() {
  std::vector<PartitionLag> lags;
  for (auto& owned : owned_) {
    PartitionLag lag;
    lag.topic = owned->tp.topic;
    lag.partition = owned->tp.partition;
    lag.committed = owned->committed;
    lag.position = owned->reader->position();
    RTML_ASSIGN_OR_RETURN(lag.end_offset, owned->reader->EndOffset());
    RTML_ASSIGN_OR_RETURN(const int64_t start, owned->reader->StartOffset());
    lag.lag = lag.end_offset - std::max(lag.committed, start);
    lags.push_back(lag);
  }
  return lags;
}

Status FileConsumer::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  records_.clear();
  owned_.clear();  // releases the group locks: standby members take over
  subscription_.clear();
  return Status::Ok();
}

}  // namespace rtml::stream::file
