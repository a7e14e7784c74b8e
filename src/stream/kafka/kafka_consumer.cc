#include "kafka_consumer.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "kafka_errors.h"

namespace rtml::stream::kafka {
namespace {

using Clock = std::chrono::steady_clock;

PartitionListPtr NewList(size_t size_hint) {
  return PartitionListPtr(rd_kafka_topic_partition_list_new(static_cast<int>(size_hint)));
}

bool IsCooperative(rd_kafka_t* rk) {
  return std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
}

}  // namespace

Result<std::unique_ptr<Consumer>> KafkaConsumer::Open(const KafkaConfig& config,
                                                      const ConsumerOptions& options) {
  RTML_ASSIGN_OR_RETURN(ConfPtr conf, config.ForConsumer(options));
  std::unique_ptr<KafkaConsumer> consumer(
      new KafkaConsumer("kafka://" + config.bootstrap_servers(), options));
  rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaConsumer::OnRebalance);
  rd_kafka_conf_set_opaque(conf.get(), consumer.get());
  RTML_ASSIGN_OR_RETURN(consumer->handle_, config.NewHandle(RD_KAFKA_CONSUMER, std::move(conf)));
  // Everything (rebalances, errors, records) comes out of rd_kafka_consumer_poll.
  rd_kafka_poll_set_consumer(consumer->handle_.get());
  return std::unique_ptr<Consumer>(std::move(consumer));
}

KafkaConsumer::~KafkaConsumer() {
  if (handle_ == nullptr) return;
  (void)Close();
  ReleaseBatch();  // messages hold references that rd_kafka_destroy waits for
  handle_.reset();
}

std::string KafkaConsumer::Describe(const TopicPartition& tp) const {
  return "topic '" + tp.topic + "' partition " + std::to_string(tp.partition) + " on " + where_;
}

Status KafkaConsumer::CheckOpen(std::string_view operation) const {
  if (closed_) {
    return Status::InvalidArgument(std::string(operation) + ": the consumer of " + where_ +
                                   " is closed");
  }
  return Status::Ok();
}

void KafkaConsumer::ReleaseBatch() {
  batch_records_.clear();
  batch_headers_.clear();
  batch_messages_.clear();
}

Status KafkaConsumer::Subscribe(const std::vector<std::string>& topics) {
  RTML_RETURN_IF_ERROR(CheckOpen("Subscribe"));
  if (options_.group.empty()) {
    return Status::InvalidArgument("Subscribe on " + where_ +
                                   " needs a consumer group (ConsumerOptions::group)");
  }
  if (!assignment_.empty() && !subscribed_) {
    return Status::InvalidArgument("Subscribe on " + where_ +
                                   ": this consumer already has partitions from Assign()");
  }
  if (topics.empty()) return Status::InvalidArgument("Subscribe on " + where_ + ": no topics");
  RTML_ASSIGN_OR_RETURN(const ClusterMetadata metadata,
                        ClusterMetadata::Fetch(handle_.get(), where_));
  PartitionListPtr list = NewList(topics.size());
  for (const std::string& topic : topics) {
    // Checked first: subscribing to a missing topic would wait for it forever.
    RTML_RETURN_IF_ERROR(metadata.Require(topic).status());
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  RTML_RETURN_IF_ERROR(KafkaStatus(rd_kafka_subscribe(handle_.get(), list.get()),
                                   "subscribing group '" + options_.group + "' on " + where_));
  subscribed_ = true;
  return Status::Ok();
}

Status KafkaConsumer::Assign(const std::vector<TopicPartition>& partitions) {
  RTML_RETURN_IF_ERROR(CheckOpen("Assign"));
  if (subscribed_) {
    return Status::InvalidArgument("Assign on " + where_ +
                                   ": this consumer's partitions come from Subscribe()");
  }
  RTML_ASSIGN_OR_RETURN(const ClusterMetadata metadata,
                        ClusterMetadata::Fetch(handle_.get(), where_));
  PartitionListPtr list = NewList(partitions.size());
  for (const TopicPartition& tp : partitions) {
    RTML_ASSIGN_OR_RETURN(const TopicMetadata topic, metadata.Require(tp.topic));
    if (tp.partition < 0 || tp.partition >= topic.partitions) {
      return Status::InvalidArgument("Assign on " + where_ + ": topic '" + tp.topic +
                                     "' has no partition " + std::to_string(tp.partition) +
                                     " (it has 0.." + std::to_string(topic.partitions - 1) + ")");
    }
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset =
        RD_KAFKA_OFFSET_INVALID;
  }
  ReleaseBatch();
  positions_.clear();
  RTML_RETURN_IF_ERROR(ResolveStartOffsets(list.get()));
  RTML_RETURN_IF_ERROR(
      KafkaStatus(rd_kafka_assign(handle_.get(), list.get()), "assigning partitions on " + where_));
  assignment_ = std::set<TopicPartition>(partitions.begin(), partitions.end());
  return Status::Ok();
}

std::vector<TopicPartition> KafkaConsumer::Assignment() {
  return std::vector<TopicPartition>(assignment_.begin(), assignment_.end());
}

void KafkaConsumer::OnRebalance(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err,
                                rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<KafkaConsumer*>(opaque)->HandleRebalance(err, partitions);
}

void KafkaConsumer::HandleRebalance(rd_kafka_resp_err_t err,
                                    rd_kafka_topic_partition_list_t* partitions) {
  rd_kafka_t* rk = handle_.get();
  const bool cooperative = IsCooperative(rk);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    // If the committed offsets cannot be read now, librdkafka reads them itself
    // (offsets stay INVALID); only Position() is unknown until records arrive.
    Status resolved = ResolveStartOffsets(partitions);
    if (!resolved.ok()) {
      for (int i = 0; i < partitions->cnt; ++i) {
        positions_.erase({partitions->elems[i].topic, partitions->elems[i].partition});
      }
    }
    const Status assigned =
        cooperative ? KafkaStatus(rd_kafka_incremental_assign(rk, partitions),
                                  "taking partitions from group '" + options_.group + "'")
                    : KafkaStatus(rd_kafka_assign(rk, partitions),
                                  "taking partitions from group '" + options_.group + "'");
    if (!assigned.ok()) {
      pending_error_ = assigned;
      return;
    }
    if (!cooperative) assignment_.clear();
    for (int i = 0; i < partitions->cnt; ++i) {
      assignment_.insert({partitions->elems[i].topic, partitions->elems[i].partition});
    }
    return;
  }
  // Revoked, or an error: give the partitions up. Their uncommitted positions are
  // lost on purpose; the next owner resumes from the last Commit().
  if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && cooperative) {
    (void)rd_kafka_incremental_unassign(rk, partitions);
    for (int i = 0; i < partitions->cnt; ++i) {
      const TopicPartition tp{partitions->elems[i].topic, partitions->elems[i].partition};
      assignment_.erase(tp);
      positions_.erase(tp);
    }
    return;
  }
  if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    pending_error_ = KafkaStatus(err, "rebalancing group '" + options_.group + "' on " + where_);
  }
  if (cooperative) {
    (void)rd_kafka_incremental_unassign(rk, partitions);
  } else {
    (void)rd_kafka_assign(rk, nullptr);
  }
  assignment_.clear();
  positions_.clear();
}

Result<std::map<TopicPartition, int64_t>> KafkaConsumer::Committed(
    const std::vector<TopicPartition>& partitions) {
  std::map<TopicPartition, int64_t> committed;
  for (const TopicPartition& tp : partitions) committed[tp] = kNoOffset;
  if (options_.group.empty() || partitions.empty()) return committed;
  PartitionListPtr list = NewList(partitions.size());
  for (const TopicPartition& tp : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  }
  RTML_RETURN_IF_ERROR(
      KafkaStatus(rd_kafka_committed(handle_.get(), list.get(), kRequestTimeoutMs),
                  "reading committed offsets of group '" + options_.group + "' on " + where_));
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& elem = list->elems[i];
    const TopicPartition tp{elem.topic, elem.partition};
    RTML_RETURN_IF_ERROR(KafkaStatus(
        elem.err, "committed offset of group '" + options_.group + "' for " + Describe(tp)));
    if (elem.offset >= 0) committed[tp] = elem.offset;
  }
  return committed;
}

Status KafkaConsumer::ResolveStartOffsets(rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> open;
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].offset == RD_KAFKA_OFFSET_INVALID) {
      open.push_back({list->elems[i].topic, list->elems[i].partition});
    }
  }
  RTML_ASSIGN_OR_RETURN(const auto committed, Committed(open));
  for (int i = 0; i < list->cnt; ++i) {
    rd_kafka_topic_partition_t& elem = list->elems[i];
    const TopicPartition tp{elem.topic, elem.partition};
    if (elem.offset == RD_KAFKA_OFFSET_INVALID) {
      const int64_t offset = committed.at(tp);
      if (offset != kNoOffset) {
        elem.offset = offset;
      } else {
        RTML_ASSIGN_OR_RETURN(const Watermarks marks,
                              QueryWatermarks(handle_.get(), tp.topic, tp.partition));
        elem.offset = options_.offset_reset == OffsetReset::kEarliest ? marks.low : marks.high;
      }
    }
    positions_[tp] = elem.offset;
  }
  return Status::Ok();
}

Status KafkaConsumer::PollError(const rd_kafka_message_t& message) const {
  switch (message.err) {
    case RD_KAFKA_RESP_ERR__PARTITION_EOF:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
      return Status::Ok();  // librdkafka reconnects and retries by itself
    default:
      break;
  }
  std::string context;
  if (message.rkt != nullptr) {
    context = "consuming " + Describe({rd_kafka_topic_name(message.rkt), message.partition});
  } else {
    context = "consumer of " + where_;
    if (!options_.group.empty()) context += " in group '" + options_.group + "'";
  }
  if (message.err == RD_KAFKA_RESP_ERR__FATAL) {
    std::array<char, 512> reason{};
    const rd_kafka_resp_err_t fatal =
        rd_kafka_fatal_error(handle_.get(), reason.data(), reason.size());
    return Status::Internal(context + ": fatal error " + rd_kafka_err2name(fatal) + ": " +
                            reason.data());
  }
  return KafkaStatus(message.err, context);
}

Result<std::span<const ConsumedRecord>> KafkaConsumer::Poll(std::chrono::milliseconds timeout,
                                                            size_t max_records) {
  RTML_RETURN_IF_ERROR(CheckOpen("Poll"));
  ReleaseBatch();
  if (!pending_error_.ok()) return std::exchange(pending_error_, Status::Ok());
  if (max_records == 0) return std::span<const ConsumedRecord>();

  // Header views are gathered first and the spans set after, as the vector moves.
  std::vector<std::pair<size_t, size_t>> header_ranges;
  const Clock::time_point deadline = Clock::now() + timeout;
  while (batch_messages_.size() < max_records) {
    // Wait only for the first record; then take what is already there.
    int wait_ms = 0;
    if (batch_messages_.empty()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    MessagePtr message(rd_kafka_consumer_poll(handle_.get(), wait_ms));
    if (message == nullptr) {
      if (batch_messages_.empty() && wait_ms > 0) continue;  // woken by a rebalance
      break;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Status error = PollError(*message);
      if (error.ok()) continue;
      if (batch_messages_.empty()) return error;
      pending_error_ = std::move(error);
      break;
    }
    const TopicPartition tp{rd_kafka_topic_name(message->rkt), message->partition};
    if (!assignment_.contains(tp)) continue;  // revoked since it was fetched
    positions_[tp] = message->offset + 1;

    const size_t first_header = batch_headers_.size();
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(message.get(), &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      for (size_t i = 0;
           rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++i) {
        batch_headers_.push_back(
            {name, value == nullptr ? std::string_view()
                                    : std::string_view(static_cast<const char*>(value), size)});
      }
    }
    header_ranges.emplace_back(first_header, batch_headers_.size() - first_header);

    ConsumedRecord record;
    record.topic = rd_kafka_topic_name(message->rkt);
    record.partition = message->partition;
    record.offset = message->offset;
    rd_kafka_timestamp_type_t timestamp_type;
    record.timestamp_ms = rd_kafka_message_timestamp(message.get(), &timestamp_type);
    if (message->key != nullptr) {
      record.key = std::string_view(static_cast<const char*>(message->key), message->key_len);
    }
    if (message->payload != nullptr) {
      record.value = std::string_view(static_cast<const char*>(message->payload), message->len);
    }
    batch_records_.push_back(record);
    batch_messages_.push_back(std::move(message));
  }
  for (size_t i = 0; i < batch_records_.size(); ++i) {
    batch_records_[i].headers = std::span<const HeaderView>(
        batch_headers_.data() + header_ranges[i].first, header_ranges[i].second);
  }
  return std::span<const ConsumedRecord>(batch_records_);
}

Result<int64_t> KafkaConsumer::ResolveSeekTarget(const TopicPartition& tp, SeekTarget target) {
  switch (target.kind) {
    case SeekTarget::Kind::kOffset:
      if (target.value < 0) {
        return Status::InvalidArgument("Seek of " + Describe(tp) + " to negative offset " +
                                       std::to_string(target.value));
      }
      return target.value;
    case SeekTarget::Kind::kBeginning:
    case SeekTarget::Kind::kEnd: {
      RTML_ASSIGN_OR_RETURN(const Watermarks marks,
                            QueryWatermarks(handle_.get(), tp.topic, tp.partition));
      return target.kind == SeekTarget::Kind::kBeginning ? marks.low : marks.high;
    }
    case SeekTarget::Kind::kTimestamp: {
      PartitionListPtr list = NewList(1);
      rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset =
          target.value;
      const std::string context =
          "looking up timestamp " + std::to_string(target.value) + " in " + Describe(tp);
      RTML_RETURN_IF_ERROR(KafkaStatus(
          rd_kafka_offsets_for_times(handle_.get(), list.get(), kRequestTimeoutMs), context));
      RTML_RETURN_IF_ERROR(KafkaStatus(list->elems[0].err, context));
      if (list->elems[0].offset >= 0) return list->elems[0].offset;
      // No record at or after the timestamp: the end.
      RTML_ASSIGN_OR_RETURN(const Watermarks marks,
                            QueryWatermarks(handle_.get(), tp.topic, tp.partition));
      return marks.high;
    }
  }
  return Status::InvalidArgument("Seek of " + Describe(tp) + ": unknown target kind");
}

Status KafkaConsumer::Seek(std::string_view topic, int32_t partition, SeekTarget target) {
  RTML_RETURN_IF_ERROR(CheckOpen("Seek"));
  std::vector<TopicPartition> targets;
  for (const TopicPartition& tp : assignment_) {
    if (tp.topic == topic && (partition == -1 || tp.partition == partition)) targets.push_back(tp);
  }
  if (targets.empty()) {
    return Status::InvalidArgument(
        "Seek on " + where_ + ": topic '" + std::string(topic) + "' " +
        (partition == -1 ? std::string("has no assigned partition")
                         : "partition " + std::to_string(partition) + " is not assigned") +
        " to this consumer");
  }
  ReleaseBatch();
  PartitionListPtr list = NewList(targets.size());
  for (const TopicPartition& tp : targets) {
    RTML_ASSIGN_OR_RETURN(const int64_t offset, ResolveSeekTarget(tp, target));
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  }
  const ErrorPtr error(rd_kafka_seek_partitions(handle_.get(), list.get(), kRequestTimeoutMs));
  RTML_RETURN_IF_ERROR(KafkaStatus(error.get(), "seeking on " + where_));
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& elem = list->elems[i];
    const TopicPartition tp{elem.topic, elem.partition};
    RTML_RETURN_IF_ERROR(KafkaStatus(elem.err, "seeking " + Describe(tp)));
    positions_[tp] = elem.offset;
  }
  return Status::Ok();
}

Result<int64_t> KafkaConsumer::Position(const TopicPartition& tp) {
  RTML_RETURN_IF_ERROR(CheckOpen("Position"));
  if (!assignment_.contains(tp)) {
    return Status::InvalidArgument("Position: " + Describe(tp) +
                                   " is not assigned to this consumer");
  }
  if (const auto it = positions_.find(tp); it != positions_.end()) return it->second;
  PartitionListPtr list = NewList(1);
  rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset =
      RD_KAFKA_OFFSET_INVALID;
  RTML_RETURN_IF_ERROR(ResolveStartOffsets(list.get()));
  return list->elems[0].offset;
}

Status KafkaConsumer::Commit() {
  RTML_RETURN_IF_ERROR(CheckOpen("Commit"));
  if (options_.group.empty()) {
    return Status::InvalidArgument("Commit on " + where_ +
                                   " needs a consumer group (ConsumerOptions::group)");
  }
  PartitionListPtr list = NewList(assignment_.size());
  for (const TopicPartition& tp : assignment_) {
    const auto it = positions_.find(tp);
    if (it == positions_.end() || it->second < 0) continue;  // nothing read, nothing to store
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset =
        it->second;
  }
  if (list->cnt == 0) return Status::Ok();
  const std::string context = "committing offsets of group '" + options_.group + "' on " + where_;
  RTML_RETURN_IF_ERROR(
      KafkaStatus(rd_kafka_commit(handle_.get(), list.get(), /*async=*/0), context));
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& elem = list->elems[i];
    RTML_RETURN_IF_ERROR(KafkaStatus(elem.err, "committing offset " + std::to_string(elem.offset) +
                                                   " of group '" + options_.group + "' for " +
                                                   Describe({elem.topic, elem.partition})));
  }
  return Status::Ok();
}

Result<std::vector<PartitionLag>> KafkaConsumer::Lag() {
  RTML_RETURN_IF_ERROR(CheckOpen("Lag"));
  const std::vector<TopicPartition> partitions = Assignment();
  RTML_ASSIGN_OR_RETURN(const auto committed, Committed(partitions));
  std::vector<PartitionLag> lags;
  lags.reserve(partitions.size());
  for (const TopicPartition& tp : partitions) {
    RTML_ASSIGN_OR_RETURN(const Watermarks marks,
                          QueryWatermarks(handle_.get(), tp.topic, tp.partition));
    PartitionLag lag;
    lag.topic = tp.topic;
    lag.partition = tp.partition;
    lag.committed = committed.at(tp);
    const auto position = positions_.find(tp);
    lag.position = position == positions_.end() ? kNoOffset : position->second;
    lag.end_offset = marks.high;
    lag.lag = marks.high - (lag.committed != kNoOffset ? lag.committed : marks.low);
    lags.push_back(std::move(lag));
  }
  return lags;
}

Status KafkaConsumer::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  ReleaseBatch();
  // Leaves the group: the revoke callback runs inside, handing partitions over.
  const rd_kafka_resp_err_t err = rd_kafka_consumer_close(handle_.get());
  assignment_.clear();
  positions_.clear();
  return KafkaStatus(err, "closing the consumer of " + where_);
}

}  // namespace rtml::stream::kafka
