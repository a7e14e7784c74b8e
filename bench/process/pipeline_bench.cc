// rtml_pipeline_bench: the market flow end to end through the embedded log, the way
// `rtml pipeline run --until-end` runs it: trade JSON records in a file:// topic ->
// the candles stage (MakeCandlesOperator: 1 s, 60 s and 300 s candles) -> the
// features stage (MakeFeaturesOperator: 20 indicators on the 60 s candles), each a
// StageRunner with stop_at_end (checkpoints every second and at the end included),
// writing JSON candles and features back to the log.
//
// The trades are the real Binance spot captures (market_data.h), looped with
// shifted times up to --trades. They are written to the log first (timed on its
// own); then each stage runs alone, as --until-end runs them. Each run uses a fresh
// log and checks its answer: the candles topic holds exactly the candles an
// in-memory CandleAggregator makes from the same trades, the features topic one
// record per 60 s candle with every feature warm in the last one, no dead letters.
//
// Usage: rtml_pipeline_bench [--trades=N] [--runs=R] [--fsync=interval|never|always]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "market_data.h"
#include "rtml/process/candle_aggregator.h"
#include "rtml/process/indicators/indicator.h"
#include "rtml/process/operators.h"
#include "rtml/process/stage_runner.h"
#include "rtml/stream/broker.h"
#include "rtml/stream/topic_reader.h"

namespace rtml::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  int64_t trades = 1'000'000;
  int runs = 3;
  stream::FsyncPolicy fsync = stream::FsyncPolicy::kInterval;
  const char* fsync_name = "interval";
};

bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.starts_with("--trades=")) {
      args->trades = std::atoll(arg.c_str() + 9);
    } else if (arg.starts_with("--runs=")) {
      args->runs = std::atoi(arg.c_str() + 7);
    } else if (arg == "--fsync=interval" || arg == "--fsync=never" || arg == "--fsync=always") {
      args->fsync_name = argv[i] + 8;
      args->fsync = arg.ends_with("interval") ? stream::FsyncPolicy::kInterval
                    : arg.ends_with("never")  ? stream::FsyncPolicy::kNever
                                              : stream::FsyncPolicy::kAlways;
    } else {
      return false;
    }
  }
  return args->trades > 0 && args->runs > 0;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The trades of the run: the spot captures looped until there are `count`.
std::vector<ingest::Trade> MakeTrades(std::vector<ingest::Trade> pass, int64_t count) {
  std::vector<ingest::Trade> trades;
  trades.reserve(static_cast<size_t>(count));
  TradeLoop loop(std::move(pass));
  while (true) {
    for (const ingest::Trade& trade : loop.pass()) {
      if (static_cast<int64_t>(trades.size()) == count) return trades;
      trades.push_back(trade);
    }
    loop.Advance();
  }
}

struct Expected {
  int64_t candles = 0;     // every size
  int64_t candles_60 = 0;  // the features stage's input that counts
  int64_t min_candles_60_per_pair = 0;
};

Result<Expected> Recompute(const std::vector<ingest::Trade>& trades) {
  RTML_ASSIGN_OR_RETURN(process::CandleAggregator aggregator,
                        process::CandleAggregator::Create({}));
  Expected expected;
  std::vector<process::CandleUpdate> updates;
  std::vector<process::LateRecord> late;
  std::map<std::string, int64_t> per_pair;  // 60 s candles
  auto count = [&] {
    for (const process::CandleUpdate& update : updates) {
      ++expected.candles;
      if (update.candle.candle_seconds == 60) {
        ++expected.candles_60;
        ++per_pair[update.candle.pair];
      }
    }
    updates.clear();
  };
  for (const ingest::Trade& trade : trades) {
    RTML_RETURN_IF_ERROR(aggregator.Add(trade, &updates, &late));
    count();
  }
  aggregator.Flush(&updates);
  count();
  if (!late.empty()) return Status::InvalidArgument("late trades in the input");
  if (!per_pair.empty()) {
    expected.min_candles_60_per_pair = std::numeric_limits<int64_t>::max();
    for (const auto& [pair, n] : per_pair) {
      expected.min_candles_60_per_pair = std::min(expected.min_candles_60_per_pair, n);
    }
  }
  return expected;
}

struct RunResult {
  double write_s = 0;     // trades into the log
  double read_s = 0;      // one Poll pass over the trades topic, nothing else
  double candles_s = 0;   // the candles stage
  double features_s = 0;  // the features stage
  int64_t candle_records = 0;
  int64_t feature_records = 0;
};

Status EndOffsetIs(stream::Broker& broker, const std::string& topic, int64_t expected) {
  RTML_ASSIGN_OR_RETURN(const stream::TopicDescription description, broker.DescribeTopic(topic));
  const int64_t end = description.partitions.at(0).end_offset;
  if (end != expected) {
    return Status::InvalidArgument(topic + " holds " + std::to_string(end) + " records, expected " +
                                   std::to_string(expected));
  }
  return Status::Ok();
}

struct StageRun {
  double seconds = 0;  // Run(), its final checkpoint included
  process::StageStats stats;
};

// Runs one stage from `input` to `output` (and `output`.dlq) to the end of its input,
// and checks that it wrote `expected` records and no dead letters.
Result<StageRun> RunStage(stream::Broker& broker, const std::string& name, const std::string& input,
                          const std::string& output, int64_t expected,
                          process::OperatorFactory factory) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<process::StageRunner> runner,
                        process::StageRunner::Create(&broker,
                                                     {.name = name,
                                                      .input_topic = input,
                                                      .output_topics = {output, output + ".dlq"},
                                                      .stop_at_end = true},
                                                     std::move(factory)));
  const Clock::time_point start = Clock::now();
  RTML_RETURN_IF_ERROR(runner->Run());
  StageRun run{.seconds = Seconds(Clock::now() - start), .stats = runner->stats()};
  RTML_RETURN_IF_ERROR(EndOffsetIs(broker, output, expected));
  RTML_RETURN_IF_ERROR(EndOffsetIs(broker, output + ".dlq", 0));
  return run;
}

Result<RunResult> RunOnce(const fs::path& dir, const Args& args,
                          const std::vector<ingest::Trade>& trades, const Expected& expected) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Broker> broker,
                        stream::OpenBroker("file://" + dir.string(), {.fsync = args.fsync}));
  // The trades are of 2024: time retention would delete them.
  for (const char* topic : {"trades", "candles", "candles.dlq", "features", "features.dlq"}) {
    RTML_RETURN_IF_ERROR(broker->CreateTopic({.name = topic, .retention_ms = stream::kUnlimited}));
  }
  RunResult result;

  // The trades topic, as ingestion writes it: key = pair, timestamp = ts_ms.
  Clock::time_point start = Clock::now();
  {
    RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Producer> producer, broker->NewProducer());
    std::string value;
    for (const ingest::Trade& trade : trades) {
      value.clear();
      ingest::AppendTradeJson(trade, value);
      RTML_RETURN_IF_ERROR(producer->Produce(
          "trades", {.key = trade.pair, .value = value, .timestamp_ms = trade.ts_ms}));
    }
    RTML_RETURN_IF_ERROR(producer->Flush());
  }
  result.write_s = Seconds(Clock::now() - start);
  RTML_RETURN_IF_ERROR(EndOffsetIs(*broker, "trades", static_cast<int64_t>(trades.size())));

  // What reading the input alone costs (the stage's consumer does the same Polls).
  start = Clock::now();
  int64_t read = 0;
  RTML_RETURN_IF_ERROR(stream::ReadTopicToEnd(*broker, "trades", stream::SeekTarget::Beginning(),
                                              [&](const stream::ConsumedRecord& record) {
                                                read += !record.value.empty();
                                                return Status::Ok();
                                              }));
  result.read_s = Seconds(Clock::now() - start);
  if (read != static_cast<int64_t>(trades.size())) return Status::Internal("short read");

  // The candles stage, then the features stage.
  RTML_ASSIGN_OR_RETURN(const StageRun candles,
                        RunStage(*broker, "bench.candles", "trades", "candles", expected.candles,
                                 [](int32_t) { return process::MakeCandlesOperator({}); }));
  result.candles_s = candles.seconds;
  result.candle_records = candles.stats.records_out;
  const process::FeaturesStageOptions features_options{.candle_seconds = {60},
                                                       .features = FeatureNames()};
  RTML_ASSIGN_OR_RETURN(
      const StageRun features,
      RunStage(*broker, "bench.features", "candles", "features", expected.candles_60,
               [&](int32_t) { return process::MakeFeaturesOperator(features_options); }));
  result.features_s = features.seconds;
  result.feature_records = features.stats.records_out;
  if (features.stats.records_in != expected.candles) {
    return Status::Internal("the features stage did not read every candle");
  }

  // The newest feature record names every output, and once its pair has had more 60 s
  // candles than an indicator's lookback, that output is warm.
  std::string last;
  RTML_RETURN_IF_ERROR(stream::ReadTopicToEnd(*broker, "features",
                                              stream::SeekTarget::Offset(expected.candles_60 - 1),
                                              [&](const stream::ConsumedRecord& record) {
                                                last = record.value;
                                                return Status::Ok();
                                              }));
  for (const std::string& name : FeatureNames()) {
    RTML_ASSIGN_OR_RETURN(const std::unique_ptr<process::Indicator> indicator,
                          process::MakeIndicator(name));
    for (const std::string& output : indicator->output_names()) {
      const std::string field = "\"" + output + "\":";
      const size_t at = last.find(field);
      const bool warm = expected.min_candles_60_per_pair > indicator->lookback();
      if (at == std::string::npos || (warm && last.compare(at + field.size(), 4, "null") == 0)) {
        return Status::Internal("feature " + output + " missing or not warm in " + last);
      }
    }
  }
  return result;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace
}  // namespace rtml::bench

int main(int argc, char** argv) {
  using namespace rtml::bench;
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::fprintf(stderr,
                 "usage: rtml_pipeline_bench [--trades=N] [--runs=R] "
                 "[--fsync=interval|never|always]\n");
    return 2;
  }
  rtml::Result<std::vector<rtml::ingest::Trade>> pass = LoadSpotTrades(RealDataDir());
  if (!pass.ok()) {
    std::fprintf(stderr, "rtml_pipeline_bench: %s (set RTML_REAL_DATA to the shared/data folder)\n",
                 pass.status().ToString().c_str());
    return 1;
  }
  const std::vector<rtml::ingest::Trade> trades = MakeTrades(std::move(pass).value(), args.trades);
  const rtml::Result<Expected> expected = Recompute(trades);
  if (!expected.ok()) {
    std::fprintf(stderr, "rtml_pipeline_bench: %s\n", expected.status().ToString().c_str());
    return 1;
  }
  const fs::path base = "/tmp/rtml-pipeline-bench-" + std::to_string(::getpid());
  std::printf(
      "rtml_pipeline_bench: %lld real spot trades (34,419 looped), file:// log in %s, fsync=%s\n"
      "candles stage: 1 s, 60 s, 300 s candles -> %lld candle records; features stage: 20 "
      "indicators on the %lld 60 s candles\n\n",
      static_cast<long long>(args.trades), base.c_str(), args.fsync_name,
      static_cast<long long>(expected->candles), static_cast<long long>(expected->candles_60));
  std::printf("%-4s %10s %10s %12s %12s %14s %16s %14s\n", "run", "write s", "read s", "candles s",
              "features s", "candles tr/s", "features rec/s", "both tr/s");
  std::vector<double> write, read, candles, features, candles_rate, features_rate, both_rate;
  const double n = static_cast<double>(args.trades);
  for (int run = 0; run < args.runs; ++run) {
    const fs::path dir = base / ("run-" + std::to_string(run));
    rtml::Result<RunResult> result = RunOnce(dir, args, trades, *expected);
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (!result.ok()) {
      std::fprintf(stderr, "rtml_pipeline_bench: run %d: %s\n", run,
                   result.status().ToString().c_str());
      fs::remove_all(base, ec);
      return 1;
    }
    write.push_back(result->write_s);
    read.push_back(result->read_s);
    candles.push_back(result->candles_s);
    features.push_back(result->features_s);
    candles_rate.push_back(n / result->candles_s);
    features_rate.push_back(static_cast<double>(expected->candles) / result->features_s);
    both_rate.push_back(n / (result->candles_s + result->features_s));
    std::printf("%-4d %10.3f %10.3f %12.3f %12.3f %14.0f %16.0f %14.0f\n", run, write.back(),
                read.back(), candles.back(), features.back(), candles_rate.back(),
                features_rate.back(), both_rate.back());
    std::fflush(stdout);
  }
  std::printf("%-4s %10.3f %10.3f %12.3f %12.3f %14.0f %16.0f %14.0f\n", "med", Median(write),
              Median(read), Median(candles), Median(features), Median(candles_rate),
              Median(features_rate), Median(both_rate));
  std::error_code ec;
  fs::remove_all(base, ec);
  return 0;
}
