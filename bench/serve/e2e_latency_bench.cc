// The live prediction path end to end on the embedded file:// log, as `rtml pipeline
// run` runs it live: trades handed to an ingest::TradeSink -> trades topic -> the
// candles stage (1 s, 60 s, 300 s candles, `emit: current`) -> the features stage (20
// indicators on the 60 s candles; a `current` candle replaces the newest bar) -> the
// predict stage (a registered ridge model, pinned, with live evaluation) -> the
// predictions topic, read by a follower thread. Each stage is a StageRunner on its
// own thread in consumer group "<pipeline>.<stage>", checkpointing every second.
// With `emit: current` every trade updates its pair's 60 s candle, hence its features
// and its prediction, so every trade has a prediction of its own.
//
// Matching: trade k is offset k of the trades topic; its 60 s candle update is
// features record k (the features stage writes one record per 60 s candle and
// ignores the others), and the prediction's source header names that record. The
// follower checks that each prediction has the pair and window of its trade.
//
// Modes:
//   --mode=latency     trades paced at --rate over --pairs pairs: --warmup seconds,
//                      then --seconds measured; per trade, wall time (monotonic clock)
//                      from just before TradeSink::Accept to the follower's Poll()
//                      returning its prediction: p50/p90/p99/p99.9/max. --trace=1 also
//                      follows the trades, candles and features topics (when a record
//                      of each trade is read there), to see where the time goes.
//   --mode=throughput  --trades trades fed as fast as the feeding thread goes; trades/s
//                      from the first Accept to the last prediction read.
//   --mode=hop         the log alone: 200-byte records produced at --rate to one topic
//                      (producer linger --linger-ms; --flush-each=1: Flush() after
//                      each) and read by a follower; from Produce() to Poll().
// Latency and throughput start with --history minutes of trades per pair written
// unpaced (event times in the past, one trade per pair per second) so every indicator
// is warm, and wait until their predictions are out; live trades then carry the wall
// clock as event time. --cpu=N pins the whole process (every thread: feeder, stages,
// broker ticker, follower) to CPU N. --horizon is the predict stage's: its live
// evaluation keeps each prediction until then, as checkpointed state; --evaluation=0
// wires the stage without it (a pipeline config cannot). --linger-ms is the feeding
// producer's (the stages' producers keep the default, 5 ms).
//
//   rtml_e2e_latency_bench [--mode=latency|throughput|hop] [--rate=10000] [--seconds=10]
//       [--warmup=2] [--trades=300000] [--pairs=8] [--history=50] [--horizon=5m]
//       [--evaluation=1] [--cpu=N] [--linger-ms=5] [--trace=0] [--flush-each=0]
//       [--checkpoint-ms=1000]
#include <sched.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "rtml/core/clock.h"
#include "rtml/ingest/trade_sink.h"
#include "rtml/ml/model_registry.h"
#include "rtml/ml/model_spec.h"
#include "rtml/process/indicators/indicator.h"
#include "rtml/process/pipeline_config.h"
#include "rtml/process/stage_runner.h"
#include "rtml/serve/predict_operator.h"
#include "rtml/serve/predict_stage.h"
#include "rtml/stream/broker.h"

namespace rtml::bench {
namespace {

constexpr char kModel[] = "bench-ridge";
constexpr const char* kIndicators[] = {
    "sma_10",       "ema_21",       "wma_10",          "dema_10", "tema_10",
    "macd_12_26_9", "bbands_20_2",  "stddev_20",       "roc_10",  "mom_10",
    "obv",          "vwap_20",      "rsi_14",          "atr_14",  "natr_14",
    "adx_14",       "stoch_14_3_3", "stochrsi_14_5_3", "cci_20",  "mfi_14"};

struct Args {
  std::string mode = "latency";
  double rate = 10'000;      // trades/s (latency)
  double seconds = 10;       // measured (latency)
  double warmup = 2;         // paced, not measured (latency)
  int64_t trades = 300'000;  // throughput
  int pairs = 8;
  int history_minutes = 50;
  std::string horizon = "5m";
  int cpu = -1;             // pin the process to this CPU; -1: no pinning
  int64_t linger_ms = 5;    // the feeding producer's (the stages' own are the default 5 ms)
  bool flush_each = false;  // hop: Flush() after every record
  bool trace = false;       // latency: also follow trades, candles and features
  // The predict stage judges its predictions (as a pipeline config's always does); 0
  // drops that and its checkpointed state (the bench's own wiring).
  bool evaluation = true;
  int64_t checkpoint_ms = 1000;  // each stage's checkpoint interval (the default)
};

bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const size_t eq = arg.find('=');
    if (!arg.starts_with("--") || eq == std::string_view::npos) return false;
    const std::string_view name = arg.substr(2, eq - 2);
    const std::string value(arg.substr(eq + 1));
    if (name == "mode" && (value == "latency" || value == "throughput" || value == "hop")) {
      args->mode = value;
    } else if (name == "rate") {
      args->rate = std::atof(value.c_str());
    } else if (name == "seconds") {
      args->seconds = std::atof(value.c_str());
    } else if (name == "warmup") {
      args->warmup = std::atof(value.c_str());
    } else if (name == "trades") {
      args->trades = std::atoll(value.c_str());
    } else if (name == "pairs") {
      args->pairs = std::atoi(value.c_str());
    } else if (name == "history") {
      args->history_minutes = std::atoi(value.c_str());
    } else if (name == "horizon") {
      args->horizon = value;
    } else if (name == "cpu") {
      args->cpu = std::atoi(value.c_str());
    } else if (name == "linger-ms") {
      args->linger_ms = std::atoll(value.c_str());
    } else if (name == "checkpoint-ms") {
      args->checkpoint_ms = std::atoll(value.c_str());
    } else if (name == "evaluation" && (value == "0" || value == "1")) {
      args->evaluation = value == "1";
    } else if (name == "trace" && (value == "0" || value == "1")) {
      args->trace = value == "1";
    } else if (name == "flush-each" && (value == "0" || value == "1")) {
      args->flush_each = value == "1";
    } else {
      return false;
    }
  }
  return args->rate > 0 && args->seconds > 0 && args->warmup >= 0 && args->trades > 0 &&
         args->pairs > 0 && args->history_minutes >= 45 && args->linger_ms >= 0;
}

// Every feature the model reads: the close and each indicator's outputs.
Result<std::vector<std::string>> ModelFeatures() {
  std::vector<std::string> names = {"close"};
  for (const char* indicator : kIndicators) {
    RTML_ASSIGN_OR_RETURN(const std::unique_ptr<process::Indicator> made,
                          process::MakeIndicator(indicator));
    for (const std::string& output : made->output_names()) names.push_back(output);
  }
  return names;
}

// A ridge model over ModelFeatures(), fitted on random rows and registered (version 1).
Status RegisterModel(const std::string& registry_dir) {
  RTML_ASSIGN_OR_RETURN(std::shared_ptr<ml::ModelRegistry> registry,
                        ml::ModelRegistry::Open(registry_dir));
  RTML_ASSIGN_OR_RETURN(std::vector<std::string> names, ModelFeatures());
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal(0, 1);
  ml::Dataset data{.feature_names = names};
  std::vector<double> row(names.size());
  for (int i = 0; i < 2'000; ++i) {
    for (double& value : row) value = normal(rng);
    data.Add(row, row[0] + 0.1 * normal(rng), i);
  }
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<ml::Model> model,
                        ml::MakeModel({.type = "ridge", .features = names}));
  RTML_RETURN_IF_ERROR(model->Fit(data, {}));
  RTML_ASSIGN_OR_RETURN(const std::string artifact, model->Save());
  return registry->Register({.name = kModel, .task = "regression"}, artifact).status();
}

// The pipeline config: candles with `emit: current`, features on the 60 s candles,
// predictions from them with the registered model.
std::string PipelineYaml(const Args& args, const std::string& registry_dir) {
  std::string features;
  for (const char* indicator : kIndicators) {
    features += (features.empty() ? "" : ", ") + std::string(indicator);
  }
  std::string yaml = "name: bench\nstages:\n";
  yaml += "  - {name: candles, kind: candles, windows: [1s, 60s, 300s], emit: current}\n";
  yaml +=
      "  - {name: features, kind: features, candle_seconds: [60], features: [" + features + "]}\n";
  yaml += "  - {name: predict, kind: predict, model: " + std::string(kModel) +
          ", version: 1, horizon: " + args.horizon +
          ", where: {candle_seconds: 60}, target: close, registry: " + registry_dir + "}\n";
  return yaml;
}

// The trades of the run, made as they are fed: per pair a random walk, contiguous ids.
class TradeMaker {
 public:
  explicit TradeMaker(int pairs) : rng_(7), step_(0, 5e-4), qty_(0.001, 1.0) {
    for (int p = 0; p < pairs; ++p) {
      pairs_.push_back({.pair = "PAIR" + std::to_string(p), .price = 100.0 * (p + 1)});
    }
  }
  // The next trade of pair `p` at event time `ts_ms` (raised to the pair's last).
  const ingest::Trade& Next(int p, int64_t ts_ms) {
    Pair& pair = pairs_[static_cast<size_t>(p)];
    pair.price *= std::exp(step_(rng_));
    pair.ts_ms = std::max(pair.ts_ms, ts_ms);
    trade_ = {.exchange = "bench",
              .pair = pair.pair,
              .trade_id = ++pair.id,
              .price = pair.price,
              .qty = qty_(rng_),
              .side = pair.id % 2 == 0 ? ingest::Side::kBuy : ingest::Side::kSell,
              .ts_ms = pair.ts_ms,
              .received_ns = WallClockNs()};
    return trade_;
  }

 private:
  struct Pair {
    std::string pair;
    double price = 0;
    int64_t id = 0;
    int64_t ts_ms = 0;
  };
  std::mt19937_64 rng_;
  std::normal_distribution<double> step_;
  std::uniform_real_distribution<double> qty_;
  std::vector<Pair> pairs_;
  ingest::Trade trade_;
};

// What the follower needs to know of each trade fed: when, which pair, which window.
struct Fed {
  int64_t arrival_ns = 0;
  int32_t pair = 0;
  int64_t window_end_ms = 0;  // of its 60 s candle
};

// Where on the path a follower reads. The trades topic holds trade k at offset k;
// the candles stage writes trade k's three candles (1 s, 60 s, 300 s) at 3k..3k+2;
// the features stage one record per 60 s candle; the predict stage one prediction
// per features record. Each output's source header names its input's offset.
enum class Hop { kTrades, kCandles, kFeatures, kPredictions };

// Reads one topic of the path as it grows; per trade, when Poll() first returned a
// record of it. For predictions also their pair and time, which Check() compares
// with the trade after the run, and each trade must have at most one.
class Follower {
 public:
  Follower(stream::Broker& broker, Hop hop, int64_t capacity)
      : broker_(broker), hop_(hop), seen_(static_cast<size_t>(capacity)) {}

  void Start() {
    thread_ = std::thread([this] { status_ = Run(); });
  }
  Status Join() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    return status_;
  }
  // Whether a record of the trade at offset `last` has been read.
  bool Reached(int64_t last) const { return newest_.load() >= last; }
  // After Join(): when a record of trade `offset` was read (0: never); for
  // predictions, having checked that it is of the trade's pair and 60 s window.
  Result<int64_t> SeenNs(int64_t offset, const Fed& fed) const {
    const Seen& seen = seen_[static_cast<size_t>(offset)];
    if (hop_ == Hop::kPredictions && seen.ns != 0 &&
        (seen.pair != fed.pair || seen.ts_ms != fed.window_end_ms)) {
      return Status::Internal("the prediction of trade " + std::to_string(offset) + " is of PAIR" +
                              std::to_string(seen.pair) + " at " + std::to_string(seen.ts_ms) +
                              ", the trade of PAIR" + std::to_string(fed.pair) + " in the window " +
                              "ending " + std::to_string(fed.window_end_ms));
    }
    return seen.ns;
  }

 private:
  struct Seen {
    int64_t ns = 0;
    int64_t ts_ms = -1;
    int32_t pair = -1;
  };

  Status Run() {
    static constexpr const char* kTopics[] = {"trades", "candles", "features", "predictions"};
    const std::string topic = kTopics[static_cast<int>(hop_)];
    RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Consumer> consumer, broker_.NewConsumer());
    RTML_RETURN_IF_ERROR(consumer->Assign({{topic, 0}}));
    while (!stop_.load()) {
      RTML_ASSIGN_OR_RETURN(const auto records, consumer->Poll(std::chrono::milliseconds(100)));
      const int64_t now_ns = MonotonicNs();
      for (const stream::ConsumedRecord& record : records) {
        int64_t offset = record.offset;
        if (hop_ != Hop::kTrades) {
          RTML_ASSIGN_OR_RETURN(offset, SourceOffset(record));
          if (hop_ == Hop::kFeatures) offset /= 3;
        }
        if (offset < 0 || offset >= static_cast<int64_t>(seen_.size())) {
          return Status::Internal(topic + " record at offset " + std::to_string(record.offset) +
                                  " is of an unknown trade " + std::to_string(offset));
        }
        Seen& seen = seen_[static_cast<size_t>(offset)];
        if (seen.ns != 0) {
          if (hop_ != Hop::kPredictions) continue;
          return Status::Internal("trade " + std::to_string(offset) + " has a second prediction");
        }
        seen.ns = now_ns;
        if (hop_ == Hop::kPredictions && (!Number(record.value, "\"pair\":\"PAIR", &seen.pair) ||
                                          !Number(record.value, "\"ts_ms\":", &seen.ts_ms))) {
          return Status::Internal("not a prediction: " + std::string(record.value));
        }
        newest_.store(std::max(newest_.load(), offset));
      }
    }
    return Status::Ok();
  }

  // The number right after `prefix` in `json`.
  template <typename T>
  static bool Number(std::string_view json, std::string_view prefix, T* value) {
    const size_t at = json.find(prefix);
    if (at == std::string_view::npos) return false;
    const char* begin = json.data() + at + prefix.size();
    return std::from_chars(begin, json.data() + json.size(), *value).ec == std::errc();
  }

  // "<stage>|0:<offset>:<index>": the input record's offset.
  static Result<int64_t> SourceOffset(const stream::ConsumedRecord& record) {
    for (const stream::HeaderView& header : record.headers) {
      if (header.key != "rtml-source") continue;
      const size_t colon = header.value.find(':');
      if (colon == std::string_view::npos) break;
      const std::string_view rest = header.value.substr(colon + 1);
      int64_t offset = -1;
      if (std::from_chars(rest.data(), rest.data() + rest.size(), offset).ec == std::errc()) {
        return offset;
      }
    }
    return Status::Internal(std::string(record.topic) + " record at offset " +
                            std::to_string(record.offset) + " has no source header");
  }

  stream::Broker& broker_;
  const Hop hop_;
  std::vector<Seen> seen_;  // by trade offset; the follower's thread writes it
  std::atomic<int64_t> newest_{-1};
  std::atomic<bool> stop_{false};
  std::thread thread_;
  Status status_;
};

// The pipeline's stage runners, each on its own thread, as `rtml pipeline run` runs
// them live.
class Stages {
 public:
  ~Stages() { (void)Stop(); }

  Status Start(stream::Broker& broker, const process::PipelineConfig& config, bool evaluation,
               int64_t checkpoint_ms) {
    for (const process::StageConfig& stage : config.stages) {
      std::vector<std::string> topics = stage.outputs();
      topics.push_back(stage.input());
      for (const std::string& topic : topics) {
        const Status created =
            broker.CreateTopic({.name = topic, .retention_ms = stream::kUnlimited});
        if (!created.ok() && created.code() != StatusCode::kAlreadyExists) return created;
      }
      process::OperatorFactory factory;
      if (const auto* predict = std::get_if<process::PredictStageOptions>(&stage.options)) {
        process::PredictStageOptions options = *predict;
        if (!evaluation) options.evaluation.clear();  // a pipeline config cannot say this
        RTML_ASSIGN_OR_RETURN(factory, serve::MakePredictStage(options));
      } else {
        factory = stage.Factory();
      }
      const std::string name = config.name + "." + stage.name;
      RTML_ASSIGN_OR_RETURN(std::unique_ptr<process::StageRunner> runner,
                            process::StageRunner::Create(
                                &broker,
                                {.name = name,
                                 .input_topic = stage.input(),
                                 .output_topics = stage.outputs(),
                                 .dead_letter_topic = stage.dlq(),
                                 .group = name,
                                 .checkpoint_interval = std::chrono::milliseconds(checkpoint_ms)},
                                std::move(factory)));
      runners_.push_back(std::move(runner));
    }
    results_.resize(runners_.size());
    for (size_t i = 0; i < runners_.size(); ++i) {
      threads_.emplace_back([this, i] {
        results_[i] = runners_[i]->Run();
        if (!results_[i].ok()) failed_.store(true);
      });
    }
    return Status::Ok();
  }

  Status Stop() {
    for (auto& runner : runners_) runner->Stop();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    for (const Status& result : results_) RTML_RETURN_IF_ERROR(result);
    return Status::Ok();
  }

  const std::vector<std::unique_ptr<process::StageRunner>>& runners() const { return runners_; }
  // A stage stopped with an error (Stop() returns it).
  bool failed() const { return failed_.load(); }

 private:
  std::vector<std::unique_ptr<process::StageRunner>> runners_;
  std::vector<std::thread> threads_;
  std::vector<Status> results_;
  std::atomic<bool> failed_{false};
};

int64_t WindowEnd60(int64_t ts_ms) { return (ts_ms / 60'000 + 1) * 60'000; }

// Feeds one trade: records what the follower checks, then hands it to the sink.
Status Feed(ingest::TradeSink& sink, TradeMaker& maker, int pair, int64_t ts_ms,
            std::vector<Fed>& fed) {
  const ingest::Trade& trade = maker.Next(pair, ts_ms);
  Fed& entry = fed.emplace_back();
  entry.pair = pair;
  entry.window_end_ms = WindowEnd60(trade.ts_ms);
  entry.arrival_ns = MonotonicNs();
  RTML_RETURN_IF_ERROR(sink.Accept(trade, "", "bench"));
  return sink.EndOfFrame();  // as a live feed does after each frame (one trade each here)
}

Status WaitFor(const Follower& follower, const Stages& stages, int64_t last, double seconds,
               const char* what) {
  const int64_t give_up = MonotonicNs() + static_cast<int64_t>(seconds * 1e9);
  while (!follower.Reached(last)) {
    if (stages.failed()) return Status::Internal("a stage failed");
    if (MonotonicNs() > give_up) {
      return Status::Internal(std::string("no prediction for the last trade of the ") + what +
                              " (offset " + std::to_string(last) + ") after " +
                              std::to_string(seconds) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Status::Ok();
}

double Percentile(const std::vector<int64_t>& sorted, double p) {
  const size_t at = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return static_cast<double>(sorted[at]) / 1e6;
}

// Prints the percentiles of `latency` (ns, one per record).
void Report(const char* what, std::vector<int64_t> latency, const Args& args,
            int64_t behind_max_ns) {
  std::sort(latency.begin(), latency.end());
  double mean = 0;
  for (const int64_t l : latency) mean += static_cast<double>(l) / 1e6;
  mean /= static_cast<double>(latency.size());
  std::printf(
      "%s: %zu records at %.0f/s (%.1f s), ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  "
      "max %.3f  mean %.3f  (feeder at most %.3f ms behind schedule)\n",
      what, latency.size(), args.rate, args.seconds, Percentile(latency, 0.5),
      Percentile(latency, 0.9), Percentile(latency, 0.99), Percentile(latency, 0.999),
      static_cast<double>(latency.back()) / 1e6, mean, static_cast<double>(behind_max_ns) / 1e6);
}

// One hop of the log alone: records of 200 bytes produced at --rate (linger
// --linger-ms, or a Flush() after each with --flush-each=1) to one topic, read by a
// follower's Poll(); per record, from Produce() to Poll() returning it.
Status RunHop(const Args& args, const std::filesystem::path& dir) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Broker> broker,
                        stream::OpenBroker("file://" + (dir / "log").string()));
  RTML_RETURN_IF_ERROR(broker->CreateTopic({.name = "hop", .retention_ms = stream::kUnlimited}));
  const int64_t count = static_cast<int64_t>(args.rate * (args.warmup + args.seconds));
  const int64_t measured_from = static_cast<int64_t>(args.rate * args.warmup);
  std::vector<int64_t> sent_ns(static_cast<size_t>(count), 0);
  std::vector<int64_t> seen_ns(static_cast<size_t>(count), 0);
  std::atomic<int64_t> read{0};
  std::atomic<bool> stop{false};
  Status followed;
  std::thread follower([&] {
    followed = [&]() -> Status {
      RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Consumer> consumer, broker->NewConsumer());
      RTML_RETURN_IF_ERROR(consumer->Assign({{"hop", 0}}));
      while (!stop.load()) {
        RTML_ASSIGN_OR_RETURN(const auto records, consumer->Poll(std::chrono::milliseconds(100)));
        const int64_t now_ns = MonotonicNs();
        for (const stream::ConsumedRecord& record : records) {
          if (record.offset >= count) return Status::Internal("an unexpected record");
          seen_ns[static_cast<size_t>(record.offset)] = now_ns;
        }
        read.fetch_add(static_cast<int64_t>(records.size()));
      }
      return Status::Ok();
    }();
  });
  Status produced = [&]() -> Status {
    RTML_ASSIGN_OR_RETURN(
        std::unique_ptr<stream::Producer> producer,
        broker->NewProducer({.linger = std::chrono::milliseconds(args.linger_ms)}));
    const std::string value(200, 'x');
    const int64_t start_ns = MonotonicNs();
    for (int64_t i = 0; i < count; ++i) {
      const int64_t due_ns =
          start_ns + static_cast<int64_t>(static_cast<double>(i) * 1e9 / args.rate);
      if (const int64_t now_ns = MonotonicNs(); now_ns < due_ns) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(due_ns - now_ns));
      }
      sent_ns[static_cast<size_t>(i)] = MonotonicNs();
      RTML_RETURN_IF_ERROR(producer->Produce("hop", {.key = "k", .value = value}));
      if (args.flush_each) RTML_RETURN_IF_ERROR(producer->Flush());
    }
    RTML_RETURN_IF_ERROR(producer->Flush());
    const int64_t give_up = MonotonicNs() + 30'000'000'000;
    while (read.load() < count && MonotonicNs() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return read.load() == count ? Status::Ok() : Status::Internal("records not read back");
  }();
  stop.store(true);
  follower.join();
  RTML_RETURN_IF_ERROR(produced);
  RTML_RETURN_IF_ERROR(followed);
  std::vector<int64_t> latency;
  for (int64_t i = measured_from; i < count; ++i) {
    latency.push_back(seen_ns[static_cast<size_t>(i)] - sent_ns[static_cast<size_t>(i)]);
  }
  Report("hop", latency, args, 0);
  return Status::Ok();
}

Status RunBench(const Args& args, const std::filesystem::path& dir) {
  const std::string registry_dir = (dir / "models").string();
  RTML_RETURN_IF_ERROR(RegisterModel(registry_dir));
  RTML_ASSIGN_OR_RETURN(const process::PipelineConfig config,
                        process::ParsePipelineConfig(PipelineYaml(args, registry_dir), "bench"));
  // The embedded default: fsync=interval (1 s).
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Broker> broker,
                        stream::OpenBroker("file://" + (dir / "log").string()));
  for (const char* topic : {"trades", "trades.dlq"}) {
    RTML_RETURN_IF_ERROR(broker->CreateTopic({.name = topic, .retention_ms = stream::kUnlimited}));
  }

  const int64_t history = int64_t{args.history_minutes} * 60 * args.pairs;
  const int64_t live = args.mode == "latency"
                           ? static_cast<int64_t>(args.rate * (args.warmup + args.seconds))
                           : args.trades;
  std::vector<Fed> fed;
  fed.reserve(static_cast<size_t>(history + live));
  Follower follower(*broker, Hop::kPredictions, history + live);
  // --trace: followers of the topics between, to see where the time goes.
  std::vector<std::unique_ptr<Follower>> tracers;
  if (args.trace) {
    for (const Hop hop : {Hop::kTrades, Hop::kCandles, Hop::kFeatures}) {
      tracers.push_back(std::make_unique<Follower>(*broker, hop, history + live));
    }
  }
  Stages stages;
  RTML_RETURN_IF_ERROR(stages.Start(*broker, config, args.evaluation, args.checkpoint_ms));
  follower.Start();
  for (auto& tracer : tracers) tracer->Start();

  RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Producer> producer,
                        broker->NewProducer({.linger = std::chrono::milliseconds(args.linger_ms)}));
  ingest::TradeSink sink(*producer);
  TradeMaker maker(args.pairs);

  // History: one trade per pair per second of event time, ending a minute ago.
  const int64_t history_start_ms = WallClockMs() - (int64_t{args.history_minutes} + 1) * 60'000;
  for (int64_t i = 0; i < history; ++i) {
    RTML_RETURN_IF_ERROR(Feed(sink, maker, static_cast<int>(i % args.pairs),
                              history_start_ms + (i / args.pairs) * 1000, fed));
  }
  RTML_RETURN_IF_ERROR(sink.Flush());
  RTML_RETURN_IF_ERROR(WaitFor(follower, stages, history - 1, 60, "history"));

  // Live: event time is the wall clock.
  const int64_t measured_from =
      history + (args.mode == "latency" ? static_cast<int64_t>(args.rate * args.warmup) : 0);
  const int64_t start_ns = MonotonicNs();
  int64_t behind_max_ns = 0;  // the feeder behind its schedule (latency mode)
  for (int64_t i = 0; i < live; ++i) {
    if (args.mode == "latency") {
      const int64_t due_ns =
          start_ns + static_cast<int64_t>(static_cast<double>(i) * 1e9 / args.rate);
      int64_t now_ns = MonotonicNs();
      if (now_ns < due_ns) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(due_ns - now_ns));
        now_ns = MonotonicNs();
      }
      if (history + i >= measured_from) behind_max_ns = std::max(behind_max_ns, now_ns - due_ns);
    }
    RTML_RETURN_IF_ERROR(Feed(sink, maker, static_cast<int>(i % args.pairs), WallClockMs(), fed));
    if (i % 1024 == 0 && stages.failed()) break;
  }
  const int64_t fed_ns = MonotonicNs();
  RTML_RETURN_IF_ERROR(sink.Flush());
  const Status drained = WaitFor(follower, stages, history + live - 1, 120, "run");
  const int64_t done_ns = MonotonicNs();
  const Status stopped = stages.Stop();
  const Status followed = follower.Join();
  for (auto& tracer : tracers) RTML_RETURN_IF_ERROR(tracer->Join());
  RTML_RETURN_IF_ERROR(followed);
  RTML_RETURN_IF_ERROR(stopped);
  RTML_RETURN_IF_ERROR(drained);

  const ingest::TradeCounters counters = sink.counters();
  if (counters.accepted != history + live || counters.rejected != 0 || counters.duplicates != 0) {
    return Status::Internal("the sink accepted " + std::to_string(counters.accepted) + " of " +
                            std::to_string(history + live) + " trades");
  }
  for (const auto& runner : stages.runners()) {
    const process::StageStats s = runner->stats();
    std::printf("  %-15s %9" PRId64 " in %9" PRId64 " out %" PRId64 " dead letters, %" PRId64
                " checkpoints\n",
                runner->options().name.c_str(), s.records_in, s.records_out, s.dead_letters,
                s.checkpoints);
    if (s.dead_letters != 0) return Status::Internal(runner->options().name + " dead-lettered");
  }

  // Every live trade has its own prediction, of its pair and window.
  std::vector<int64_t> latency;
  latency.reserve(static_cast<size_t>(live));
  for (int64_t k = history; k < history + live; ++k) {
    RTML_ASSIGN_OR_RETURN(const int64_t seen_ns, follower.SeenNs(k, fed[static_cast<size_t>(k)]));
    if (seen_ns == 0) return Status::Internal("trade " + std::to_string(k) + " has no prediction");
    if (k >= measured_from) latency.push_back(seen_ns - fed[static_cast<size_t>(k)].arrival_ns);
  }
  const int64_t measured = history + live - measured_from;
  if (args.mode == "throughput") {
    const double seconds = static_cast<double>(done_ns - start_ns) / 1e9;
    std::printf("throughput: %" PRId64
                " trades in %.3f s (fed in %.3f s): %.0f trades/s end to end\n",
                measured, seconds, static_cast<double>(fed_ns - start_ns) / 1e9,
                static_cast<double>(measured) / seconds);
    return Status::Ok();
  }
  Report("latency", latency, args, behind_max_ns);
  // Per topic: from the trade to a record of it read there.
  static constexpr const char* kTraced[] = {"trades", "candles", "features"};
  for (size_t t = 0; t < tracers.size(); ++t) {
    std::vector<int64_t> reached;
    for (int64_t k = measured_from; k < history + live; ++k) {
      RTML_ASSIGN_OR_RETURN(const int64_t seen_ns,
                            tracers[t]->SeenNs(k, fed[static_cast<size_t>(k)]));
      if (seen_ns != 0) reached.push_back(seen_ns - fed[static_cast<size_t>(k)].arrival_ns);
    }
    Report((std::string("  read in ") + kTraced[t]).c_str(), reached, args, 0);
  }
  return Status::Ok();
}

}  // namespace
}  // namespace rtml::bench

int main(int argc, char** argv) {
  rtml::bench::Args args;
  if (!rtml::bench::ParseArgs(argc, argv, &args)) {
    std::fprintf(stderr,
                 "usage: rtml_e2e_latency_bench [--mode=latency|throughput|hop] [--rate=10000] "
                 "[--seconds=10] [--warmup=2] [--trades=300000] [--pairs=8] [--history=50 "
                 "(minutes, >= 45)] [--horizon=5m] [--evaluation=1] [--cpu=N] [--linger-ms=5] "
                 "[--trace=0] [--flush-each=0] [--checkpoint-ms=1000]\n");
    return 2;
  }
  if (args.cpu >= 0) {  // before any thread starts: they all inherit it
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(args.cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0) {
      std::fprintf(stderr, "rtml_e2e_latency_bench: cannot pin to CPU %d\n", args.cpu);
      return 1;
    }
  }
  char dir_template[] = "/tmp/rtml-e2e-bench-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) {
    std::fprintf(stderr, "rtml_e2e_latency_bench: cannot make a temporary directory\n");
    return 1;
  }
  std::printf("rtml_e2e_latency_bench: mode %s, %d pairs, file:// log in %s%s\n", args.mode.c_str(),
              args.pairs, dir,
              args.cpu >= 0 ? (", pinned to CPU " + std::to_string(args.cpu)).c_str() : "");
  const rtml::Status status =
      args.mode == "hop" ? rtml::bench::RunHop(args, dir) : rtml::bench::RunBench(args, dir);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (!status.ok()) {
    std::fprintf(stderr, "rtml_e2e_latency_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
