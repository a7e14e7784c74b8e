// rtml pipeline run: the stages of a pipeline config between topics, with
// checkpoints, so a killed pipeline resumes with nothing lost or written twice.
#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "broker_flags.h"
#include "command.h"
#include "ensure_topic.h"
#include "registry_flags.h"
#include "rtml/core/clock.h"
#include "rtml/core/duration.h"
#include "rtml/features/store_sink.h"
#include "rtml/process/pipeline_config.h"
#include "rtml/process/stage_runner.h"
#include "rtml/serve/predict_operator.h"
#include "run_with_status.h"
#include "stop_signal.h"
#include "store_flags.h"

namespace rtml::cli {
namespace {

void DefineRunFlags(FlagSet& flags) {
  flags.Value("stage", "NAME",
              "run only this stage (one process per stage, e.g. on Kubernetes); default: all, "
              "each on a thread");
  flags.Bool("until-end",
             "bounded run: process what the input holds now, close the last windows, and "
             "exit (stages in order, each after the one before); default: run until Ctrl-C");
  flags.Value("create-partitions", "N", "partitions of a topic that must be created (default 1)");
  flags.Value("checkpoint-interval", "DURATION", "how often state is checkpointed (default 1s)");
  AddBrokerFlags(flags);
  AddStoreFlags(flags);
  AddRegistryFlags(flags);
}

struct RunArgs {
  process::PipelineConfig config;
  std::vector<const process::StageConfig*> stages;
  bool until_end = false;
  int32_t partitions = 1;
  int64_t checkpoint_interval_ms = 1000;
};

Result<RunArgs> ArgsFromFlags(const ParsedFlags& flags) {
  RTML_RETURN_IF_ERROR(flags.ExpectPositional(1, "the pipeline config (YAML)"));
  RunArgs args;
  RTML_ASSIGN_OR_RETURN(args.config, process::LoadPipelineConfig(flags.positional()[0]));
  const std::string only(flags.Get("stage").value_or(""));
  for (const process::StageConfig& stage : args.config.stages) {
    if (only.empty() || stage.name == only) args.stages.push_back(&stage);
  }
  if (args.stages.empty()) {
    std::string names;
    for (const auto& stage : args.config.stages) names += (names.empty() ? "" : ", ") + stage.name;
    return Status::InvalidArgument("no stage '" + only + "' in the pipeline (it has " + names +
                                   ")");
  }
  args.until_end = flags.Has("until-end");
  RTML_ASSIGN_OR_RETURN(const int64_t partitions, flags.GetInt("create-partitions", 1, 1, 100000));
  args.partitions = static_cast<int32_t>(partitions);
  if (auto interval = flags.Get("checkpoint-interval")) {
    RTML_ASSIGN_OR_RETURN(args.checkpoint_interval_ms, ParseDurationMs(*interval));
  }
  return args;
}

// A lag for people: "350ms", "4.2s", "17m", "5h", "412d".
std::string FormatLag(int64_t ms) {
  char text[32];
  if (ms < 1'000) {
    std::snprintf(text, sizeof(text), "%" PRId64 "ms", ms);
  } else if (ms < 120'000) {
    std::snprintf(text, sizeof(text), "%.1fs", static_cast<double>(ms) / 1e3);
  } else if (ms < 2 * 3'600'000) {
    std::snprintf(text, sizeof(text), "%" PRId64 "m", ms / 60'000);
  } else if (ms < 2 * 86'400'000) {
    std::snprintf(text, sizeof(text), "%" PRId64 "h", ms / 3'600'000);
  } else {
    std::snprintf(text, sizeof(text), "%" PRId64 "d", ms / 86'400'000);
  }
  return text;
}

// "candles 5120 in/s 40 out 2 dlq lag 1.2s | features ...": per stage, input
// records/s, outputs, dead letters, and how far event time is behind the clock.
std::string StatusText(const std::vector<std::unique_ptr<process::StageRunner>>& runners,
                       std::vector<StatusLine>& rates) {
  std::string text;
  const int64_t now_ms = WallClockMs();
  for (size_t i = 0; i < runners.size(); ++i) {
    const process::StageStats s = runners[i]->stats();
    char part[200];
    std::snprintf(part, sizeof(part), "%s%s %.0f in/s %" PRId64 " out %" PRId64 " dlq lag %s",
                  i == 0 ? "" : " | ", runners[i]->options().name.c_str(),
                  rates[i].Rate(s.records_in), s.records_out, s.dead_letters,
                  s.newest_input_ms > 0
                      ? FormatLag(std::max<int64_t>(0, now_ms - s.newest_input_ms)).c_str()
                      : "-");
    text += part;
  }
  return text;
}

// A store stage's operators write to the store it opens and registers its group in.
Result<process::OperatorFactory> StoreStageFactory(
    const ParsedFlags& flags, const process::StoreStageOptions& stage,
    std::vector<std::unique_ptr<features::FeatureStore>>& stores,
    const std::atomic<bool>* stopping) {
  const StoreUris uris = StoreUrisFromFlags(flags, stage.offline_uri, stage.online_uri);
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<features::FeatureStore> store, OpenStore(uris));
  RTML_RETURN_IF_ERROR(store->RegisterGroup(stage.group).status());
  features::FeatureStore* const opened = stores.emplace_back(std::move(store)).get();
  const features::StoreSinkOptions options{
      .input = stage.input, .dlq = stage.dlq, .group = stage.group, .stop = stopping};
  return process::OperatorFactory(
      [opened, options](int32_t) -> Result<std::unique_ptr<process::PartitionOperator>> {
        return features::MakeStoreSinkOperator(opened, options);
      });
}

// A predict stage's operators share one model slot of the registry it opens.
Result<process::OperatorFactory> PredictStageFactory(const ParsedFlags& flags,
                                                     const process::PredictStageOptions& stage) {
  const std::string dir = stage.registry.empty() ? RegistryDirFromFlags(flags) : stage.registry;
  RTML_ASSIGN_OR_RETURN(std::shared_ptr<ml::ModelRegistry> registry, ml::ModelRegistry::Open(dir));
  serve::ModelSlotOptions slot_options{.name = stage.model,
                                       .alias = stage.alias,
                                       .baseline = {.type = "last_value",
                                                    .features = {stage.target},
                                                    .text_params = {{"feature", stage.target}}}};
  if (stage.version > 0) slot_options.pinned = stage.version;
  RTML_ASSIGN_OR_RETURN(std::shared_ptr<serve::ModelSlot> slot,
                        serve::ModelSlot::Make(std::move(registry), std::move(slot_options)));
  const serve::PredictOptions options{.slot = std::move(slot),
                                      .output_topic = stage.output,
                                      .dead_letter_topic = stage.dlq,
                                      .evaluation_topic = stage.evaluation,
                                      .actual_feature = stage.target,
                                      .where = stage.where,
                                      .horizon_ms = stage.horizon_ms};
  return process::OperatorFactory(
      [options](int32_t) { return serve::MakePredictOperator(options); });
}

ExitStatus Run(const Invocation& invocation) {
  Result<RunArgs> args = ArgsFromFlags(invocation.flags);
  if (!args.ok()) return ExitStatus::FromInputStatus(args.status());
  Result<std::unique_ptr<stream::Broker>> broker = OpenBrokerFromFlags(invocation.flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());

  std::vector<std::unique_ptr<features::FeatureStore>> stores;  // of the store stages
  std::vector<std::unique_ptr<process::StageRunner>> runners;   // (which use them)
  std::atomic<bool> stopping{false};  // ends a store stage's retries of a server
  for (const process::StageConfig* stage : args->stages) {
    std::vector<std::string> topics = stage->outputs();
    topics.push_back(stage->input());
    for (const std::string& topic : topics) {
      const Status ensured = EnsureTopic(**broker, topic, args->partitions);
      if (!ensured.ok()) return ExitStatus::Failure(ensured.WithContext("topic " + topic));
    }
    const std::string name = args->config.name + "." + stage->name;
    process::OperatorFactory factory;
    if (const auto* store_stage = std::get_if<process::StoreStageOptions>(&stage->options)) {
      Result<process::OperatorFactory> made =
          StoreStageFactory(invocation.flags, *store_stage, stores, &stopping);
      if (!made.ok()) return ExitStatus::Failure(made.status().WithContext("stage " + stage->name));
      factory = std::move(*made);
    } else if (const auto* predict = std::get_if<process::PredictStageOptions>(&stage->options)) {
      Result<process::OperatorFactory> made = PredictStageFactory(invocation.flags, *predict);
      if (!made.ok()) return ExitStatus::Failure(made.status().WithContext("stage " + stage->name));
      factory = std::move(*made);
    } else {
      factory = stage->Factory();
    }
    Result<std::unique_ptr<process::StageRunner>> runner = process::StageRunner::Create(
        broker->get(),
        {.name = name,
         .input_topic = stage->input(),
         .output_topics = stage->outputs(),
         .dead_letter_topic = stage->dlq(),
         .group = args->until_end ? "" : name,
         .checkpoint_interval = std::chrono::milliseconds(args->checkpoint_interval_ms),
         .stop_at_end = args->until_end},
        std::move(factory));
    if (!runner.ok()) return ExitStatus::Failure(runner.status());
    runners.push_back(std::move(runner).value());
  }

  std::vector<StatusLine> rates(runners.size());  // one input rate per stage
  InstallStopHandlers();
  std::fprintf(stderr, "rtml pipeline: %s, %zu stage%s (Ctrl-C to stop; a rerun resumes)\n",
               args->config.name.c_str(), runners.size(), runners.size() == 1 ? "" : "s");
  const Status status = RunWithStatus({
      .run = [&]() -> Status {
        if (args->until_end) {  // in order: each stage reads what the one before wrote
          for (auto& runner : runners) RTML_RETURN_IF_ERROR(runner->Run());
          return Status::Ok();
        }
        std::vector<Status> results(runners.size());
        std::vector<std::thread> threads;
        for (size_t i = 0; i < runners.size(); ++i) {
          threads.emplace_back([&, i] {
            results[i] = runners[i]->Run();
            // One stage failing stops the others: a half-running pipeline only lags.
            if (!results[i].ok()) {
              for (auto& other : runners) other->Stop();
            }
          });
        }
        for (std::thread& thread : threads) thread.join();
        for (const Status& result : results) RTML_RETURN_IF_ERROR(result);
        return Status::Ok();
      },
      .stop =
          [&] {
            stopping.store(true);
            for (auto& runner : runners) runner->Stop();
          },
      .status = [&](StatusLine&) { return StatusText(runners, rates); },
  });
  for (const auto& runner : runners) {
    const process::StageStats s = runner->stats();
    std::fprintf(stderr,
                 "%s: %" PRId64 " records in, %" PRId64 " out (%" PRId64 " dead letters, %" PRId64
                 " replayed outputs not written again), %d partition%s restored from "
                 "checkpoints\n",
                 runner->options().name.c_str(), s.records_in, s.records_out, s.dead_letters,
                 s.replays_skipped, static_cast<int>(s.restored), s.restored == 1 ? "" : "s");
  }
  if (!status.ok()) return ExitStatus::Failure(status);
  return ExitStatus::Ok();
}

constexpr Command kSubcommands[] = {
    {.name = "run",
     .summary = "Run a pipeline's stages between topics",
     .usage = "rtml pipeline run CONFIG.yaml [flags]",
     .description =
         "Runs the stages the YAML config declares (candles from trades, features from\n"
         "candles, the feature store from features, predictions from features with a\n"
         "model of the registry, swapped without a restart when its alias moves) on\n"
         "either broker backend. Each stage checkpoints its state with the input offsets\n"
         "it reflects; a pipeline that is stopped or killed resumes from its checkpoints\n"
         "when run again, and outputs it had already written are not written twice (a\n"
         "store stage's writes are upserts: written again, they change nothing). Records\n"
         "a stage cannot use go to its dead-letter topic with the reason. Several\n"
         "processes running the same stage (--stage) share its input partitions through a\n"
         "consumer group; a partition that moves brings its state along. On a terminal a\n"
         "status line shows records in and out.\n"
         "\n"
         "Config: see docs/pipeline-config.md; unknown settings and feature names are\n"
         "rejected before anything runs.",
     .example = "rtml pipeline run market.yaml\n"
                "rtml pipeline run market.yaml --stage features --broker kafka://kafka:9092\n"
                "rtml pipeline run market.yaml --until-end",
     .define_flags = DefineRunFlags,
     .run = Run},
};

}  // namespace

const Command& PipelineCommand() {
  static constexpr Command kPipeline{
      .name = "pipeline",
      .summary = "Run stream processing pipelines (candles, features, feature store)",
      .usage = "rtml pipeline COMMAND [flags]",
      .description = "",
      .example = "rtml pipeline run market.yaml",
      .subcommands = kSubcommands,
  };
  return kPipeline;
}

}  // namespace rtml::cli
