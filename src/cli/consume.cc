// rtml consume: print a topic's records as JSON lines.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "broker_flags.h"
#include "command.h"
#include "output_buffer.h"
#include "progress.h"
#include "record_json.h"
#include "rtml/core/clock.h"
#include "stop_signal.h"
#include "timestamp.h"

namespace rtml::cli {
namespace {

using stream::Broker;
using stream::ConsumedRecord;
using stream::Consumer;
using stream::SeekTarget;
using stream::TopicPartition;

constexpr std::chrono::milliseconds kPollTimeout{200};
constexpr size_t kMaxBatch = 1000;
// Without --follow, how long to wait for the group to assign any partition. Kafka
// may first wait out the session of a member that vanished (45 s by default).
constexpr int64_t kAssignmentWaitNs = 120'000'000'000;
// When to say on stderr that we are waiting for an assignment.
constexpr int64_t kAssignmentNoteNs = 5'000'000'000;

struct ConsumeArgs {
  std::string topic;
  std::string group;
  int32_t partition = -1;  // -1: every partition
  std::optional<SeekTarget> seek;
  bool from_beginning = false;
  int64_t max = -1;  // -1: no limit
  bool follow = false;
};

void DefineFlags(FlagSet& flags) {
  flags.Bool("from-beginning", "start at the oldest record (with --group: if nothing committed)");
  flags.Value("offset", "N", "start at offset N of --partition, or of every partition");
  flags.Value("partition", "P", "read only partition P (default: all)");
  flags.Value("since", "TIME",
              "start at the first record at or after TIME: 2024-08-08T23:54:00Z, ms since the "
              "epoch, or 10m/2h/1d ago");
  flags.Value("group", "G", "consume as group G: resume from its commits, commit what was printed");
  flags.Value("max", "N", "stop after N records");
  flags.Bool("follow", "keep waiting for new records until Ctrl-C or SIGTERM");
  AddBrokerFlags(flags);
}

Result<ConsumeArgs> ArgsFromFlags(const ParsedFlags& flags) {
  RTML_RETURN_IF_ERROR(flags.ExpectPositional(1, "a topic name"));
  ConsumeArgs args;
  args.topic = flags.positional()[0];
  args.group = flags.Get("group").value_or("");
  if (flags.Get("group") && args.group.empty()) {
    return Status::InvalidArgument("flag --group: the group name is empty");
  }
  RTML_ASSIGN_OR_RETURN(const int64_t partition, flags.GetInt("partition", -1, 0, INT32_MAX));
  args.partition = static_cast<int32_t>(partition);
  RTML_ASSIGN_OR_RETURN(args.max, flags.GetInt("max", -1, 1, INT64_MAX));
  args.follow = flags.Has("follow");
  args.from_beginning = flags.Has("from-beginning");

  const int starts =
      (args.from_beginning ? 1 : 0) + (flags.Get("offset") ? 1 : 0) + (flags.Get("since") ? 1 : 0);
  if (starts > 1) {
    return Status::InvalidArgument("give at most one of --from-beginning, --offset, --since");
  }
  if (flags.Get("offset")) {
    RTML_ASSIGN_OR_RETURN(const int64_t offset, flags.GetInt("offset", 0, 0, INT64_MAX));
    args.seek = SeekTarget::Offset(offset);
  }
  if (const auto since = flags.Get("since")) {
    Result<int64_t> ms = ParseTimeSpecMs(*since, WallClockMs());
    if (!ms.ok()) return Status::InvalidArgument("flag --since: " + ms.status().message());
    args.seek = SeekTarget::Timestamp(*ms);
  }
  return args;
}

// Reads records until the snapshot end (or forever with --follow), printing them
// and, with a group, committing after each printed batch.
class RecordPrinter {
 public:
  RecordPrinter(std::string path, const ConsumeArgs& args, Consumer& consumer,
                std::vector<int64_t> snapshot_end)
      : path_(std::move(path)),
        args_(args),
        consumer_(consumer),
        snapshot_end_(std::move(snapshot_end)),
        out_(STDOUT_FILENO),
        // Records on the terminal already show progress; lines between them would not help.
        progress_("consume " + args.topic, /*wanted=*/isatty(STDOUT_FILENO) == 0) {}

  ExitStatus Run() {
    const int64_t started_ns = MonotonicNs();
    while (!StopRequested()) {
      if (args_.max >= 0 && printed_ == args_.max) break;
      if (!args_.follow) {
        Result<bool> done = ReachedSnapshot();
        if (!done.ok()) return ExitStatus::Failure(done.status());
        if (*done) break;
        if (ExitStatus s = CheckAssignmentWait(MonotonicNs() - started_ns); !s.ok()) return s;
      }
      size_t want = kMaxBatch;
      if (args_.max >= 0) want = static_cast<size_t>(std::min<int64_t>(want, args_.max - printed_));
      Result<std::span<const ConsumedRecord>> batch = consumer_.Poll(kPollTimeout, want);
      if (!batch.ok()) return ExitStatus::Failure(batch.status());
      if (batch->empty()) continue;
      if (ExitStatus s = PrintBatch(*batch); !s.ok() || out_.broken_pipe()) return s;
    }
    return ExitStatus::Ok();
  }

 private:
  // True when every assigned partition's position reached its end at start.
  Result<bool> ReachedSnapshot() {
    const std::vector<TopicPartition> assigned = consumer_.Assignment();
    if (assigned.empty()) return false;
    for (const TopicPartition& tp : assigned) {
      Result<int64_t> position = consumer_.Position(tp);
      if (!position.ok()) return position.status();
      if (*position < SnapshotEnd(tp.partition)) return false;
    }
    return true;
  }

  // Gives up (without --follow) when the group assigned nothing for too long.
  ExitStatus CheckAssignmentWait(int64_t waited_ns) {
    if (!consumer_.Assignment().empty()) return ExitStatus::Ok();
    if (waited_ns > kAssignmentNoteNs && !noted_waiting_) {
      std::fprintf(stderr, "%s: waiting for group '%s' to assign partitions of '%s'\n",
                   path_.c_str(), args_.group.c_str(), args_.topic.c_str());
      noted_waiting_ = true;
    }
    if (waited_ns <= kAssignmentWaitNs) return ExitStatus::Ok();
    return ExitStatus::Failure("group '" + args_.group + "' assigned no partition of '" +
                               args_.topic + "' to this consumer within " +
                               std::to_string(kAssignmentWaitNs / 1'000'000'000) +
                               " s (do other members hold them all?)");
  }

  int64_t SnapshotEnd(int32_t partition) const {
    const auto index = static_cast<size_t>(partition);
    // A partition added after the snapshot has nothing to read "as it stood".
    return index < snapshot_end_.size() ? snapshot_end_[index] : 0;
  }

  // Prints what the limits allow, moves partitions with unprinted records back to
  // the first of them (so positions, and thus commits, cover exactly what was
  // printed), then commits.
  ExitStatus PrintBatch(std::span<const ConsumedRecord> batch) {
    std::map<int32_t, int64_t> rewind;  // partition -> first unprinted offset
    for (const ConsumedRecord& record : batch) {
      const bool limit_reached = args_.max >= 0 && printed_ == args_.max;
      const bool past_snapshot = !args_.follow && record.offset >= SnapshotEnd(record.partition);
      if (rewind.contains(record.partition) || limit_reached || past_snapshot) {
        rewind.emplace(record.partition, record.offset);
        continue;
      }
      AppendRecordJson(out_.buffer(), record);
      progress_.Update(++printed_);
    }
    if (Status s = out_.Flush(); !s.ok()) {
      // The reader went away (e.g. `| head`): stop quietly, commit nothing more.
      if (out_.broken_pipe()) return ExitStatus::Ok();
      return ExitStatus::Failure(s);
    }
    for (const auto& [partition, offset] : rewind) {
      if (Status s = consumer_.Seek(args_.topic, partition, SeekTarget::Offset(offset)); !s.ok()) {
        return ExitStatus::Failure(s);
      }
    }
    if (!args_.group.empty()) {
      if (Status s = consumer_.Commit(); !s.ok()) return ExitStatus::Failure(s);
    }
    return ExitStatus::Ok();
  }

  const std::string path_;  // "rtml consume", for notes on stderr
  const ConsumeArgs& args_;
  Consumer& consumer_;
  std::vector<int64_t> snapshot_end_;  // by partition
  OutputBuffer out_;
  Progress progress_;
  int64_t printed_ = 0;
  bool noted_waiting_ = false;
};

ExitStatus Run(const Invocation& invocation) {
  Result<ConsumeArgs> parsed = ArgsFromFlags(invocation.flags);
  if (!parsed.ok()) return ExitStatus::Usage(parsed.status().message());
  const ConsumeArgs& args = *parsed;

  Result<std::unique_ptr<Broker>> broker = OpenBrokerFromFlags(invocation.flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  Result<stream::TopicDescription> topic = (*broker)->DescribeTopic(args.topic);
  if (!topic.ok() && topic.status().code() == StatusCode::kNotFound) {
    return ExitStatus::Failure("topic '" + args.topic + "' does not exist (see rtml topics list)");
  }
  if (!topic.ok()) return ExitStatus::Failure(topic.status());
  std::vector<int64_t> snapshot_end;
  std::vector<TopicPartition> partitions;
  for (const stream::PartitionInfo& info : topic->partitions) {
    snapshot_end.resize(std::max(snapshot_end.size(), static_cast<size_t>(info.partition) + 1));
    snapshot_end[static_cast<size_t>(info.partition)] = info.end_offset;
    if (args.partition < 0 || args.partition == info.partition) {
      partitions.push_back(TopicPartition{args.topic, info.partition});
    }
  }
  if (partitions.empty()) {
    return ExitStatus::Failure("flag --partition: topic '" + args.topic + "' has " +
                               std::to_string(topic->partitions.size()) +
                               " partition(s), numbered from 0");
  }

  stream::ConsumerOptions options;
  options.group = args.group;
  // Where a partition without a committed offset starts; explicit seeks override.
  options.offset_reset =
      args.from_beginning ? stream::OffsetReset::kEarliest : stream::OffsetReset::kLatest;
  Result<std::unique_ptr<Consumer>> consumer = (*broker)->NewConsumer(options);
  if (!consumer.ok()) return ExitStatus::Failure(consumer.status());

  // The group balances partitions only when it decides where to start; an explicit
  // partition or start position takes exactly the partitions asked for.
  const bool subscribe = !args.group.empty() && args.partition < 0 && !args.seek;
  const Status assigned =
      subscribe ? (*consumer)->Subscribe({args.topic}) : (*consumer)->Assign(partitions);
  if (!assigned.ok()) return ExitStatus::Failure(assigned);
  if (args.seek) {
    if (Status s = (*consumer)->Seek(args.topic, args.partition, *args.seek); !s.ok()) {
      return ExitStatus::Failure(s);
    }
  }

  InstallStopHandlers();
  RecordPrinter printer(invocation.path, args, **consumer, std::move(snapshot_end));
  const ExitStatus result = printer.Run();
  const Status closed = (*consumer)->Close();
  if (result.ok() && !closed.ok()) return ExitStatus::Failure(closed);
  return result;
}

}  // namespace

const Command& ConsumeCommand() {
  static constexpr Command kConsume{
      .name = "consume",
      .summary = "Print a topic's records as JSON lines",
      .usage = "rtml consume TOPIC [flags]",
      .description =
          "Prints one JSON object per record on stdout:\n"
          "  {\"topic\":\"trades\",\"partition\":0,\"offset\":5,\"timestamp\":1723161600000,\n"
          "   \"key\":\"BTCUSDT\",\"value\":{...},\"headers\":{}}\n"
          "\"value\" is the record value itself when it is valid JSON, else a JSON string;\n"
          "\"key\" is null for records without a key.\n"
          "\n"
          "Where it starts: --from-beginning, --offset N or --since TIME; otherwise at the\n"
          "group's committed offset (with --group), else at the end (only new records).\n"
          "With --group and no --partition/--offset/--since, the group assigns the\n"
          "partitions; after each batch is written to stdout the group commits it, so a\n"
          "later run with the same group continues exactly after the last printed record.\n"
          "\n"
          "Without --follow it stops at the end of the log as it was when it started;\n"
          "with --follow it waits for new records until Ctrl-C or SIGTERM, then exits 0.",
      .example =
          "rtml consume trades --from-beginning --max 10\n"
          "rtml consume trades --since '1h ago' --partition 0\n"
          "rtml consume trades --group audit --follow",
      .define_flags = DefineFlags,
      .run = Run,
  };
  return kConsume;
}

}  // namespace rtml::cli
