#include "feature_store_commands.h"

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include "rtml/control/feature_routes.h"
#include "rtml/core/clock.h"
#include "rtml/core/duration.h"
#include "rtml/features/training_set.h"
#include "stop_signal.h"
#include "store_flags.h"
#include "table.h"
#include "timestamp.h"

namespace rtml::cli {
namespace {

using features::FeatureGroup;
using features::FeatureStore;

void DefineGroupFlags(FlagSet& flags) {
  flags.Value("version", "N", "the group's version (default: the newest)");
  AddStoreFlags(flags);
}

Result<std::optional<int32_t>> VersionFromFlags(const ParsedFlags& flags) {
  if (!flags.Has("version")) return std::optional<int32_t>();
  RTML_ASSIGN_OR_RETURN(const int64_t version, flags.GetInt("version", 1, 1, 1'000'000));
  return std::optional<int32_t>(static_cast<int32_t>(version));
}

// The store and the group the first positional argument names.
struct Opened {
  std::unique_ptr<FeatureStore> store;
  FeatureGroup group;
};

Result<Opened> OpenGroup(const ParsedFlags& flags, size_t positional) {
  RTML_RETURN_IF_ERROR(flags.ExpectPositional(
      positional, positional == 1 ? "a feature group" : "a feature group and a key"));
  RTML_ASSIGN_OR_RETURN(const std::optional<int32_t> version, VersionFromFlags(flags));
  Opened opened;
  RTML_ASSIGN_OR_RETURN(opened.store, OpenStore(StoreUrisFromFlags(flags)));
  RTML_ASSIGN_OR_RETURN(opened.group, opened.store->FindGroup(flags.positional()[0], version));
  return opened;
}

std::string Columns(const std::vector<features::Column>& columns) {
  std::string text;
  for (const features::Column& column : columns) text += (text.empty() ? "" : ",") + column.name;
  return text;
}

ExitStatus RunList(const Invocation& invocation) {
  if (Status none = invocation.flags.ExpectPositional(0, ""); !none.ok()) {
    return ExitStatus::Usage(none.message());
  }
  Result<std::unique_ptr<FeatureStore>> store = OpenStore(StoreUrisFromFlags(invocation.flags));
  if (!store.ok()) return ExitStatus::Failure(store.status());
  Result<std::vector<FeatureGroup>> groups = (*store)->ListGroups();
  if (!groups.ok()) return ExitStatus::Failure(groups.status());
  Table table({"GROUP", "VERSION", "KEY", "EVENT_TIME", "FEATURES", "TTL", "ROWS"});
  for (const FeatureGroup& group : *groups) {
    Result<int64_t> rows = (*store)->offline().CountRows(group);
    if (!rows.ok()) return ExitStatus::Failure(rows.status());
    table.AddRow({group.name, std::to_string(group.version), Columns(group.key), group.event_time,
                  std::to_string(group.features.size()),
                  group.ttl_ms > 0 ? FormatDurationMs(group.ttl_ms) : "-", std::to_string(*rows)});
  }
  std::fputs(table.Render().c_str(), stdout);
  return ExitStatus::Ok();
}

ExitStatus RunDescribe(const Invocation& invocation) {
  Result<Opened> opened = OpenGroup(invocation.flags, 1);
  if (!opened.ok()) return ExitStatus::FromInputStatus(opened.status());
  const FeatureGroup& group = opened->group;
  Result<int64_t> rows = opened->store->offline().CountRows(group);
  if (!rows.ok()) return ExitStatus::Failure(rows.status());
  std::printf("%s\nkey: ", group.Label().c_str());
  for (const features::Column& column : group.key) {
    std::printf("%s (%s) ", column.name.c_str(), std::string(ValueTypeName(column.type)).c_str());
  }
  std::printf("\nevent time: %s (ms since the epoch)\nttl: %s\noffline rows: %" PRId64
              "\nfeatures (%zu):\n",
              group.event_time.c_str(),
              group.ttl_ms > 0 ? FormatDurationMs(group.ttl_ms).c_str() : "none", *rows,
              group.features.size());
  Table table({"NAME", "TYPE"});
  for (const features::Column& column : group.features) {
    table.AddRow({column.name, std::string(ValueTypeName(column.type))});
  }
  std::fputs(table.Render().c_str(), stdout);
  return ExitStatus::Ok();
}

ExitStatus RunGet(const Invocation& invocation) {
  Result<Opened> opened = OpenGroup(invocation.flags, 2);
  if (!opened.ok()) return ExitStatus::FromInputStatus(opened.status());
  const std::string key_text = invocation.flags.positional()[1];
  Result<std::vector<features::Value>> key = features::ParseKeyText(opened->group, key_text);
  if (!key.ok()) return ExitStatus::Usage(key.status().message());
  Result<std::optional<features::FeatureRow>> row =
      opened->store->GetOnline(opened->group, *key, WallClockMs());
  if (!row.ok()) return ExitStatus::Failure(row.status());
  if (!row->has_value()) {
    return ExitStatus::Failure("no online row for key " + key_text + " of " +
                               opened->group.Label() +
                               (opened->group.ttl_ms > 0 ? " (or it is older than the TTL)" : ""));
  }
  std::string json;
  features::AppendRowJson(opened->group, **row, json);
  std::puts(json.c_str());
  return ExitStatus::Ok();
}

void DefineExportFlags(FlagSet& flags) {
  flags.Value("labels", "FILE",
              "label events: CSV with a header, or JSON lines (.jsonl), with the groups' key "
              "columns and the time column; gzip or plain");
  flags.Value("from", "TIME",
              "without --labels: the first group's rows from TIME (ISO-8601 or ms)");
  flags.Value("to", "TIME", "without --labels: ... until before TIME (default: all)");
  flags.Value("time-column", "NAME", "the labels' time column, ms since the epoch (default ts_ms)");
  flags.Value("format", "csv|jsonl", "the output format (default csv)");
  flags.Value("output", "FILE", "write to FILE (default: stdout)");
  flags.Bool("drop-incomplete", "leave out labels that a group has no row for");
  AddStoreFlags(flags);
}

Result<features::TrainingSet> BuildExport(const ParsedFlags& flags, FeatureStore& store,
                                          features::TrainingSetOptions& options) {
  RTML_RETURN_IF_ERROR(flags.ExpectPositional(1, "the feature groups (GROUP[:VERSION],...)"));
  std::string_view list = flags.positional()[0];
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = list.substr(0, comma);
    const size_t colon = item.find(':');
    std::optional<int32_t> version;
    if (colon != std::string_view::npos) {
      const std::optional<int64_t> parsed = ParseInt64(item.substr(colon + 1));
      if (!parsed || *parsed < 1) {
        return Status::InvalidArgument("'" + std::string(item) + "' is not GROUP:VERSION");
      }
      version = static_cast<int32_t>(*parsed);
    }
    RTML_ASSIGN_OR_RETURN(FeatureGroup group,
                          store.FindGroup(std::string(item.substr(0, colon)), version));
    options.groups.push_back(std::move(group));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  if (options.groups.empty()) return Status::InvalidArgument("name at least one feature group");
  options.time_column = std::string(flags.Get("time-column").value_or("ts_ms"));
  options.drop_incomplete = flags.Has("drop-incomplete");
  features::Table labels;
  if (const auto path = flags.Get("labels")) {
    if (flags.Has("from") || flags.Has("to")) {
      return Status::InvalidArgument("--labels and --from/--to exclude each other");
    }
    RTML_ASSIGN_OR_RETURN(labels, features::ReadLabelsFile(std::string(*path), options));
  } else {
    features::TimeRange range;
    const int64_t now = WallClockMs();
    if (const auto from = flags.Get("from")) {
      RTML_ASSIGN_OR_RETURN(range.from_ms, ParseTimeSpecMs(*from, now));
    }
    if (const auto to = flags.Get("to")) {
      RTML_ASSIGN_OR_RETURN(range.to_ms, ParseTimeSpecMs(*to, now));
    }
    if (options.time_column != "ts_ms") {
      return Status::InvalidArgument("--time-column applies to --labels only");
    }
    RTML_ASSIGN_OR_RETURN(labels,
                          features::LabelsFromGroup(store.offline(), options.groups[0], range));
  }
  return features::BuildTrainingSet(store.offline(), labels, options);
}

ExitStatus RunExport(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  const std::string_view format_name = flags.Get("format").value_or("csv");
  if (format_name != "csv" && format_name != "jsonl") {
    return ExitStatus::Usage("flag --format: expected csv or jsonl, not '" +
                             std::string(format_name) + "'");
  }
  Result<std::unique_ptr<FeatureStore>> store = OpenStore(StoreUrisFromFlags(flags));
  if (!store.ok()) return ExitStatus::Failure(store.status());
  const int64_t start_ns = MonotonicNs();
  features::TrainingSetOptions options;
  Result<features::TrainingSet> set = BuildExport(flags, **store, options);
  if (!set.ok()) return ExitStatus::FromInputStatus(set.status());
  const auto format =
      format_name == "csv" ? features::TableFormat::kCsv : features::TableFormat::kJsonLines;
  Status written;
  if (const auto path = flags.Get("output")) {
    std::ofstream out{std::string(*path), std::ios::binary | std::ios::trunc};
    if (!out) return ExitStatus::Failure("cannot write " + std::string(*path));
    written = features::WriteTable(set->table, format, out);
  } else {
    written = features::WriteTable(set->table, format, std::cout);
  }
  if (!written.ok()) return ExitStatus::Failure(written);
  std::fprintf(stderr, "rtml features export: %zu rows in %.2f s\n", set->table.rows.size(),
               static_cast<double>(MonotonicNs() - start_ns) / 1e9);
  for (size_t g = 0; g < options.groups.size(); ++g) {
    const features::JoinCounts& c = set->counts[g];
    std::fprintf(stderr,
                 "  %s: %" PRId64 " matched, %" PRId64
                 " without a row at or before the "
                 "label's time, %" PRId64 " older than the TTL\n",
                 options.groups[g].Label().c_str(), c.matched, c.missing, c.expired);
  }
  return ExitStatus::Ok();
}

ExitStatus RunVerify(const Invocation& invocation) {
  Result<Opened> opened = OpenGroup(invocation.flags, 1);
  if (!opened.ok()) return ExitStatus::FromInputStatus(opened.status());
  Result<features::VerifyReport> report = opened->store->Verify(opened->group);
  if (!report.ok()) return ExitStatus::Failure(report.status());
  std::printf("%s: %" PRId64 " keys offline, %" PRId64 " online, %" PRId64 " agree, %" PRId64
              " differ\n",
              opened->group.Label().c_str(), report->keys_offline, report->keys_online,
              report->matching, report->difference_count);
  for (const std::string& line : report->differences) std::printf("  %s\n", line.c_str());
  if (report->difference_count > static_cast<int64_t>(report->differences.size())) {
    std::printf("  ... and %" PRId64 " more\n",
                report->difference_count - static_cast<int64_t>(report->differences.size()));
  }
  if (!report->ok()) return ExitStatus::Failure("the online and offline stores disagree");
  return ExitStatus::Ok();
}

void DefineServeFlags(FlagSet& flags) {
  flags.Value("address", "IP", "the address to listen on (default 127.0.0.1: this machine only)");
  flags.Value("port", "N", "the TCP port (default 8081; 0: any free port, printed)");
  AddStoreFlags(flags);
}

ExitStatus RunServe(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status none = flags.ExpectPositional(0, ""); !none.ok())
    return ExitStatus::Usage(none.message());
  Result<int64_t> port = flags.GetInt("port", 8081, 0, 65535);
  if (!port.ok()) return ExitStatus::Usage(port.status().message());
  Result<std::unique_ptr<FeatureStore>> store = OpenStore(StoreUrisFromFlags(flags));
  if (!store.ok()) return ExitStatus::Failure(store.status());
  ingest::net::LoopbackServer server(
      {.address = std::string(flags.Get("address").value_or("127.0.0.1")),
       .port = static_cast<uint16_t>(*port)});
  control::AddFeatureRoutes(server, **store);
  server.AddHttpRoute("/health", [](const ingest::net::HttpRequest&) {
    return ingest::net::HttpResponse{
        200, {{"Content-Type", "application/json"}}, "{\"status\":\"ok\"}\n"};
  });
  if (Status started = server.Start(); !started.ok()) return ExitStatus::Failure(started);
  InstallStopHandlers();
  std::fprintf(stderr, "rtml features serve: %s/features/{group}/{key} (Ctrl-C to stop)\n",
               server.BaseUrl(false).c_str());
  while (!StopRequested()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.Stop();
  return ExitStatus::Ok();
}

}  // namespace

const Command& FeaturesServeCommand() {
  static constexpr Command kCommand{
      .name = "serve",
      .summary = "Serve online feature rows over REST",
      .usage = "rtml features serve [--port N] [flags]",
      .description =
          "GET /features lists the groups; GET /features/{group}/{key}[?version=N] answers\n"
          "the key's online row as JSON (the key values joined by '|', percent-encoded as\n"
          "needed: /features/market/BTCUSD%7C60). Unknown groups and keys, and rows older\n"
          "than the group's TTL, are 404 with {\"error\": ...}. GET /health answers ok.\n"
          "Rows a pipeline writes into the embedded store show within 50 ms.",
      .example =
          "rtml features serve --port 8081\n"
          "curl 'http://127.0.0.1:8081/features/market/BTCUSD%7C60'",
      .define_flags = DefineServeFlags,
      .run = RunServe};
  return kCommand;
}

const Command& FeaturesListCommand() {
  static constexpr Command kCommand{
      .name = "list",
      .summary = "List the feature groups in the store, with their row counts",
      .usage = "rtml features list [flags]",
      .example = "rtml features list\nrtml features list --offline postgresql://rtml@db/features",
      .define_flags = AddStoreFlags,
      .run = RunList};
  return kCommand;
}

const Command& FeaturesDescribeCommand() {
  static constexpr Command kCommand{.name = "describe",
                                    .summary = "Show a feature group's schema",
                                    .usage = "rtml features describe GROUP [--version N] [flags]",
                                    .example = "rtml features describe market",
                                    .define_flags = DefineGroupFlags,
                                    .run = RunDescribe};
  return kCommand;
}

const Command& FeaturesGetCommand() {
  static constexpr Command kCommand{
      .name = "get",
      .summary = "Print a key's online row as JSON",
      .usage = "rtml features get GROUP KEY [--version N] [flags]",
      .description =
          "KEY is the group's key values joined by '|', e.g. BTCUSDT|60. A row older\n"
          "than the group's TTL is not served.",
      .example = "rtml features get market 'BTCUSDT|60'",
      .define_flags = DefineGroupFlags,
      .run = RunGet};
  return kCommand;
}

const Command& FeaturesExportCommand() {
  static constexpr Command kCommand{
      .name = "export",
      .summary = "Export a point-in-time training set",
      .usage =
          "rtml features export GROUP[:VERSION][,GROUP...] (--labels FILE | --from T "
          "[--to T]) [flags]",
      .description =
          "Joins each label event (its key and time) with every named group as of that\n"
          "time: the group's row of that key with the newest event time at or before the\n"
          "label's, and none if that row is older than the group's TTL. No value from\n"
          "after a label's time is used. Without --labels, the events are the first\n"
          "group's own rows in [--from, --to). Output columns: the label columns, then per\n"
          "group <group>__<event_time> (the time of the row used) and its features.",
      .example =
          "rtml features export market --labels labels.csv --output train.csv\n"
          "rtml features export market --from 2024-08-01T00:00:00Z --format jsonl",
      .define_flags = DefineExportFlags,
      .run = RunExport};
  return kCommand;
}

const Command& FeaturesVerifyCommand() {
  static constexpr Command kCommand{
      .name = "verify",
      .summary = "Check that every online row is the newest offline row of its key",
      .usage = "rtml features verify GROUP [--version N] [flags]",
      .description = "Exits 1 and lists the keys that differ (or are in one store only).",
      .example = "rtml features verify market",
      .define_flags = DefineGroupFlags,
      .run = RunVerify};
  return kCommand;
}

}  // namespace rtml::cli
