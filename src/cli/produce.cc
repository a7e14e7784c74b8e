// rtml produce: JSON lines from stdin or a file to a topic.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "broker_flags.h"
#include "command.h"
#include "json_line.h"
#include "line_reader.h"
#include "progress.h"
#include "stop_signal.h"

namespace rtml::cli {
namespace {

using stream::Broker;
using stream::HeaderView;
using stream::OutgoingRecord;

constexpr std::string_view kStdinName = "<stdin>";

struct ProduceArgs {
  std::string topic;
  std::string input_name;  // file path, or <stdin>
  std::optional<std::string> file;
  std::string key_field;
  std::string timestamp_field;
  int32_t partition = stream::kAnyPartition;
  int32_t create_partitions = 0;  // 0: do not create a missing topic
  bool strict = false;
  std::vector<std::pair<std::string, std::string>> headers;
};

void DefineFlags(FlagSet& flags) {
  flags.Value("file", "FILE", "read JSON lines from FILE instead of stdin");
  flags.Value("key-field", "NAME", "record key: this field of each line (object lines only)");
  flags.Value("timestamp-field", "NAME",
              "record time: this field, ms since the epoch or ISO-8601 (default: now)");
  flags.Value("partition", "N", "write every record to partition N (default: by key)");
  flags.Repeated("header", "KEY=VALUE", "add this header to every record");
  flags.Bool("strict", "stop at the first bad line, exit 2 and write nothing");
  flags.Value("create-partitions", "N", "create the topic with N partitions if it is missing");
  AddBrokerFlags(flags);
}

Result<ProduceArgs> ArgsFromFlags(const ParsedFlags& flags) {
  RTML_RETURN_IF_ERROR(flags.ExpectPositional(1, "a topic name"));
  ProduceArgs args;
  args.topic = flags.positional()[0];
  RTML_RETURN_IF_ERROR(stream::ValidateTopicName(args.topic));
  if (const auto file = flags.Get("file"); file && *file != "-") args.file = std::string(*file);
  args.input_name = args.file ? *args.file : std::string(kStdinName);
  args.key_field = flags.Get("key-field").value_or("");
  args.timestamp_field = flags.Get("timestamp-field").value_or("");
  RTML_ASSIGN_OR_RETURN(const int64_t partition,
                        flags.GetInt("partition", stream::kAnyPartition, 0, INT32_MAX));
  args.partition = static_cast<int32_t>(partition);
  RTML_ASSIGN_OR_RETURN(const int64_t create, flags.GetInt("create-partitions", 0, 1, 1'000'000));
  args.create_partitions = static_cast<int32_t>(create);
  args.strict = flags.Has("strict");
  for (const std::string_view header : flags.GetAll("header")) {
    const size_t eq = header.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status::InvalidArgument("flag --header: '" + std::string(header) +
                                     "' is not KEY=VALUE");
    }
    args.headers.emplace_back(std::string(header.substr(0, eq)),
                              std::string(header.substr(eq + 1)));
  }
  return args;
}

// Makes sure the topic exists (creating it if asked) and `partition` is in it.
Status PrepareTopic(Broker& broker, const ProduceArgs& args) {
  Result<stream::TopicDescription> topic = broker.DescribeTopic(args.topic);
  if (!topic.ok() && topic.status().code() == StatusCode::kNotFound) {
    if (args.create_partitions == 0) {
      return Status::NotFound("topic '" + args.topic +
                              "' does not exist; create it with 'rtml topics create " + args.topic +
                              " --partitions N' or pass --create-partitions N");
    }
    stream::TopicSpec spec;
    spec.name = args.topic;
    spec.partitions = args.create_partitions;
    const Status created = broker.CreateTopic(spec);
    // Someone else creating it meanwhile is fine.
    if (!created.ok() && created.code() != StatusCode::kAlreadyExists) return created;
    topic = broker.DescribeTopic(args.topic);
  }
  if (!topic.ok()) return topic.status();
  const auto partitions = static_cast<int32_t>(topic->partitions.size());
  if (args.partition >= partitions) {
    return Status::InvalidArgument("flag --partition: topic '" + args.topic + "' has " +
                                   std::to_string(partitions) + " partition(s), numbered from 0");
  }
  return Status::Ok();
}

// Reads, checks and produces every line; counts what it did.
class LineProducer {
 public:
  LineProducer(const ProduceArgs& args, stream::Producer& producer)
      : args_(args),
        producer_(producer),
        parser_(args.key_field, args.timestamp_field),
        progress_("produce " + args.topic) {
    for (const auto& [key, value] : args.headers) headers_.push_back(HeaderView{key, value});
  }

  ExitStatus Run(int fd) {
    LineReader reader(fd, /*keep_all=*/args_.strict);
    // Strict mode checks every line before producing any, so it keeps them all.
    std::vector<ParsedLine> pending;
    ParsedLine parsed;
    for (;;) {
      if (StopRequested()) return Interrupted();
      std::string_view line;
      Result<bool> more = reader.Next(&line);
      if (!more.ok()) return StopRequested() ? Interrupted() : ReadFailure(more.status());
      if (!*more) break;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      if (Status s = parser_.Parse(line, &parsed); !s.ok()) {
        std::fprintf(stderr, "%s:%lld: %s\n", args_.input_name.c_str(),
                     static_cast<long long>(reader.line_number()), s.message().c_str());
        if (args_.strict) {
          return ExitStatus::Usage("--strict: stopped at the first bad line; nothing was produced");
        }
        ++skipped_;
        continue;
      }
      if (args_.strict) {
        pending.push_back(std::move(parsed));
        parsed = ParsedLine{};
        continue;
      }
      if (Status s = Produce(parsed); !s.ok()) return ExitStatus::Failure(s);
    }
    for (const ParsedLine& line : pending) {
      if (Status s = Produce(line); !s.ok()) return ExitStatus::Failure(s);
    }
    if (Status s = producer_.Flush(); !s.ok()) return ExitStatus::Failure(s);
    std::fprintf(stderr, "produced %lld record%s to %s (%lld line%s skipped)\n",
                 static_cast<long long>(produced_), produced_ == 1 ? "" : "s", args_.topic.c_str(),
                 static_cast<long long>(skipped_), skipped_ == 1 ? "" : "s");
    return ExitStatus::Ok();
  }

 private:
  Status Produce(const ParsedLine& line) {
    OutgoingRecord record;
    if (line.key) record.key = *line.key;
    record.value = line.value;
    record.timestamp_ms = line.timestamp_ms;
    record.partition = args_.partition;
    record.headers = headers_;
    RTML_RETURN_IF_ERROR(producer_.Produce(args_.topic, record));
    progress_.Update(++produced_);
    return Status::Ok();
  }

  ExitStatus ReadFailure(const Status& status) {
    return ExitStatus::Failure("reading " + args_.input_name + ": " + status.message());
  }

  // Ctrl-C or SIGTERM: keep what was already handed to the producer.
  ExitStatus Interrupted() {
    if (args_.strict) return ExitStatus::Failure("interrupted; nothing was produced");
    const Status flushed = producer_.Flush();
    return ExitStatus::Failure("interrupted after " + std::to_string(produced_) + " records" +
                               (flushed.ok() ? "" : "; flush failed: " + flushed.message()));
  }

  const ProduceArgs& args_;
  stream::Producer& producer_;
  JsonLineParser parser_;
  Progress progress_;
  std::vector<HeaderView> headers_;
  int64_t produced_ = 0;
  int64_t skipped_ = 0;
};

ExitStatus Run(const Invocation& invocation) {
  Result<ProduceArgs> args = ArgsFromFlags(invocation.flags);
  if (!args.ok()) return ExitStatus::Usage(args.status().message());

  int fd = STDIN_FILENO;
  if (args->file) {
    fd = ::open(args->file->c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return ExitStatus::Failure("cannot open " + *args->file + ": " + std::strerror(errno));
    }
  }
  struct FdCloser {
    int fd;
    ~FdCloser() {
      if (fd != STDIN_FILENO) ::close(fd);
    }
  } closer{fd};

  Result<std::unique_ptr<Broker>> broker = OpenBrokerFromFlags(invocation.flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  if (Status s = PrepareTopic(**broker, *args); !s.ok()) return ExitStatus::Failure(s);
  Result<std::unique_ptr<stream::Producer>> producer = (*broker)->NewProducer();
  if (!producer.ok()) return ExitStatus::Failure(producer.status());

  InstallStopHandlers();
  LineProducer line_producer(*args, **producer);
  return line_producer.Run(fd);
}

}  // namespace

const Command& ProduceCommand() {
  static constexpr Command kProduce{
      .name = "produce",
      .summary = "Write JSON lines from stdin or a file to a topic",
      .usage = "rtml produce TOPIC [flags]",
      .description =
          "Each non-empty line must be one JSON value (an object when --key-field or\n"
          "--timestamp-field is given); the record value is the line, trimmed.\n"
          "The key is the named field: a string as-is, a number or bool as its JSON text;\n"
          "a line without it is bad. Records with a key go to the partition Kafka would\n"
          "pick for it (murmur2); records without one are spread over the partitions.\n"
          "The timestamp field holds ms since the epoch or an ISO-8601 time\n"
          "(2024-08-08T23:54:00Z); missing or null means now.\n"
          "\n"
          "A bad line is reported on stderr as <input>:<line>: <reason> and skipped.\n"
          "With --strict the first bad line stops the run with exit code 2 and nothing is\n"
          "written; to guarantee that, --strict reads and checks the whole input before\n"
          "producing anything, so it holds all of it in memory.\n"
          "At the end a summary goes to stderr: produced N records to TOPIC (M lines\n"
          "skipped). Exit codes: 0 done, 1 broker or input error, 2 usage error or a bad\n"
          "line under --strict.",
      .example =
          "rtml produce trades --file trades.jsonl --key-field pair --timestamp-field ts_ms\n"
          "echo '{\"pair\":\"BTCUSDT\",\"price\":61000.5}' | rtml produce trades "
          "--key-field pair\n"
          "rtml produce events --strict --create-partitions 3 < events.jsonl",
      .define_flags = DefineFlags,
      .run = Run,
  };
  return kProduce;
}

}  // namespace rtml::cli
