// rtml replay: recorded trades (Binance captures, trade CSV / JSON lines) through
// the same validation and sink as live ingestion, into the trades topic.
#include <cstdio>
#include <string>
#include <vector>

#include "broker_flags.h"
#include "command.h"
#include "rtml/core/clock.h"
#include "rtml/ingest/capture_reader.h"
#include "rtml/ingest/replay_pacer.h"
#include "rtml/ingest/trade_sink.h"
#include "status_line.h"
#include "stop_signal.h"
#include "trade_topics.h"

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
              "N times the recorded pace (by receive time), or max: as fast as possible "
              "(default 1)");
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

class Replayer {
 public:
  Replayer(const ReplayArgs& args, ingest::TradeSink& sink) : args_(args), sink_(sink) {
    pacer_ = ingest::ReplayPacer(args.speed);
  }

  // Replays every file; a file that cannot be read is reported and skipped.
  ExitStatus Run() {
    const int64_t start_ns = MonotonicNs();
    for (const std::string& file : args_.files) {
      if (stopped_) break;
      if (Status s = ReplayFile(file); !s.ok()) {
        if (s.code() == StatusCode::kInternal) return Finish(start_ns, s.message());
        status_line_.Clear();
        std::fprintf(stderr, "rtml replay: %s\n", s.message().c_str());
        ++failed_files_;
      }
    }
    return Finish(start_ns, "");
  }

 private:
  Status ReplayFile(const std::string& path) {
    Result<std::unique_ptr<ingest::CaptureReader>> reader =
        ingest::CaptureReader::Open(path, {.exchange = args_.exchange});
    if (!reader.ok()) return reader.status();
    CaptureRecord record;
    std::string source;
    for (;;) {
      if (StopRequested()) {
        stopped_ = true;
        return Status::Ok();
      }
      Result<bool> more = (*reader)->Next(&record);
      if (!more.ok()) return more.status();
      if (!*more) return Status::Ok();
      ++lines_;
      if (!pacer_.Wait(record.received_ns, StopRequested)) {
        stopped_ = true;
        return Status::Ok();
      }
      Status written;
      switch (record.kind) {
        case CaptureRecord::Kind::kTrade:
          SourceOf(path, record.line_number, &source);
          written = sink_.Accept(record.trade, record.line, source);
          ++trades_;
          break;
        case CaptureRecord::Kind::kOther:
          ++other_;
          break;
        case CaptureRecord::Kind::kBad:
          SourceOf(path, record.line_number, &source);
          written = sink_.Reject(record.line, record.error, source, record.received_ns);
          if (++bad_lines_ <= kBadLinesShown) {
            status_line_.Clear();
            std::fprintf(stderr, "%s:%lld: %s%s\n", path.c_str(),
                         static_cast<long long>(record.line_number), record.error.c_str(),
                         bad_lines_ == kBadLinesShown ? " (further bad lines: see the dead-letter "
                                                        "topic)"
                                                      : "");
          }
          break;
      }
      // The broker refusing a write ends the replay: Internal marks it as fatal.
      if (!written.ok()) return Status::Internal(written.message());
      if (status_line_.Due()) ShowStatus();
    }
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
    if (Status s = EnsureTradeTopic(**broker, topic, args->create_partitions); !s.ok()) {
      return ExitStatus::Failure(s.WithContext("topic " + topic));
    }
  }
  Result<std::unique_ptr<stream::Producer>> producer = (*broker)->NewProducer();
  if (!producer.ok()) return ExitStatus::Failure(producer.status());
  ingest::TradeSink sink(**producer, {.topic = args->topic, .dlq_topic = args->dlq_topic});
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
          "Reads each FILE in turn (gzip or plain) and sends its trades through the same\n"
          "validation as live ingestion: accepted trades go to --topic (key: pair), bad\n"
          "lines and invalid trades to --dlq-topic with their reason and FILE:LINE, and\n"
          "duplicates (by exchange, pair and trade id) are dropped.\n"
          "\n"
          "Formats, detected from the first line: Binance captures (`<receive ns> <frame>`\n"
          "per line; non-trade frames are skipped); JSON lines of trades as the trades\n"
          "topic holds them; CSV with a header naming the columns\n"
          "exchange,pair,trade_id,price,qty,side,ts_ms[,received_ns] in any order.\n"
          "\n"
          "Pacing follows the recorded receive times (event times for trade files\n"
          "without received_ns): --speed 1 as recorded, --speed 10 ten times faster,\n"
          "--speed max without waiting. Missing topics are created with\n"
          "--create-partitions partitions and no time-based retention (replayed trades\n"
          "carry old event times, which a 7-day retention would delete at once).\n"
          "\n"
          "On a terminal a status line shows trades/s, accepted, rejected, duplicates and\n"
          "gaps; a summary always ends on stderr. Exit codes: 0 done (bad lines do not\n"
          "count as failure: they are in the dead-letter topic), 1 a file or the broker\n"
          "failed or Ctrl-C, 2 usage error.",
      .example =
          "rtml replay spot_btcusdt_20240808.gz spot_btcusdt_20240809.gz --speed max\n"
          "rtml replay trades.csv --exchange kraken --speed 10",
      .define_flags = DefineFlags,
      .run = Run,
  };
  return kReplay;
}

}  // namespace rtml::cli
