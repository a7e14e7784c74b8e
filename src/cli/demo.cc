// rtml demo: the whole loop in one process on the embedded default - a local
// exchange (synthetic market or a capture replay), its history backfilled over
// REST, live trades over the real websocket path, candles, indicators, the feature
// store, a model per pair trained against the baseline and retrained on schedule,
// live predictions judged as their time comes, a status screen and REST.
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "broker_flags.h"
#include "command.h"
#include "demo_screen.h"
#include "demo_setup.h"
#include "ensure_topic.h"
#include "pipeline_rest.h"
#include "pipeline_runtime.h"
#include "registry_flags.h"
#include "rtml/core/clock.h"
#include "rtml/core/duration.h"
#include "rtml/core/timestamp.h"
#include "rtml/ingest/kraken_backfill.h"
#include "rtml/ingest/live_feed.h"
#include "rtml/ingest/sim/exchange_simulator.h"
#include "rtml/ingest/trade_sink.h"
#include "stop_signal.h"
#include "store_flags.h"
#include "stored_trades.h"
#include "training_scheduler.h"

namespace rtml::cli {
namespace {

using std::chrono::milliseconds;

// The synthetic market leans on its recent moves a little (see SyntheticMarket's
// momentum), so that a model has something to learn in a few minutes of data; a
// pure random walk leaves nothing to beat "it stays".
constexpr double kDemoMomentum = 0.05;
// Feature rows the store must hold before the first training run, per pair.
constexpr int64_t kRowsBeforeTraining = 600;

void DefineFlags(FlagSet& flags) {
  flags.Value("data", "DIR",
              "the demo's data directory; a rerun resumes from it (default rtml-demo)");
  flags.Value("duration", "SECONDS",
              "run this long, then stop and print a summary (default: until Ctrl-C)");
  flags.Bool("fast", "replay the captures as fast as they can be read (with --replay)");
  flags.Repeated("replay", "FILE",
                 "replay these Binance captures (gzip or plain) instead of the synthetic market; "
                 "repeat it or list more files after it");
  flags.Value("pairs", "LIST",
              "pairs: Kraken v2 symbols for the synthetic market (default "
              "BTC/USD,ETH/USD,SOL/USD), Binance symbols with --replay (default BTCUSDT)");
  flags.Value("seed", "S", "seed of the synthetic market (default 1)");
  flags.Value("rate", "TRADES_PER_S", "mean trades per second over all pairs (default 30)");
  flags.Value("history", "DURATION", "history backfilled on the first run (default 30m)");
  flags.Value("retrain-every", "DURATION", "how often each model is retrained (default 2m)");
  flags.Value("port", "N", "REST port on 127.0.0.1 (default 8080; 0: any free port, printed)");
}

struct DemoArgs {
  DemoLayout layout;
  int64_t duration_s = 0;
  bool fast = false;
  std::vector<std::string> replay;
  std::vector<std::string> pairs;
  uint64_t seed = 1;
  double rate = 30;
  int64_t history_ms = 30 * 60'000;
  int64_t retrain_every_ms = 2 * 60'000;
  uint16_t port = 8080;
};

Result<DemoArgs> ArgsFromFlags(const ParsedFlags& flags) {
  DemoArgs args;
  args.layout.dir = std::string(flags.Get("data").value_or("rtml-demo"));
  RTML_ASSIGN_OR_RETURN(args.duration_s, flags.GetInt("duration", 0, 1, 365LL * 86'400));
  for (std::string_view file : flags.GetAll("replay")) args.replay.emplace_back(file);
  for (const std::string& file : flags.positional()) {
    if (args.replay.empty()) {
      return Status::InvalidArgument("unexpected argument '" + file +
                                     "' (capture files follow --replay)");
    }
    args.replay.push_back(file);
  }
  args.fast = flags.Has("fast");
  if (args.fast && args.replay.empty()) {
    return Status::InvalidArgument(
        "--fast applies to --replay (the simulator's history is always backfilled at full "
        "speed)");
  }
  args.pairs = SplitCommaList(
      flags.Get("pairs").value_or(args.replay.empty() ? "BTC/USD,ETH/USD,SOL/USD" : "BTCUSDT"));
  if (args.pairs.empty()) return Status::InvalidArgument("--pairs: no pairs");
  RTML_ASSIGN_OR_RETURN(const int64_t seed, flags.GetInt("seed", 1, 0, INT64_MAX));
  args.seed = static_cast<uint64_t>(seed);
  RTML_ASSIGN_OR_RETURN(const int64_t rate, flags.GetInt("rate", 30, 1, 100'000));
  args.rate = static_cast<double>(rate);
  if (auto history = flags.Get("history")) {
    RTML_ASSIGN_OR_RETURN(args.history_ms, ParseDurationMs(*history));
    if (args.history_ms < 60'000) return Status::InvalidArgument("--history: at least 1m");
  }
  if (auto every = flags.Get("retrain-every")) {
    RTML_ASSIGN_OR_RETURN(args.retrain_every_ms, ParseDurationMs(*every));
    if (args.retrain_every_ms < 1000)
      return Status::InvalidArgument("--retrain-every: at least 1s");
  }
  RTML_ASSIGN_OR_RETURN(const int64_t port, flags.GetInt("port", 8080, 0, 65535));
  args.port = static_cast<uint16_t>(port);
  return args;
}

// The demo runs the same code as the commands (pipeline run, train), on flags that
// name its data directory.
Result<ParsedFlags> PlaceFlags(const DemoLayout& layout) {
  FlagSet set;
  AddBrokerFlags(set);
  AddStoreFlags(set);
  AddRegistryFlags(set);
  set.Bool("quiet", "");
  const std::vector<std::string> args = {
      "--broker",   "file://" + layout.Log(), "--store", layout.Store(),
      "--registry", layout.Registry(),        "--quiet"};
  return set.Parse(args);
}

// Events for the screen and the log: the newest few, each stamped.
class EventLog {
 public:
  explicit EventLog(bool echo) : echo_(echo) {}
  void Add(const std::string& event) {
    const std::string line = FormatIso8601Ms(WallClockMs()).substr(11, 8) + " " + event;
    if (echo_) std::fprintf(stderr, "%s\n", line.c_str());
    std::lock_guard lock(mu_);
    events_.push_back(line);
    if (events_.size() > 8) events_.pop_front();
  }
  std::deque<std::string> Recent() const {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  const bool echo_;
  mutable std::mutex mu_;
  std::deque<std::string> events_;
};

// The market's settings: a synthetic market going on from the stored trades, or a
// replay. `history_ms` is set to the history the simulator holds at start.
ingest::sim::ExchangeSimulatorOptions SimulatorOptions(
    const DemoArgs& args, const std::map<std::string, StoredTrade>& stored, int64_t* history_ms) {
  ingest::sim::ExchangeSimulatorOptions options;
  if (!args.replay.empty()) {
    options.replay_files = args.replay;
    options.replay_speed = args.fast ? 0 : 1;
    *history_ms = 0;
    return options;
  }
  options.market.pairs = args.pairs;
  options.market.trades_per_second = args.rate;
  options.market.momentum = kDemoMomentum;
  int64_t newest_ms = 0;
  for (const std::string& pair : args.pairs) {
    const auto it = stored.find(pair);
    if (it == stored.end()) continue;
    options.market.starts[pair] = {.price = it->second.price,
                                   .next_trade_id = it->second.trade_id + 1};
    newest_ms = std::max(newest_ms, it->second.ts_ms);
  }
  // A rerun's market starts where the stored one ended (at most --history ago).
  *history_ms = newest_ms > 0
                    ? std::clamp<int64_t>(WallClockMs() - newest_ms, 1000, args.history_ms)
                    : args.history_ms;
  options.history = milliseconds(*history_ms);
  options.market.seed = args.seed + static_cast<uint64_t>(newest_ms);  // new moves each run
  return options;
}

// The feed adds /stream?streams=... to a Binance base URL.
std::string BinanceBaseUrl(const ingest::sim::ExchangeSimulator& sim) {
  std::string url = sim.BinanceStreamUrl();
  if (url.ends_with("/stream")) url.resize(url.size() - std::string_view("/stream").size());
  return url;
}

// The simulator's history of every pair over Kraken REST, into the trades topic.
Status Backfill(stream::Broker& broker, const ingest::sim::ExchangeSimulator& sim,
                const DemoArgs& args, int64_t since_ms, int64_t* written, EventLog& events,
                const std::atomic<bool>& stop) {
  for (const std::string& pair : args.pairs) {
    ingest::KrakenBackfillOptions options;
    options.url = sim.KrakenRestUrl();
    options.symbol = pair;
    options.since_ms = since_ms;
    options.request_interval = milliseconds(0);  // a local simulator: no rate limit to respect
    RTML_ASSIGN_OR_RETURN(std::unique_ptr<ingest::KrakenBackfill> backfill,
                          ingest::KrakenBackfill::Create(options, &broker));
    RTML_RETURN_IF_ERROR(EnsureTopic(broker, backfill->options().checkpoint_topic, 1));
    std::atomic<bool> done{false};
    std::thread watcher([&] {  // Ctrl-C or --duration during the backfill
      while (!done.load() && !stop.load()) std::this_thread::sleep_for(milliseconds(20));
      backfill->Stop();
    });
    const Status ran = backfill->Run();
    done.store(true);
    watcher.join();
    const ingest::KrakenBackfillProgress progress = backfill->progress();
    RTML_RETURN_IF_ERROR(ran.WithContext("backfill of " + pair));
    *written += progress.written;
    events.Add("backfilled " + pair + ": " + std::to_string(progress.written) + " trades over " +
               std::to_string(progress.pages) + " REST pages");
  }
  return Status::Ok();
}

std::string SummaryOf(const DemoSnapshot& snapshot) {
  std::string text = "\n" + RenderDemoLine(snapshot) + "\n";
  for (const serve::LatestPrediction& latest : snapshot.latest) {
    char line[256];
    std::snprintf(line, sizeof line, "  %s: %" PRId64 " predictions, latest by %s %s: %.8g\n",
                  latest.pair.c_str(), latest.received, latest.model.c_str(),
                  latest.model_version == 0 ? "(baseline)"
                                            : ("v" + std::to_string(latest.model_version)).c_str(),
                  latest.prediction);
    text += line;
  }
  for (const serve::LiveErrorRow& row : snapshot.live_errors) {
    char line[256];
    std::snprintf(
        line, sizeof line,
        "  live error %s %s: MAE %.6g vs baseline %.6g (%.3fx) over %" PRId64
        " judged predictions\n",
        row.model.c_str(),
        row.model_version == 0 ? "baseline" : ("v" + std::to_string(row.model_version)).c_str(),
        row.mae, row.baseline_mae, row.baseline_mae > 0 ? row.mae / row.baseline_mae : 0.0,
        row.predictions);
    text += line;
  }
  return text;
}

ExitStatus Run(const Invocation& invocation) {
  Result<DemoArgs> parsed = ArgsFromFlags(invocation.flags);
  if (!parsed.ok()) return ExitStatus::Usage(parsed.status().message());
  const DemoArgs& args = *parsed;
  const bool screen = isatty(STDOUT_FILENO) == 1;
  EventLog events(/*echo=*/!screen);
  std::error_code made;
  std::filesystem::create_directories(args.layout.dir, made);
  if (made) {
    return ExitStatus::Failure(
        Status::IOError("cannot create " + args.layout.dir + ": " + made.message()));
  }
  Result<ParsedFlags> places = PlaceFlags(args.layout);
  if (!places.ok()) return ExitStatus::Failure(places.status());
  Result<bool> wrote = WriteDemoConfigs(
      args.layout, {.pairs = args.pairs, .retrain_every_ms = args.retrain_every_ms});
  if (!wrote.ok()) return ExitStatus::Failure(wrote.status());
  Result<process::PipelineConfig> config =
      process::LoadPipelineConfig(args.layout.PipelineConfig());
  if (!config.ok()) return ExitStatus::Failure(config.status());
  Result<std::unique_ptr<stream::Broker>> opened = OpenBrokerFromFlags(*places);
  if (!opened.ok()) return ExitStatus::Failure(opened.status());
  stream::Broker& broker = **opened;
  const ingest::TradeSinkOptions sink_options;
  for (const std::string& topic : {sink_options.topic, sink_options.dlq_topic}) {
    if (Status ensured = EnsureTopic(broker, topic, 1); !ensured.ok()) {
      return ExitStatus::Failure(ensured);
    }
  }
  Result<std::map<std::string, StoredTrade>> stored =
      NewestStoredTrades(broker, sink_options.topic, args.pairs);
  if (!stored.ok()) return ExitStatus::Failure(stored.status());
  const bool resuming = !stored->empty();
  events.Add(std::string(*wrote ? "wrote " : "kept ") + args.layout.PipelineConfig() +
             " and train/*.yaml" + (resuming ? "; resuming from the stored trades" : ""));

  // The exchange.
  int64_t history_ms = 0;
  const int64_t started_ms = WallClockMs();
  Result<std::unique_ptr<ingest::sim::ExchangeSimulator>> sim =
      ingest::sim::ExchangeSimulator::Start(SimulatorOptions(args, *stored, &history_ms));
  if (!sim.ok()) return ExitStatus::FromInputStatus(sim.status());
  const std::string source =
      args.replay.empty()
          ? "synthetic market (seed " + std::to_string(args.seed) + ", " +
                std::to_string(static_cast<int64_t>(args.rate)) + " trades/s, momentum), " +
                std::to_string(args.pairs.size()) + " pairs, Kraken websocket " +
                (*sim)->KrakenWebSocketUrl()
          : "replay of " + std::to_string(args.replay.size()) + " Binance capture(s)" +
                (args.fast ? " at full speed" : "") + ", " + (*sim)->BinanceStreamUrl();

  InstallStopHandlers();
  std::atomic<bool> stop{false};
  const auto should_stop = [&] {
    return StopRequested() ||
           (args.duration_s > 0 && WallClockMs() - started_ms >= args.duration_s * 1000);
  };
  std::fprintf(stderr, "rtml demo: data in %s, %s (Ctrl-C to stop)\n", args.layout.dir.c_str(),
               source.c_str());

  // History first, so the stages see trades in time order; then the live feed,
  // told which trades the backfill stored so its first snapshot adds none twice.
  int64_t backfilled = 0;
  if (args.replay.empty()) {
    std::thread stopper([&] {
      while (!stop.load() && !should_stop()) std::this_thread::sleep_for(milliseconds(50));
      stop.store(true);
    });
    events.Add("backfilling " + FormatLag(history_ms) + " of history over REST");
    const Status backfill =
        Backfill(broker, **sim, args, started_ms - history_ms, &backfilled, events, stop);
    const bool interrupted = stop.exchange(true);
    stopper.join();
    stop.store(false);
    if (!backfill.ok()) return ExitStatus::Failure(backfill);
    if (interrupted) {
      std::fprintf(stderr, "rtml demo: stopped during the backfill; a rerun goes on\n");
      return ExitStatus::Ok();
    }
  }
  Result<std::unique_ptr<stream::Producer>> producer = broker.NewProducer();
  if (!producer.ok()) return ExitStatus::Failure(producer.status());
  ingest::TradeSinkOptions live_sink_options;
  if (!args.replay.empty()) live_sink_options.validator.max_age_ms = INT64_MAX / 2;  // old captures
  ingest::TradeSink sink(**producer, live_sink_options);
  if (Result<size_t> skipped = SkipStoredTrades(broker, sink, args.pairs); !skipped.ok()) {
    return ExitStatus::Failure(skipped.status());
  }
  ingest::LiveFeedOptions feed_options{
      .exchange = args.replay.empty() ? ingest::Exchange::kKraken : ingest::Exchange::kBinance,
      .url = args.replay.empty() ? (*sim)->KrakenWebSocketUrl() : BinanceBaseUrl(**sim),
      .pairs = args.pairs};
  Result<std::unique_ptr<ingest::LiveFeed>> feed = ingest::LiveFeed::Create(feed_options, &sink);
  if (!feed.ok()) return ExitStatus::Failure(feed.status());

  // The pipeline, its retraining, and what is served about it.
  Result<std::unique_ptr<PipelineRuntime>> runtime =
      PipelineRuntime::Create(*config, &broker, *places, {});
  if (!runtime.ok()) return ExitStatus::Failure(runtime.status());
  PipelineRuntime& pipeline = **runtime;
  TrainingScheduler training(config->training, *places,
                             [&](const TrainingReport& report) { events.Add(report.Line()); });
  bool training_started = false;
  int64_t store_checkpoints_at_enough = -1;
  Result<std::unique_ptr<features::FeatureStore>> rest_store =
      OpenStore(StoreUrisFromFlags(*places));
  if (!rest_store.ok()) return ExitStatus::Failure(rest_store.status());
  Result<std::unique_ptr<PipelineRest>> rest =
      PipelineRest::Start(broker, pipeline, {.port = args.port, .store = rest_store->get()});
  if (!rest.ok()) {
    return ExitStatus::Failure(rest.status().WithContext("choose another port with --port"));
  }
  const serve::PredictionBoard& board = (*rest)->board();
  const std::string rest_url = (*rest)->BaseUrl();
  std::fprintf(stderr, "rtml demo: REST %s/predictions?pair=%s\n", rest_url.c_str(),
               args.pairs.front().c_str());

  Status feed_status, pipeline_status;
  std::thread feed_thread([&] { feed_status = (*feed)->Run(); });
  std::thread pipeline_thread([&] { pipeline_status = pipeline.Run(); });

  // The screen, until Ctrl-C, --duration, or a part failing.
  int64_t last_draw_ns = 0;
  int64_t last_trades = 0;
  int64_t last_rate_ns = MonotonicNs();
  double trades_per_second = 0;
  const auto snapshot = [&] {
    DemoSnapshot s;
    s.source = source;
    s.rest_url = rest_url;
    s.data_dir = args.layout.dir;
    s.seconds = static_cast<double>(WallClockMs() - started_ms) / 1e3;
    s.duration_s = args.duration_s;
    const ingest::TradeCounters counters = sink.counters();
    s.trades = counters.accepted;
    s.rejected = counters.rejected;
    s.backfilled = backfilled;
    s.trades_per_second = trades_per_second;
    s.stages = pipeline.Stats();
    s.latest = board.Latest();
    s.live_errors = board.LiveErrors();
    if (!training_started) {
      s.training = "first run once " + std::to_string(kRowsBeforeTraining) +
                   " feature rows per pair are stored";
    } else {
      const std::vector<int64_t> next = training.NextRuns();
      const int64_t soonest = next.empty() ? 0 : *std::min_element(next.begin(), next.end());
      s.training = "every " + FormatLag(args.retrain_every_ms) + ", next in " +
                   FormatLag(std::max<int64_t>(0, soonest - WallClockMs())) +
                   " (a version serves only if it beats the baseline)";
    }
    s.events = events.Recent();
    return s;
  };
  while (!should_stop() && pipeline_status.ok() && feed_status.ok()) {
    std::this_thread::sleep_for(milliseconds(100));
    const int64_t now_ns = MonotonicNs();
    if (now_ns - last_rate_ns >= 1'000'000'000) {
      const int64_t trades = sink.counters().accepted;
      trades_per_second = static_cast<double>(trades - last_trades) * 1e9 /
                          static_cast<double>(now_ns - last_rate_ns);
      last_trades = trades;
      last_rate_ns = now_ns;
      (*rest)->SampleRates();
    }
    if (!training_started) {
      // Enough rows taken in, and a checkpoint since (when the store has them all).
      for (const NamedStageStats& stage : pipeline.Stats()) {
        if (!stage.name.ends_with(".store")) continue;
        const bool enough =
            resuming ||
            stage.stats.records_in >= kRowsBeforeTraining * static_cast<int64_t>(args.pairs.size());
        if (enough && store_checkpoints_at_enough < 0) {
          store_checkpoints_at_enough = stage.stats.checkpoints;
        } else if (enough && stage.stats.checkpoints > store_checkpoints_at_enough) {
          training.Start();
          training_started = true;
          events.Add("training started: a model per pair, every " +
                     FormatLag(args.retrain_every_ms));
        }
      }
    }
    const int64_t every_ns = screen ? 1'000'000'000LL : 10'000'000'000LL;
    if (now_ns - last_draw_ns >= every_ns) {
      last_draw_ns = now_ns;
      const DemoSnapshot s = snapshot();
      if (screen) {
        std::fputs(RenderDemoScreen(s).c_str(), stdout);
        std::fflush(stdout);
      } else {
        std::fprintf(stderr, "%s\n", RenderDemoLine(s).c_str());
      }
    }
  }

  // Stop the source first, so every trade it wrote goes through the stages.
  (*feed)->Stop();
  feed_thread.join();
  const Status flushed = sink.Flush();
  std::this_thread::sleep_for(milliseconds(500));  // the stages catch up with the last trades
  pipeline.Stop();
  pipeline_thread.join();
  training.Stop();
  const Status follow_status = (*rest)->Stop();
  (*sim)->Stop();
  std::fputs(SummaryOf(snapshot()).c_str(), stdout);
  std::printf("data kept in %s: run again to resume; see %s\n", args.layout.dir.c_str(),
              args.layout.PipelineConfig().c_str());
  for (const Status& status : {feed_status, flushed, pipeline_status, follow_status}) {
    if (!status.ok()) return ExitStatus::Failure(status);
  }
  return ExitStatus::Ok();
}

constexpr Command kCommand{
    .name = "demo",
    .summary = "Run the whole loop on this machine: exchange, pipeline, models, live predictions",
    .usage = "rtml demo [--data DIR] [--duration SECONDS] [--replay FILE... [--fast]] [flags]",
    .description =
        "One process, the embedded default, no servers. Starts a local exchange (a seeded\n"
        "synthetic market, or a replay of Binance captures), backfills its history over\n"
        "Kraken REST, ingests live trades over the websocket, builds 1 s candles and\n"
        "indicators, keeps them in the feature store, and predicts each pair's close 10 s\n"
        "ahead. Until a model beats the baseline (\"the close stays\") the baseline serves;\n"
        "a model per pair is trained once enough features are stored and retrained every\n"
        "--retrain-every, promoted only through the baseline gate. Each prediction is\n"
        "judged when its time comes, next to the baseline's. A screen shows it all (a line\n"
        "every 10 s when stdout is not a terminal); REST serves /predictions?pair=P,\n"
        "/features/market/KEY, /metrics and /health on 127.0.0.1.\n"
        "\n"
        "Everything lives in --data (the log, the feature store, the registry, and the\n"
        "pipeline.yaml and train/*.yaml it writes on the first run, which you may edit);\n"
        "Ctrl-C stops cleanly and a rerun resumes: the market goes on from the stored\n"
        "trades and every stage from its checkpoint.",
    .example =
        "rtml demo\n"
        "rtml demo --duration 120 --data /tmp/demo\n"
        "rtml demo --replay ../shared/data/binance/spot_btcusdt_20240808.gz --fast",
    .define_flags = DefineFlags,
    .run = Run,
};

}  // namespace

const Command& DemoCommand() { return kCommand; }

}  // namespace rtml::cli
