#include "rtml/process/stage_runner.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "rtml/core/log.h"
#include "rtml/stream/topic_reader.h"
#include "stage_checkpoint.h"

namespace rtml::process {
namespace {

using std::chrono::milliseconds;

constexpr size_t kMaxPollRecords = 10'000;

// The header each output carries: the stage that wrote it and the input record it
// came from, as "<stage>|<partition>:<offset>:<index among that record's outputs>".
// The stage's name keeps stages that share an output topic (a predict stage per
// pair) from taking each other's outputs for their own at a restart.
constexpr std::string_view kSourceHeader = "rtml-source";

std::string SourceText(std::string_view stage, int32_t partition, int64_t offset, size_t index) {
  std::string text(stage);
  text += '|';
  text += std::to_string(partition) + ":" + std::to_string(offset) + ":" + std::to_string(index);
  return text;
}

struct Source {
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t index = -1;
};

// Parses a header `stage` wrote; false for another stage's or a malformed one.
bool ParseSource(std::string_view stage, std::string_view text, Source* source) {
  if (text.size() <= stage.size() || !text.starts_with(stage) || text[stage.size()] != '|') {
    return false;
  }
  text.remove_prefix(stage.size() + 1);
  const char* p = text.data();
  const char* end = text.data() + text.size();
  auto number = [&](auto* value) {
    const auto [next, error] = std::from_chars(p, end, *value);
    if (error != std::errc()) return false;
    p = next;
    return true;
  };
  return number(&source->partition) && p < end && *p++ == ':' && number(&source->offset) &&
         p < end && *p++ == ':' && number(&source->index) && p == end;
}

// Group mode: says which input partitions the group gives this member whenever that
// changes (`said`: the list as last said), so operators and tests see them move.
void LogAssignment(const StageOptions& options, stream::Consumer& consumer, std::string* said) {
  std::set<int32_t> assigned;
  for (const stream::TopicPartition& tp : consumer.Assignment()) assigned.insert(tp.partition);
  std::string list;
  for (const int32_t p : assigned) list += (list.empty() ? "" : ",") + std::to_string(p);
  if (list.empty()) list = "none";
  if (list == *said) return;
  *said = list;
  LogInfo(options.name + ": partitions of " + options.input_topic + " held now: " + list);
}

}  // namespace

struct StageRunner::Partition {
  int32_t id = 0;
  std::unique_ptr<PartitionOperator> op;
  int64_t next_offset = 0;  // the only offset processed next; others are skipped or re-sought
  bool needs_seek = false;
  bool finished = false;
  // Outputs written after the restored checkpoint, by (input offset, index): their
  // replays are not written again.
  std::set<std::pair<int64_t, int64_t>> written;
  // Where those outputs were found (empty: from the beginning). While some replays
  // are still ahead, checkpoints keep pointing here, so a second crash finds them too.
  std::vector<OutputEnd> written_from;
};

Result<std::unique_ptr<StageRunner>> StageRunner::Create(stream::Broker* broker,
                                                         StageOptions options,
                                                         OperatorFactory factory) {
  if (options.name.empty()) return Status::InvalidArgument("a stage needs a name");
  if (options.input_topic.empty()) {
    return Status::InvalidArgument("stage " + options.name + ": no input topic");
  }
  if (options.output_topics.empty()) {
    return Status::InvalidArgument("stage " + options.name + ": no output topic");
  }
  if (options.stop_at_end && !options.group.empty()) {
    return Status::InvalidArgument("stage " + options.name +
                                   ": a bounded run (stop at end) cannot use a group");
  }
  if (options.checkpoint_topic.empty()) options.checkpoint_topic = options.name + ".checkpoints";
  // Only the newest checkpoints matter: keep the topic small by size.
  const Status created = broker->CreateTopic({.name = options.checkpoint_topic,
                                              .partitions = 1,
                                              .retention_ms = stream::kUnlimited,
                                              .retention_bytes = 256LL << 20,
                                              .segment_bytes = 16LL << 20});
  if (!created.ok() && created.code() != StatusCode::kAlreadyExists) return created;
  return std::unique_ptr<StageRunner>(
      new StageRunner(broker, std::move(options), std::move(factory)));
}

StageRunner::StageRunner(stream::Broker* broker, StageOptions options, OperatorFactory factory)
    : broker_(broker), options_(std::move(options)), factory_(std::move(factory)) {}

StageRunner::~StageRunner() = default;

StageStats StageRunner::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

Result<StageRunner::Partition*> StageRunner::PartitionFor(int32_t id) {
  if (auto it = partitions_.find(id); it != partitions_.end()) return it->second.get();
  auto partition = std::make_unique<Partition>();
  partition->id = id;
  RTML_ASSIGN_OR_RETURN(partition->op, factory_(id));
  RTML_ASSIGN_OR_RETURN(const std::optional<StageCheckpoint> checkpoint,
                        LoadStageCheckpoint(*broker_, options_.checkpoint_topic,
                                            StageCheckpointKey(options_.name, id)));
  std::map<std::pair<std::string, int32_t>, int64_t> scan_from;  // output partition → offset
  if (checkpoint) {
    RTML_RETURN_IF_ERROR(partition->op->RestoreState(checkpoint->state)
                             .WithContext("restoring partition " + std::to_string(id)));
    partition->next_offset = checkpoint->next_offset;
    partition->finished = checkpoint->finished;
    for (const OutputEnd& end : checkpoint->outputs) {
      scan_from[{end.topic, end.partition}] = end.end_offset;
    }
    partition->written_from = checkpoint->outputs;
  } else {
    RTML_ASSIGN_OR_RETURN(const stream::TopicDescription input,
                          broker_->DescribeTopic(options_.input_topic));
    for (const stream::PartitionInfo& info : input.partitions) {
      if (info.partition == id) partition->next_offset = info.start_offset;
    }
  }
  // Outputs of this partition written after the checkpoint (all of them if there is
  // none): a crash came before they were checkpointed, and the replay re-states them.
  for (const std::string& topic : options_.output_topics) {
    RTML_RETURN_IF_ERROR(stream::ReadTopicToEnd(
        *broker_, topic,
        [&](int32_t p) {
          const auto it = scan_from.find({topic, p});
          return it == scan_from.end() ? stream::SeekTarget::Beginning()
                                       : stream::SeekTarget::Offset(it->second);
        },
        [&](const stream::ConsumedRecord& record) {
          for (const stream::HeaderView& header : record.headers) {
            Source source;
            if (header.key == kSourceHeader && ParseSource(options_.name, header.value, &source) &&
                source.partition == id && source.offset >= partition->next_offset) {
              partition->written.insert({source.offset, source.index});
            }
          }
          return Status::Ok();
        }));
  }
  partition->needs_seek = true;
  if (!options_.group.empty()) {  // partitions move between members: say which ones
    LogInfo(options_.name + ": took partition " + std::to_string(id) + " of " +
            options_.input_topic + " at offset " + std::to_string(partition->next_offset) +
            (checkpoint ? " (restored from its checkpoint)" : " (no checkpoint)"));
  }
  {
    std::lock_guard lock(mu_);
    stats_.restored += checkpoint.has_value();
    stats_.partitions = static_cast<int32_t>(partitions_.size() + 1);
  }
  return partitions_.emplace(id, std::move(partition)).first->second.get();
}

Status StageRunner::Emit(Partition& partition, int64_t source_offset,
                         std::vector<OutputRecord>& outputs) {
  int64_t skipped = 0;
  int64_t dead_letters = 0;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (partition.written.erase({source_offset, static_cast<int64_t>(i)}) > 0) {
      ++skipped;
      continue;
    }
    const OutputRecord& out = outputs[i];
    dead_letters += options_.dead_letter_topic.empty() ? out.topic != options_.output_topics.front()
                                                       : out.topic == options_.dead_letter_topic;
    const std::string source = SourceText(options_.name, partition.id, source_offset, i);
    const stream::HeaderView header{kSourceHeader, source};
    RTML_RETURN_IF_ERROR(producer_->Produce(out.topic, {.key = out.key,
                                                        .value = out.value,
                                                        .headers = {&header, 1},
                                                        .timestamp_ms = out.timestamp_ms}));
  }
  std::lock_guard lock(mu_);
  stats_.records_out += static_cast<int64_t>(outputs.size()) - skipped;
  stats_.dead_letters += dead_letters;
  stats_.replays_skipped += skipped;
  return Status::Ok();
}

Status StageRunner::ProcessBatch(std::span<const stream::ConsumedRecord> records) {
  int64_t processed = 0;
  int64_t newest_input_ms = 0;
  // In a group, a rebalance during the Poll may have taken partitions away: their
  // records are left to the new owner (which replays them from the checkpoint), and
  // they cannot be sought. DropRevokedPartitions() forgets them next.
  const bool grouped = !options_.group.empty();
  std::set<int32_t> assigned;
  if (grouped) {
    for (const stream::TopicPartition& tp : consumer_->Assignment()) assigned.insert(tp.partition);
  }
  for (const stream::ConsumedRecord& record : records) {
    if (grouped && !assigned.contains(record.partition)) continue;
    RTML_ASSIGN_OR_RETURN(Partition * partition, PartitionFor(record.partition));
    // Only the expected offset goes in: older ones are reflected in the state
    // already, newer ones come after a seek back to the expected one.
    if (record.offset != partition->next_offset) {
      if (record.offset > partition->next_offset) partition->needs_seek = true;
      continue;
    }
    partition->needs_seek = false;
    outputs_.clear();
    RTML_RETURN_IF_ERROR(partition->op->Process(record, &outputs_));
    RTML_RETURN_IF_ERROR(Emit(*partition, record.offset, outputs_));
    ++partition->next_offset;
    ++processed;
    newest_input_ms = std::max(newest_input_ms, record.timestamp_ms);
  }
  {
    std::lock_guard lock(mu_);
    stats_.records_in += processed;
    stats_.newest_input_ms = std::max(stats_.newest_input_ms, newest_input_ms);
  }
  // Seeks invalidate the batch's records, so they wait until it is done.
  for (auto& [id, partition] : partitions_) {
    if (!partition->needs_seek || (grouped && !assigned.contains(id))) continue;
    RTML_RETURN_IF_ERROR(consumer_->Seek(options_.input_topic, id,
                                         stream::SeekTarget::Offset(partition->next_offset)));
    partition->needs_seek = false;
  }
  return Status::Ok();
}

Status StageRunner::Checkpoint() {
  if (partitions_.empty()) return Status::Ok();
  // Outputs first: a checkpoint must never cover an output that could still be lost.
  RTML_RETURN_IF_ERROR(producer_->Flush());
  for (const auto& [id, partition] : partitions_) RTML_RETURN_IF_ERROR(partition->op->Flush());
  std::vector<OutputEnd> ends;
  for (const std::string& topic : options_.output_topics) {
    RTML_ASSIGN_OR_RETURN(const stream::TopicDescription description,
                          broker_->DescribeTopic(topic));
    for (const stream::PartitionInfo& info : description.partitions) {
      ends.push_back({topic, info.partition, info.end_offset});
    }
  }
  for (const auto& [id, partition] : partitions_) {
    // Outputs of records before this checkpoint will never be replayed again.
    auto& written = partition->written;
    written.erase(written.begin(), written.lower_bound({partition->next_offset, 0}));
    if (written.empty()) partition->written_from = ends;
    const StageCheckpoint checkpoint{.partition = id,
                                     .next_offset = partition->next_offset,
                                     .finished = partition->finished,
                                     .outputs = partition->written_from,
                                     .state = partition->op->SaveState()};
    const std::string key = StageCheckpointKey(options_.name, id);
    const std::string value = EncodeStageCheckpoint(checkpoint);
    RTML_RETURN_IF_ERROR(
        producer_->Produce(options_.checkpoint_topic, {.key = key, .value = value}));
  }
  RTML_RETURN_IF_ERROR(producer_->Flush());
  if (!options_.group.empty()) {
    // The checkpoint records are what a new owner resumes from; the committed
    // offsets only say where its consumer starts (it seeks to the checkpoint) and
    // how far the group is. So a commit the group refuses while it rebalances, or
    // after it moved on to a new generation, is left to the next checkpoint.
    const Status committed = consumer_->Commit();
    if (!committed.ok() && committed.code() != StatusCode::kBusy) {
      LogWarning(options_.name + ": " + committed.ToString() + " (retried at the next checkpoint)");
    }
  }
  std::lock_guard lock(mu_);
  ++stats_.checkpoints;
  return Status::Ok();
}

Status StageRunner::DropRevokedPartitions() {
  if (options_.group.empty()) return Status::Ok();
  std::set<int32_t> assigned;
  for (const stream::TopicPartition& tp : consumer_->Assignment()) assigned.insert(tp.partition);
  bool dropped = false;
  for (auto it = partitions_.begin(); it != partitions_.end();) {
    // Its new owner restores the last checkpoint and replays from there.
    if (assigned.contains(it->first)) {
      ++it;
    } else {
      it = partitions_.erase(it);
      dropped = true;
    }
  }
  // The new owner recognises the outputs written after that checkpoint as it
  // restores: send them now, not at our next checkpoint, so they are there to see.
  if (dropped) RTML_RETURN_IF_ERROR(producer_->Flush());
  std::lock_guard lock(mu_);
  stats_.partitions = static_cast<int32_t>(partitions_.size());
  return Status::Ok();
}

bool StageRunner::ReachedEnd() const {
  for (const auto& [id, end] : end_at_start_) {
    const auto it = partitions_.find(id);
    if (it == partitions_.end() || it->second->next_offset < end) return false;
  }
  return true;
}

Status StageRunner::Run() {
  RTML_ASSIGN_OR_RETURN(producer_, broker_->NewProducer());
  RTML_ASSIGN_OR_RETURN(consumer_, broker_->NewConsumer({.group = options_.group}));
  if (options_.group.empty()) {
    RTML_ASSIGN_OR_RETURN(const stream::TopicDescription input,
                          broker_->DescribeTopic(options_.input_topic));
    std::vector<stream::TopicPartition> all;
    for (const stream::PartitionInfo& info : input.partitions) {
      all.push_back({options_.input_topic, info.partition});
      end_at_start_[info.partition] = info.end_offset;
      RTML_RETURN_IF_ERROR(PartitionFor(info.partition).status());
    }
    RTML_RETURN_IF_ERROR(consumer_->Assign(all));
    RTML_RETURN_IF_ERROR(ProcessBatch({}));  // seeks every partition to its checkpoint
  } else {
    RTML_RETURN_IF_ERROR(consumer_->Subscribe({options_.input_topic}));
  }
  auto next_checkpoint = std::chrono::steady_clock::now() + options_.checkpoint_interval;
  std::string assignment_said = "none";
  while (!stop_.load()) {
    if (options_.stop_at_end && ReachedEnd()) break;
    RTML_ASSIGN_OR_RETURN(const auto records, consumer_->Poll(milliseconds(100), kMaxPollRecords));
    RTML_RETURN_IF_ERROR(ProcessBatch(records));
    // The input ran dry: the outputs go out now rather than after the producer's
    // linger, which only pays while records keep coming (a full poll).
    if (!records.empty() && records.size() < kMaxPollRecords) {
      RTML_RETURN_IF_ERROR(producer_->SendQueued());
    }
    RTML_RETURN_IF_ERROR(DropRevokedPartitions());
    if (!options_.group.empty()) LogAssignment(options_, *consumer_, &assignment_said);
    if (std::chrono::steady_clock::now() >= next_checkpoint) {
      RTML_RETURN_IF_ERROR(Checkpoint());
      next_checkpoint = std::chrono::steady_clock::now() + options_.checkpoint_interval;
    }
  }
  if (options_.stop_at_end && ReachedEnd()) {
    for (auto& [id, partition] : partitions_) {
      if (partition->finished) continue;
      outputs_.clear();
      RTML_RETURN_IF_ERROR(partition->op->Finish(&outputs_));
      // Finish's outputs belong to the end offset, where no input record is.
      RTML_RETURN_IF_ERROR(Emit(*partition, partition->next_offset, outputs_));
      partition->finished = true;
    }
  }
  RTML_RETURN_IF_ERROR(Checkpoint());
  return consumer_->Close();
}

}  // namespace rtml::process
