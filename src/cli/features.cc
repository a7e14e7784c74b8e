// rtml features compute: the pipeline's indicators over a historical OHLCV file,
// written as CSV or as the feature records of the features stage.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "command.h"
#include "feature_store_commands.h"
#include "output_buffer.h"
#include "rtml/core/clock.h"
#include "rtml/core/json_writer.h"
#include "rtml/core/timestamp.h"
#include "rtml/process/candle_file.h"
#include "rtml/process/feature_record.h"
#include "rtml/process/indicators/indicator.h"
#include "status_line.h"
#include "stop_signal.h"

namespace rtml::cli {
namespace {

using process::Candle;
using process::Indicator;

constexpr size_t kFlushBytes = 1 << 20;
constexpr int64_t kMaxCandleSeconds = 366LL * 86400;

enum class Format { kCsv, kJsonLines };

struct ComputeArgs {
  std::string input;
  std::string output;  // empty: stdout
  Format format = Format::kCsv;
  std::vector<std::string> features;
  process::CandleFileOptions file;
};

void DefineComputeFlags(FlagSet& flags) {
  flags.Value("input", "FILE",
              "the OHLCV file: CSV with a header naming timestamp,open,high,low,close,volume "
              "(any order), or JSON lines; gzip or plain; required");
  flags.Repeated("features", "LIST",
                 "indicator names, comma-separated (rsi_14,ema_21,macd_12_26_9,bbands_20_2; "
                 "see docs/pipeline-config.md); required");
  flags.Value("output", "FILE", "write to FILE, replaced once complete (default: stdout)");
  flags.Value("format", "csv|jsonl",
              "csv: the input's columns and every indicator output, empty while warming up; "
              "jsonl: feature records as the features stage writes them (default csv)");
  flags.Value("pair", "NAME", "the pair the candles are of (in jsonl output; default empty)");
  flags.Value("candle-seconds", "N",
              "the candle size (default: how far apart the first two timestamps are)");
  flags.Value("epoch-unit", "auto|s|ms",
              "what integer timestamps count: auto is seconds below 1e11, else ms (default auto)");
}

Result<ComputeArgs> ArgsFromFlags(const ParsedFlags& flags) {
  RTML_RETURN_IF_ERROR(flags.ExpectPositional(0, "no arguments (the file is --input FILE)"));
  ComputeArgs args;
  args.input = flags.Get("input").value_or("");
  if (args.input.empty()) return Status::InvalidArgument("missing --input FILE");
  args.output = flags.Get("output").value_or("");
  const std::string_view format = flags.Get("format").value_or("csv");
  if (format != "csv" && format != "jsonl") {
    return Status::InvalidArgument("--format must be csv or jsonl, not '" + std::string(format) +
                                   "'");
  }
  args.format = format == "csv" ? Format::kCsv : Format::kJsonLines;
  for (std::string_view list : flags.GetAll("features")) {
    for (size_t start = 0; start <= list.size();) {
      size_t comma = list.find(',', start);
      if (comma == std::string_view::npos) comma = list.size();
      std::string_view name = list.substr(start, comma - start);
      while (name.starts_with(' ')) name.remove_prefix(1);
      while (name.ends_with(' ')) name.remove_suffix(1);
      if (name.empty()) {
        return Status::InvalidArgument("--features '" + std::string(list) + "' has an empty name");
      }
      args.features.emplace_back(name);
      start = comma + 1;
    }
  }
  if (args.features.empty()) {
    return Status::InvalidArgument("missing --features LIST (e.g. --features rsi_14,ema_21)");
  }
  args.file.pair = flags.Get("pair").value_or("");
  RTML_ASSIGN_OR_RETURN(args.file.candle_seconds,
                        flags.GetInt("candle-seconds", 0, 1, kMaxCandleSeconds));
  const std::string_view unit = flags.Get("epoch-unit").value_or("auto");
  if (unit == "s") {
    args.file.epoch_unit = process::EpochUnit::kSeconds;
  } else if (unit == "ms") {
    args.file.epoch_unit = process::EpochUnit::kMilliseconds;
  } else if (unit != "auto") {
    return Status::InvalidArgument("--epoch-unit must be auto, s or ms, not '" + std::string(unit) +
                                   "'");
  }
  return args;
}

// One indicator per name, every output name once. InvalidArgument naming a bad name.
Result<std::vector<std::unique_ptr<Indicator>>> MakeIndicators(
    const std::vector<std::string>& names) {
  std::vector<std::unique_ptr<Indicator>> indicators;
  std::set<std::string> outputs;
  for (const std::string& name : names) {
    Result<std::unique_ptr<Indicator>> indicator = process::MakeIndicator(name);
    if (!indicator.ok()) return indicator.status().WithContext("--features");
    for (const std::string& output : (*indicator)->output_names()) {
      if (!outputs.insert(output).second) {
        return Status::InvalidArgument("--features: '" + output + "' is asked for twice");
      }
    }
    indicators.push_back(std::move(indicator).value());
  }
  return indicators;
}

// A number in a CSV cell: the shortest text that reads back the same; empty for NaN
// (an indicator warming up).
void AppendCell(std::string& out, double value) {
  out += ',';
  if (std::isfinite(value)) json::AppendDouble(out, value);
}

void AppendCsvHeader(const std::vector<std::unique_ptr<Indicator>>& indicators, std::string& out) {
  out += "timestamp,open,high,low,close,volume";
  for (const auto& indicator : indicators) {
    for (const std::string& name : indicator->output_names()) out += "," + name;
  }
  out += '\n';
}

void AppendCsvRow(const Candle& candle, const std::vector<std::unique_ptr<Indicator>>& indicators,
                  std::string& out) {
  out += FormatIso8601Ms(candle.window_start_ms);
  for (const double value : {candle.open, candle.high, candle.low, candle.close, candle.volume}) {
    AppendCell(out, value);
  }
  for (const auto& indicator : indicators) {
    for (size_t i = 0; i < indicator->output_names().size(); ++i) {
      AppendCell(out, indicator->value(i));
    }
  }
  out += '\n';
}

// Where the rows go: stdout, or a regular file written under a temporary name and
// renamed into place once complete (anything else, e.g. /dev/null, directly).
class Destination {
 public:
  ~Destination() {
    if (fd_ > STDOUT_FILENO) ::close(fd_);
    if (!written_.empty()) ::unlink(written_.c_str());
  }

  Status Open(const std::string& path) {
    if (path.empty()) return Status::Ok();
    struct stat info;
    const bool special = ::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode);
    path_ = path;
    if (!special) written_ = path + ".tmp";
    const std::string& target = special ? path : written_;
    fd_ = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      written_.clear();
      return Status::FromErrno("cannot open " + path, errno);
    }
    return Status::Ok();
  }

  int fd() const { return fd_; }
  std::string name() const { return path_.empty() ? "stdout" : path_; }

  // Closes the file and puts it in place.
  Status Commit() {
    if (fd_ > STDOUT_FILENO && ::close(fd_) != 0) {
      fd_ = -1;
      return Status::FromErrno("writing " + path_, errno);
    }
    fd_ = -1;
    if (written_.empty()) return Status::Ok();
    if (::rename(written_.c_str(), path_.c_str()) != 0) {
      return Status::FromErrno("cannot rename " + written_ + " to " + path_, errno);
    }
    written_.clear();
    return Status::Ok();
  }

 private:
  int fd_ = STDOUT_FILENO;
  std::string path_;
  std::string written_;  // the temporary file, removed unless committed
};

// "1 row", "2 rows".
std::string Count(int64_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

struct Totals {
  int64_t rows = 0;
  int64_t warm_up_rows = 0;  // rows where some indicator was not yet ready
};

// Reads every candle, updates the indicators and writes a row for each.
Status Compute(process::CandleFileReader& reader,
               std::vector<std::unique_ptr<Indicator>>& indicators, Format format,
               OutputBuffer& out, StatusLine& status_line, Totals* totals) {
  if (format == Format::kCsv) AppendCsvHeader(indicators, out.buffer());
  Candle candle;
  for (;;) {
    RTML_ASSIGN_OR_RETURN(const bool more, reader.Next(&candle));
    if (!more) break;
    bool warming_up = false;
    for (auto& indicator : indicators) {
      indicator->Update(candle);
      warming_up = warming_up || !indicator->ready();
    }
    totals->warm_up_rows += warming_up ? 1 : 0;
    ++totals->rows;
    if (format == Format::kCsv) {
      AppendCsvRow(candle, indicators, out.buffer());
    } else {
      process::AppendFeatureRecordJson(candle, indicators, out.buffer());
      out.buffer() += '\n';
    }
    if (out.buffer().size() >= kFlushBytes) RTML_RETURN_IF_ERROR(out.Flush());
    if (StopRequested()) {
      return Status::IOError("interrupted after " + std::to_string(totals->rows) + " rows");
    }
    if (status_line.Due()) {
      status_line.Show("features compute: " + std::to_string(totals->rows) + " rows, " +
                       std::to_string(static_cast<int64_t>(status_line.Rate(totals->rows))) +
                       " rows/s");
    }
  }
  return out.Flush();
}

ExitStatus RunCompute(const Invocation& invocation) {
  Result<ComputeArgs> args = ArgsFromFlags(invocation.flags);
  if (!args.ok()) return ExitStatus::Usage(args.status().message());
  // Every name is checked before anything is read.
  Result<std::vector<std::unique_ptr<Indicator>>> indicators = MakeIndicators(args->features);
  if (!indicators.ok()) return ExitStatus::Usage(indicators.status().message());
  Result<std::unique_ptr<process::CandleFileReader>> reader =
      process::CandleFileReader::Open(args->input, args->file);
  if (!reader.ok()) return ExitStatus::FromInputStatus(reader.status());
  Destination destination;
  if (Status s = destination.Open(args->output); !s.ok()) return ExitStatus::Failure(s);

  InstallStopHandlers();  // also: a closed pipe is an error to handle, not death
  const int64_t start_ns = MonotonicNs();
  OutputBuffer out(destination.fd(), kFlushBytes + (64 << 10));
  Totals totals;
  StatusLine status_line;
  const Status computed = Compute(**reader, *indicators, args->format, out, status_line, &totals);
  status_line.Clear();
  if (!computed.ok() && out.broken_pipe()) return ExitStatus::Ok();  // e.g. `| head`
  if (!computed.ok()) return ExitStatus::FromInputStatus(computed);
  if (Status s = destination.Commit(); !s.ok()) return ExitStatus::Failure(s);

  size_t outputs = 0;
  for (const auto& indicator : *indicators) outputs += indicator->output_names().size();
  const int64_t candle_seconds = (*reader)->candle_seconds();
  const std::string size =
      candle_seconds > 0 ? " of " + std::to_string(candle_seconds) + "s candles" : "";
  std::fprintf(stderr, "features compute: %s%s, %s (%s), %s, %.2f s, to %s\n",
               Count(totals.rows, "row").c_str(), size.c_str(),
               Count(static_cast<int64_t>(indicators->size()), "feature").c_str(),
               Count(static_cast<int64_t>(outputs), "column").c_str(),
               Count(totals.warm_up_rows, "warm-up row").c_str(),
               static_cast<double>(MonotonicNs() - start_ns) / 1e9, destination.name().c_str());
  return ExitStatus::Ok();
}

constexpr Command kComputeCommand = {
    .name = "compute",
    .summary = "Compute indicators over a historical OHLCV file",
    .usage = "rtml features compute --input FILE --features LIST [flags]",
    .description =
        "Runs the indicators of the pipeline's features stage (the same code, TA-Lib's\n"
        "values and warm-up) over a file of candles, one output row per candle.\n"
        "\n"
        "Input: CSV with a header naming at least timestamp, open, high, low, close and\n"
        "volume (any order; vwap and trade_count are read if present, other columns\n"
        "ignored), or JSON lines of candles or of objects with those fields; gzip or\n"
        "plain. Timestamps are each candle's open time: ISO-8601 (UTC unless it has an\n"
        "offset) or integer seconds or ms since the epoch. Rows must be in time order,\n"
        "each timestamp once; anything else is an error naming the file and line.\n"
        "Without vwap, a candle's vwap is its typical price (high + low + close) / 3.\n"
        "\n"
        "Output: CSV (timestamp in ISO-8601 UTC, the six input columns, then every\n"
        "indicator output, empty while warming up) or JSON lines (each candle's fields\n"
        "and every output by name, null while warming up). A summary goes to stderr;\n"
        "on a terminal, so does a progress line.",
    .example =
        "rtml features compute --input candles.csv.gz --features rsi_14,macd_12_26_9 "
        "--output features.csv\n"
        "rtml features compute --input candles.jsonl --features bbands_20_2 --format "
        "jsonl --pair BTCUSDT",
    .define_flags = DefineComputeFlags,
    .run = RunCompute};

}  // namespace

const Command& FeaturesCommand() {
  static const Command kSubcommands[] = {kComputeCommand,           FeaturesListCommand(),
                                         FeaturesDescribeCommand(), FeaturesGetCommand(),
                                         FeaturesExportCommand(),   FeaturesVerifyCommand(),
                                         FeaturesServeCommand()};
  static const Command kFeatures{
      .name = "features",
      .summary = "Compute features over historical candles; read and export the feature store",
      .usage = "rtml features COMMAND [flags]",
      .description = "",
      .example =
          "rtml features compute --input candles.csv --features rsi_14,ema_21\n"
          "rtml features export market --labels labels.csv --output train.csv",
      .subcommands = kSubcommands,
  };
  return kFeatures;
}

}  // namespace rtml::cli
