// rtml topics: list, create, describe and delete topics.
#include <cstdio>
#include <string>
#include <vector>

#include "broker_flags.h"
#include "byte_size.h"
#include "command.h"
#include "rtml/core/duration.h"
#include "rtml/core/json_writer.h"
#include "table.h"

namespace rtml::cli {
namespace {

using stream::Broker;
using stream::PartitionInfo;
using stream::TopicDescription;

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

int64_t RecordCount(const TopicDescription& topic) {
  int64_t records = 0;
  for (const PartitionInfo& p : topic.partitions) records += p.end_offset - p.start_offset;
  return records;
}

// Total bytes, or -1 if the backend does not know a partition's size.
int64_t SizeBytes(const TopicDescription& topic) {
  int64_t bytes = 0;
  for (const PartitionInfo& p : topic.partitions) {
    if (p.size_bytes < 0) return -1;
    bytes += p.size_bytes;
  }
  return bytes;
}

void AppendField(std::string& out, std::string_view name, int64_t value) {
  json::AppendString(out, name);
  out += ':';
  out += std::to_string(value);
}

// ---- list ----

void DefineListFlags(FlagSet& flags) {
  flags.Bool("json", "print a JSON array instead of a table");
  AddBrokerFlags(flags);
}

ExitStatus RunList(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status s = flags.ExpectPositional(0, "no arguments"); !s.ok()) {
    return ExitStatus::Usage(s.message());
  }
  Result<std::unique_ptr<Broker>> broker = OpenBrokerFromFlags(flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  Result<std::vector<std::string>> names = (*broker)->ListTopics();
  if (!names.ok()) return ExitStatus::Failure(names.status());

  std::vector<TopicDescription> topics;
  for (const std::string& name : *names) {
    Result<TopicDescription> topic = (*broker)->DescribeTopic(name);
    // Deleted between the two calls: it is simply gone.
    if (!topic.ok() && topic.status().code() == StatusCode::kNotFound) continue;
    if (!topic.ok()) return ExitStatus::Failure(topic.status());
    topics.push_back(std::move(topic).value());
  }

  if (flags.Has("json")) {
    std::string out = "[";
    for (const TopicDescription& topic : topics) {
      if (out.size() > 1) out += ',';
      out += "{\"name\":";
      json::AppendString(out, topic.spec.name);
      out += ',';
      AppendField(out, "partitions", static_cast<int64_t>(topic.partitions.size()));
      out += ',';
      AppendField(out, "records", RecordCount(topic));
      out += ',';
      AppendField(out, "size_bytes", SizeBytes(topic));
      out += '}';
    }
    out += "]\n";
    Print(out);
    return ExitStatus::Ok();
  }
  Table table({"NAME", "PARTITIONS", "RECORDS", "SIZE"});
  for (const TopicDescription& topic : topics) {
    table.AddRow({topic.spec.name, std::to_string(topic.partitions.size()),
                  std::to_string(RecordCount(topic)), FormatByteSizeShort(SizeBytes(topic))});
  }
  Print(table.Render());
  return ExitStatus::Ok();
}

// ---- create ----

void DefineCreateFlags(FlagSet& flags) {
  flags.Value("partitions", "N", "number of partitions (default 1)");
  flags.Value("retention", "DURATION",
              "delete segments older than this: 30m, 12h, 7d, 1000ms or forever (default 7d)");
  flags.Value("retention-bytes", "SIZE",
              "delete the oldest segments while a partition is larger: 512MiB, 1GiB, ... or "
              "unlimited (default unlimited)");
  flags.Value("segment-bytes", "SIZE", "file:// only: segment size (default 128MiB)");
  flags.Value("replication-factor", "N",
              "kafka:// only: replicas per partition "
              "(default: the broker's)");
  AddBrokerFlags(flags);
}

// The spec the create flags describe; InvalidArgument naming the bad flag.
Result<stream::TopicSpec> SpecFromFlags(const ParsedFlags& flags) {
  stream::TopicSpec spec;
  spec.name = flags.positional()[0];
  RTML_RETURN_IF_ERROR(stream::ValidateTopicName(spec.name));
  RTML_ASSIGN_OR_RETURN(const int64_t partitions,
                        flags.GetInt("partitions", spec.partitions, 1, 1'000'000));
  spec.partitions = static_cast<int32_t>(partitions);
  RTML_ASSIGN_OR_RETURN(const int64_t replicas,
                        flags.GetInt("replication-factor", spec.replication_factor, 1, 32767));
  spec.replication_factor = static_cast<int16_t>(replicas);
  struct SizedFlag {
    std::string_view name;
    Result<int64_t> (*parse)(std::string_view);
    int64_t* field;
  };
  const SizedFlag sized[] = {{"retention", ParseRetentionMs, &spec.retention_ms},
                             {"retention-bytes", ParseByteLimit, &spec.retention_bytes},
                             {"segment-bytes", ParseByteSize, &spec.segment_bytes}};
  for (const SizedFlag& flag : sized) {
    const std::optional<std::string_view> text = flags.Get(flag.name);
    if (!text) continue;
    Result<int64_t> value = flag.parse(*text);
    if (!value.ok()) {
      return Status::InvalidArgument("flag --" + std::string(flag.name) + ": " +
                                     value.status().message());
    }
    *flag.field = *value;
  }
  if (spec.segment_bytes <= 0) {
    return Status::InvalidArgument("flag --segment-bytes: must be greater than 0");
  }
  return spec;
}

ExitStatus RunCreate(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status s = flags.ExpectPositional(1, "a topic name"); !s.ok()) {
    return ExitStatus::Usage(s.message());
  }
  Result<stream::TopicSpec> spec = SpecFromFlags(flags);
  if (!spec.ok()) return ExitStatus::Usage(spec.status().message());
  Result<std::unique_ptr<Broker>> broker = OpenBrokerFromFlags(flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  if (Status s = (*broker)->CreateTopic(*spec); !s.ok()) return ExitStatus::Failure(s);
  Print("created topic " + spec->name + " with " + std::to_string(spec->partitions) +
        (spec->partitions == 1 ? " partition\n" : " partitions\n"));
  return ExitStatus::Ok();
}

// ---- describe ----

void DefineDescribeFlags(FlagSet& flags) {
  flags.Bool("json", "print one JSON object instead of tables");
  AddBrokerFlags(flags);
}

std::string DescribeJson(const TopicDescription& topic) {
  const stream::TopicSpec& spec = topic.spec;
  std::string out = "{\"name\":";
  json::AppendString(out, spec.name);
  out += ",\"spec\":{";
  AppendField(out, "partitions", spec.partitions);
  out += ',';
  AppendField(out, "retention_ms", spec.retention_ms);
  out += ',';
  AppendField(out, "retention_bytes", spec.retention_bytes);
  out += ',';
  AppendField(out, "segment_bytes", spec.segment_bytes);
  out += ',';
  AppendField(out, "replication_factor", spec.replication_factor);
  out += "},\"partitions\":[";
  for (size_t i = 0; i < topic.partitions.size(); ++i) {
    const PartitionInfo& p = topic.partitions[i];
    if (i > 0) out += ',';
    out += '{';
    AppendField(out, "partition", p.partition);
    out += ',';
    AppendField(out, "start_offset", p.start_offset);
    out += ',';
    AppendField(out, "end_offset", p.end_offset);
    out += ',';
    AppendField(out, "size_bytes", p.size_bytes);
    out += '}';
  }
  out += "]}\n";
  return out;
}

std::string DescribeText(const TopicDescription& topic) {
  const stream::TopicSpec& spec = topic.spec;
  Table summary({"NAME", spec.name});
  summary.AddRow({"PARTITIONS", std::to_string(topic.partitions.size())});
  summary.AddRow({"RETENTION", FormatDurationMs(spec.retention_ms)});
  summary.AddRow({"RETENTION BYTES", FormatByteLimit(spec.retention_bytes)});
  summary.AddRow({"SEGMENT BYTES", FormatByteLimit(spec.segment_bytes)});
  if (spec.replication_factor > 0) {
    summary.AddRow({"REPLICATION", std::to_string(spec.replication_factor)});
  }
  Table partitions({"PARTITION", "START", "END", "RECORDS", "SIZE"});
  for (const PartitionInfo& p : topic.partitions) {
    partitions.AddRow({std::to_string(p.partition), std::to_string(p.start_offset),
                       std::to_string(p.end_offset), std::to_string(p.end_offset - p.start_offset),
                       FormatByteSizeShort(p.size_bytes)});
  }
  return summary.Render() + "\n" + partitions.Render();
}

ExitStatus RunDescribe(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status s = flags.ExpectPositional(1, "a topic name"); !s.ok()) {
    return ExitStatus::Usage(s.message());
  }
  Result<std::unique_ptr<Broker>> broker = OpenBrokerFromFlags(flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  Result<TopicDescription> topic = (*broker)->DescribeTopic(flags.positional()[0]);
  if (!topic.ok()) return ExitStatus::Failure(topic.status());
  Print(flags.Has("json") ? DescribeJson(*topic) : DescribeText(*topic));
  return ExitStatus::Ok();
}

// ---- delete ----

ExitStatus RunDelete(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status s = flags.ExpectPositional(1, "a topic name"); !s.ok()) {
    return ExitStatus::Usage(s.message());
  }
  const std::string& name = flags.positional()[0];
  Result<std::unique_ptr<Broker>> broker = OpenBrokerFromFlags(flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  if (Status s = (*broker)->DeleteTopic(name); !s.ok()) return ExitStatus::Failure(s);
  Print("deleted topic " + name + "\n");
  return ExitStatus::Ok();
}

constexpr Command kSubcommands[] = {
    {.name = "list",
     .summary = "List topics with their partition count, records held and size",
     .usage = "rtml topics list [flags]",
     .description = "RECORDS counts the offsets each partition still holds (end minus start).",
     .example = "rtml topics list --broker file://rtml-data\nrtml topics list --json",
     .define_flags = DefineListFlags,
     .run = RunList},
    {.name = "create",
     .summary = "Create a topic",
     .usage = "rtml topics create NAME [flags]",
     .description = "NAME has letters, digits, '.', '_' and '-' (at most 249 characters).",
     .example = "rtml topics create trades --partitions 3 --retention 7d --retention-bytes 1GiB",
     .define_flags = DefineCreateFlags,
     .run = RunCreate},
    {.name = "describe",
     .summary = "Show a topic's settings and each partition's offsets and size",
     .usage = "rtml topics describe NAME [flags]",
     .description = "START is the oldest offset still held, END the offset the next record "
                    "gets.",
     .example = "rtml topics describe trades\nrtml topics describe trades --json",
     .define_flags = DefineDescribeFlags,
     .run = RunDescribe},
    {.name = "delete",
     .summary = "Delete a topic and all its records",
     .usage = "rtml topics delete NAME [flags]",
     .description = "Fails while a producer is writing to the topic.",
     .example = "rtml topics delete trades",
     .define_flags = AddBrokerFlags,
     .run = RunDelete},
};

}  // namespace

const Command& TopicsCommand() {
  static constexpr Command kTopics{
      .name = "topics",
      .summary = "Create, list, describe and delete topics",
      .usage = "rtml topics COMMAND [flags]",
      .description = "",
      .example = "rtml topics create trades --partitions 3\nrtml topics list",
      .subcommands = kSubcommands,
  };
  return kTopics;
}

}  // namespace rtml::cli
