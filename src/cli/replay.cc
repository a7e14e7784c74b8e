// rtml replay: recorded trades (Binance captures, trade CSV / JSON lines) through
// the same validation and sink as live ingestion, into the trades topic.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "broker_flags.h"
#include "command.h"
#include "ensure_topic.h"
#include "rtml/core/clock.h"
#include "rtml/ingest/capture_reader.h"
#include "rtml/ingest/replay_pacer.h"
#include "rtml/ingest/trade_sink.h"
#include "status_line.h"
#include "stop_signal.h"
#include "stored_trades.h"

namespace rtml::cli {
namespace {

using ingest::CaptureRecord;
using ingest::TradeCounters;

// Bad lines printed on stderr; the rest are only in the dead-letter topic.
constexpr int64_t kBadLinesShown = 10;

struct ReplayArgs {
  std::vector<std::string> files;
  double speed = 1;
  std::string topic;
  std::string dlq_topic;
  std::string exchange;
  int32_t create_partitions = 1;
};

void DefineFlags(FlagSet& flags) {
  flags.Value("speed", "N|max",
              "N times the recorded pace (by receive time, over all files), or max: as fast "
              "as possible (default 1)");
  flags.Value("topic", "NAME", "topic of accepted trades (default trades)");
  flags.Value("dlq-topic", "NAME", "topic of rejected lines, with reasons (default trades.dlq)");
  flags.Value("exchange", "NAME",
              "exchange of trades in files that name none; for Binance captures, the name of "
              "every trade (default binance)");
  flags.Value("create-partitions", "N", "partitions of a topic that must be created (default 1)");
  AddBrokerFlags(flags);
}

Result<ReplayArgs> ArgsFromFlags(const ParsedFlags& flags) {
  ReplayArgs args;
  args.files = flags.positional();
  if (args.files.empty()) return Status::InvalidArgument("missing FILE: the files to replay");
  RTML_ASSIGN_OR_RETURN(args.speed,
                        ingest::ReplayPacer::ParseSpeed(flags.Get("speed").value_or("1")));
  args.topic = flags.Get("topic").value_or(ingest::kDefaultTradesTopic);
  args.dlq_topic = flags.Get("dlq-topic").value_or(ingest::kDefaultDeadLetterTopic);
  RTML_RETURN_IF_ERROR(stream::ValidateTopicName(args.topic).WithContext("flag --topic"));
  RTML_RETURN_IF_ERROR(stream::ValidateTopicName(args.dlq_topic).WithContext("flag --dlq-topic"));
  if (args.topic == args.dlq_topic) {
    return Status::InvalidArgument("--topic and --dlq-topic must differ");
  }
  args.exchange = flags.Get("exchange").value_or("");
  RTML_ASSIGN_OR_RETURN(const int64_t partitions,
                        flags.GetInt("create-partitions", 1, 1, 1'000'000));
  args.create_partitions = static_cast<int32_t>(partitions);
  return args;
}

// The records of several capture files as one stream, earliest receive time first:
// a k-way merge over a heap that holds each file's next record. Each file's own
// order is kept, and equal times go in the order the files were added. A record
// without a time (a line too broken to say) goes with its file's previous record.
class CaptureMerge {
 public:
  // Adds a file and reads its first record. A read error is returned and the file
  // is left out.
  Status Add(std::unique_ptr<ingest::CaptureReader> reader) {
    inputs_.push_back({.reader = std::move(reader)});
    Status first = Advance(inputs_.size() - 1);
    if (!first.ok()) inputs_.pop_back();
    return first;
  }

  // Moves to the earliest pending record (true), or to the end of every file
  // (false). A file that fails to read is returned as its error and dropped; the
  // next call goes on with the others.
  Result<bool> Next() {
    if (current_ != kNone) {
      // The previous record stayed valid until now; only then may its file move on.
      const size_t previous = std::exchange(current_, kNone);
      RTML_RETURN_IF_ERROR(Advance(previous));
    }
    if (heap_.empty()) return false;
    current_ = heap_.top().second;
    heap_.pop();
    return true;
  }

  // REQUIRES: the last Next() returned true.
  const CaptureRecord& record() const { return inputs_[current_].record; }
  const std::string& path() const { return inputs_[current_].reader->path(); }

 private:
  static constexpr size_t kNone = SIZE_MAX;

  struct Input {
    std::unique_ptr<ingest::CaptureReader> reader;
    CaptureRecord record;  // the next record, while the input is on the heap
    int64_t merge_ns = 0;  // the time `record` is merged by
  };

  // Reads input `index`'s next record and queues it, unless the file has ended.
  Status Advance(size_t index) {
    Input& input = inputs_[index];
    RTML_ASSIGN_OR_RETURN(const bool more, input.reader->Next(&input.record));
    if (!more) return Status::Ok();
    if (input.record.received_ns > 0) input.merge_ns = input.record.received_ns;
    heap_.emplace(input.merge_ns, index);
    return Status::Ok();
  }

  std::vector<Input> inputs_;
  // (merge time, input index), earliest first: the index breaks ties by file order.
  std::priority_queue<std::pair<int64_t, size_t>, std::vector<std::pair<int64_t, size_t>>,
                      std::greater<>>
      heap_;
  size_t current_ = kNone;  // the input whose record was returned last
};

class Replayer {
 public:
  Replayer(const ReplayArgs& args, ingest::TradeSink& sink) : args_(args), sink_(sink) {
    pacer_ = ingest::ReplayPacer(args.speed);
  }

  // Replays the files merged by receive time; a file that cannot be opened or read
  // is reported and left out while the others go on.
  ExitStatus Run() {
    const int64_t start_ns = MonotonicNs();
    CaptureMerge merge;
    for (const std::string& file : args_.files) {
      Result<std::unique_ptr<ingest::CaptureReader>> reader =
          ingest::CaptureReader::Open(file, {.exchange = args_.exchange});
      if (Status s = reader.ok() ? merge.Add(std::move(reader).value()) : reader.status();
          !s.ok()) {
        ReportFailedFile(s);
      }
    }
    for (;;) {
      if (StopRequested()) {
        stopped_ = true;
        break;
      }
      Result<bool> more = merge.Next();
      if (!more.ok()) {
        ReportFailedFile(more.status());
        continue;
      }
      if (!*more) break;
      ++lines_;
      if (!pacer_.Wait(merge.record().received_ns, StopRequested)) {
        stopped_ = true;
        break;
      }
      // The broker refusing a write ends the replay.
      if (Status s = Write(merge.record(), merge.path()); !s.ok()) {
        return Finish(start_ns, s.message());
      }
      if (status_line_.Due()) ShowStatus();
    }
    return Finish(start_ns, "");
  }

 private:
  void ReportFailedFile(const Status& status) {
    status_line_.Clear();
    std::fprintf(stderr, "rtml replay: %s\n", status.message().c_str());
    ++failed_files_;
  }

  // Hands one record to the sink; fails only if the broker refuses the write.
  Status Write(const CaptureRecord& record, const std::string& path) {
    switch (record.kind) {
      case CaptureRecord::Kind::kTrade:
        ++trades_;
        SourceOf(path, record.line_number, &source_);
        return sink_.Accept(record.trade, record.line, source_);
      case CaptureRecord::Kind::kOther:
        ++other_;
        return Status::Ok();
      case CaptureRecord::Kind::kBad:
        ReportBadLine(record, path);
        SourceOf(path, record.line_number, &source_);
        return sink_.Reject(record.line, record.error, source_, record.received_ns);
    }
    return Status::Ok();
  }

  // The first kBadLinesShown bad lines on stderr; all are in the dead-letter topic.
  void ReportBadLine(const CaptureRecord& record, const std::string& path) {
    if (++bad_lines_ > kBadLinesShown) return;
    status_line_.Clear();
    std::fprintf(
        stderr, "%s:%lld: %s%s\n", path.c_str(), static_cast<long long>(record.line_number),
        record.error.c_str(),
        bad_lines_ == kBadLinesShown ? " (further bad lines: see the dead-letter topic)" : "");
  }

  static void SourceOf(const std::string& path, int64_t line, std::string* source) {
    source->assign("replay:");
    source->append(path);
    source->push_back(':');
    source->append(std::to_string(line));
  }

  void ShowStatus() {
    const TradeCounters counters = sink_.counters();
    char text[256];
    std::snprintf(text, sizeof(text),
                  "replay: %.0f trades/s | accepted %lld | rejected %lld | duplicates %lld | "
                  "gaps %lld",
                  status_line_.Rate(trades_), static_cast<long long>(counters.accepted),
                  static_cast<long long>(counters.rejected),
                  static_cast<long long>(counters.duplicates),
                  static_cast<long long>(counters.gaps));
    status_line_.Show(text);
  }

  ExitStatus Finish(int64_t start_ns, const std::string& fatal) {
    const Status flushed = sink_.Flush();
    status_line_.Clear();
    const double seconds = static_cast<double>(MonotonicNs() - start_ns) / 1e9;
    const TradeCounters counters = sink_.counters();
    std::fprintf(stderr,
                 "replayed %lld line%s of %zu file%s in %.2f s (%.0f trades/s): %lld trades, "
                 "accepted %lld, rejected %lld, duplicates %lld, gaps %lld; %lld other frames "
                 "skipped; %lld dead letter%s in %s\n",
                 static_cast<long long>(lines_), lines_ == 1 ? "" : "s", args_.files.size(),
                 args_.files.size() == 1 ? "" : "s", seconds,
                 seconds > 0 ? static_cast<double>(trades_) / seconds : 0.0,
                 static_cast<long long>(trades_), static_cast<long long>(counters.accepted),
                 static_cast<long long>(counters.rejected),
                 static_cast<long long>(counters.duplicates), static_cast<long long>(counters.gaps),
                 static_cast<long long>(other_), static_cast<long long>(sink_.dead_letters()),
                 sink_.dead_letters() == 1 ? "" : "s", args_.dlq_topic.c_str());
    if (!fatal.empty()) return ExitStatus::Failure(fatal);
    if (!flushed.ok()) return ExitStatus::Failure(flushed);
    if (stopped_) return ExitStatus::Failure("interrupted; what was read so far is written");
    if (failed_files_ > 0) {
      return ExitStatus::Failure(std::to_string(failed_files_) + " file(s) could not be read");
    }
    return ExitStatus::Ok();
  }

  const ReplayArgs& args_;
  ingest::TradeSink& sink_;
  ingest::ReplayPacer pacer_;
  StatusLine status_line_;
  std::string source_;  // reused: "replay:FILE:LINE" of the record being written
  int64_t lines_ = 0;
  int64_t trades_ = 0;
  int64_t other_ = 0;
  int64_t bad_lines_ = 0;
  int failed_files_ = 0;
  bool stopped_ = false;
};

ExitStatus Run(const Invocation& invocation) {
  Result<ReplayArgs> args = ArgsFromFlags(invocation.flags);
  if (!args.ok()) return ExitStatus::Usage(args.status().message());
  Result<std::unique_ptr<stream::Broker>> broker = OpenBrokerFromFlags(invocation.flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  for (const std::string& topic : {args->topic, args->dlq_topic}) {
    if (Status s = EnsureTopic(**broker, topic, args->create_partitions); !s.ok()) {
      return ExitStatus::Failure(s.WithContext("topic " + topic));
    }
  }
  Result<std::unique_ptr<stream::Producer>> producer = (*broker)->NewProducer();
  if (!producer.ok()) return ExitStatus::Failure(producer.status());
  ingest::TradeSink sink(**producer, {.topic = args->topic, .dlq_topic = args->dlq_topic});
  // A rerun (or a restart after a crash) sends the file again from its start: the
  // trades already stored are duplicates.
  if (Result<size_t> skipped = SkipStoredTrades(**broker, sink, {}); !skipped.ok()) {
    return ExitStatus::Failure(skipped.status().WithContext("topic " + args->topic));
  }
  InstallStopHandlers();
  Replayer replayer(*args, sink);
  return replayer.Run();
}

}  // namespace

const Command& ReplayCommand() {
  static constexpr Command kReplay{
      .name = "replay",
      .summary = "Replay recorded trades into the trades topic",
      .usage = "rtml replay FILE... [flags]",
      .description =
          "Reads every FILE (gzip or plain) and sends its trades through the same\n"
          "validation as live ingestion: accepted trades go to --topic (key: pair), bad\n"
          "lines and invalid trades to --dlq-topic with their reason and FILE:LINE, and\n"
          "duplicates (by exchange, pair and trade id) are dropped - among them every\n"
          "trade up to the newest of its pair already in --topic, so a rerun, or a replay\n"
          "restarted after a crash, adds no trade twice.\n"
          "\n"
          "The files are one market: their records are merged by receive time (event\n"
          "time for trade files without received_ns), so a BTCUSDT and an ETHUSDT\n"
          "capture of one day interleave as recorded. Each file keeps its own order;\n"
          "equal times go in the order the files are given. A file that cannot be\n"
          "opened, or fails to read mid-way, is reported and left out; the others go on.\n"
          "\n"
          "Formats, detected from the first line: Binance captures (`<receive ns> <frame>`\n"
          "per line; non-trade frames are skipped); JSON lines of trades as the trades\n"
          "topic holds them; CSV with a header naming the columns\n"
          "exchange,pair,trade_id,price,qty,side,ts_ms[,received_ns] in any order.\n"
          "\n"
          "Pacing follows the merged timeline: --speed 1 as recorded, --speed 10 ten\n"
          "times faster, --speed max without waiting. Missing topics are created with\n"
          "--create-partitions partitions and no time-based retention (replayed trades\n"
          "carry old event times, which a 7-day retention would delete at once).\n"
          "\n"
          "On a terminal a status line shows trades/s, accepted, rejected, duplicates and\n"
          "gaps; a summary always ends on stderr. Exit codes: 0 done (bad lines do not\n"
          "count as failure: they are in the dead-letter topic), 1 a file failed (the\n"
          "others are still replayed), the broker failed or Ctrl-C, 2 usage error.",
      .example =
          "rtml replay spot_btcusdt_20240808.gz spot_btcusdt_20240809.gz --speed max\n"
          "rtml replay spot_btcusdt_20240808.gz spot_ethusdt_20240808.gz --speed 10\n"
          "rtml replay trades.csv --exchange kraken --speed 10",
      .define_flags = DefineFlags,
      .run = Run,
  };
  return kReplay;
}

}  // namespace rtml::cli
