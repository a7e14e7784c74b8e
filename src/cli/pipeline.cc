// rtml pipeline run: the stages of a pipeline config between topics, with
// checkpoints, so a killed pipeline resumes with nothing lost or written twice.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker_flags.h"
#include "command.h"
#include "pipeline_rest.h"
#include "pipeline_runtime.h"
#include "registry_flags.h"
#include "rtml/core/duration.h"
#include "rtml/core/log.h"
#include "rtml/process/pipeline_config.h"
#include "run_with_status.h"
#include "stop_signal.h"
#include "store_flags.h"
#include "training_scheduler.h"

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
  flags.Value("port", "N",
              "serve REST on 127.0.0.1:N (0: any free port, printed): /metrics, /health, and "
              "the first predict stage's /predictions?pair=P; default: no REST");
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
  bool whole_pipeline = true;    // no --stage: the process that also retrains
  std::optional<uint16_t> port;  // REST
};

Result<RunArgs> ArgsFromFlags(const ParsedFlags& flags) {
  RTML_RETURN_IF_ERROR(flags.ExpectPositional(1, "the pipeline config (YAML)"));
  RunArgs args;
  RTML_ASSIGN_OR_RETURN(args.config, process::LoadPipelineConfig(flags.positional()[0]));
  const std::string only(flags.Get("stage").value_or(""));
  args.whole_pipeline = only.empty();
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
  if (flags.Has("port")) {
    RTML_ASSIGN_OR_RETURN(const int64_t port, flags.GetInt("port", 0, 0, 65535));
    args.port = static_cast<uint16_t>(port);
  }
  if (auto interval = flags.Get("checkpoint-interval")) {
    RTML_ASSIGN_OR_RETURN(args.checkpoint_interval_ms, ParseDurationMs(*interval));
  }
  return args;
}

ExitStatus Run(const Invocation& invocation) {
  Result<RunArgs> args = ArgsFromFlags(invocation.flags);
  if (!args.ok()) return ExitStatus::FromInputStatus(args.status());
  Result<std::unique_ptr<stream::Broker>> broker = OpenBrokerFromFlags(invocation.flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  Result<std::unique_ptr<PipelineRuntime>> runtime =
      PipelineRuntime::Create(args->config, broker->get(), invocation.flags,
                              {.stages = args->stages,
                               .until_end = args->until_end,
                               .partitions = args->partitions,
                               .checkpoint_interval_ms = args->checkpoint_interval_ms});
  if (!runtime.ok()) return ExitStatus::Failure(runtime.status());
  PipelineRuntime& pipeline = **runtime;
  // Retraining goes with a pipeline that keeps running (all of it, not one --stage).
  std::unique_ptr<TrainingScheduler> training;
  if (!args->until_end && args->whole_pipeline && !args->config.training.empty()) {
    training = std::make_unique<TrainingScheduler>(
        args->config.training, invocation.flags,
        [](const TrainingReport& report) { LogInfo("pipeline: " + report.Line()); });
  }

  std::unique_ptr<PipelineRest> rest;
  if (args->port) {
    PipelineRestOptions options{.port = *args->port};
    for (const process::StageConfig* stage : args->stages) {
      if (const auto* predict = std::get_if<process::PredictStageOptions>(&stage->options)) {
        options.predictions_topic = predict->output;
        options.evaluation_topic = predict->evaluation;
        break;
      }
    }
    Result<std::unique_ptr<PipelineRest>> started =
        PipelineRest::Start(**broker, pipeline, std::move(options));
    if (!started.ok()) return ExitStatus::Failure(started.status());
    rest = std::move(started).value();
    std::fprintf(stderr, "rtml pipeline: REST %s/metrics\n", rest->BaseUrl().c_str());
  }

  InstallStopHandlers();
  std::fprintf(stderr, "rtml pipeline: %s, %zu stage%s%s (Ctrl-C to stop; a rerun resumes)\n",
               args->config.name.c_str(), args->stages.size(), args->stages.size() == 1 ? "" : "s",
               training ? ", retraining on schedule" : "");
  if (training) training->Start();
  const Status status = RunWithStatus({
      .run = [&] { return pipeline.Run(); },
      .stop = [&] { pipeline.Stop(); },
      .status =
          [&](StatusLine&) {
            if (rest) rest->SampleRates();
            return pipeline.StatusText();
          },
  });
  if (training) training->Stop();
  if (rest) {
    if (Status followed = rest->Stop(); !followed.ok()) LogWarning(followed.message());
  }
  std::fputs(pipeline.Summary().c_str(), stderr);
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
