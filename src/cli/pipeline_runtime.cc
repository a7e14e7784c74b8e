#include "pipeline_runtime.h"

#include <cinttypes>
#include <cstdio>
#include <thread>

#include "ensure_topic.h"
#include "registry_flags.h"
#include "rtml/core/clock.h"
#include "rtml/features/store_sink.h"
#include "rtml/serve/predict_stage.h"
#include "store_flags.h"

namespace rtml::cli {
namespace {

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

}  // namespace

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

Result<std::unique_ptr<PipelineRuntime>> PipelineRuntime::Create(
    const process::PipelineConfig& config, stream::Broker* broker, const ParsedFlags& flags,
    PipelineRuntimeOptions options) {
  if (options.stages.empty()) {
    for (const process::StageConfig& stage : config.stages) options.stages.push_back(&stage);
  }
  std::unique_ptr<PipelineRuntime> runtime(new PipelineRuntime());
  runtime->until_end_ = options.until_end;
  for (const process::StageConfig* stage : options.stages) {
    std::vector<std::string> topics = stage->outputs();
    topics.push_back(stage->input());
    for (const std::string& topic : topics) {
      RTML_RETURN_IF_ERROR(
          EnsureTopic(*broker, topic, options.partitions).WithContext("topic " + topic));
    }
    Result<process::OperatorFactory> factory = process::OperatorFactory();
    if (const auto* store = std::get_if<process::StoreStageOptions>(&stage->options)) {
      factory = StoreStageFactory(flags, *store, runtime->stores_, &runtime->stopping_);
    } else if (const auto* predict = std::get_if<process::PredictStageOptions>(&stage->options)) {
      process::PredictStageOptions settled = *predict;
      if (settled.registry.empty()) settled.registry = RegistryDirFromFlags(flags);
      factory = serve::MakePredictStage(settled);
    } else {
      factory = stage->Factory();
    }
    if (!factory.ok()) return factory.status().WithContext("stage " + stage->name);
    const std::string name = config.name + "." + stage->name;
    RTML_ASSIGN_OR_RETURN(
        std::unique_ptr<process::StageRunner> runner,
        process::StageRunner::Create(
            broker,
            {.name = name,
             .input_topic = stage->input(),
             .output_topics = stage->outputs(),
             .dead_letter_topic = stage->dlq(),
             .group = options.until_end ? "" : name,
             .checkpoint_interval = std::chrono::milliseconds(options.checkpoint_interval_ms),
             .stop_at_end = options.until_end},
            std::move(factory).value()));
    runtime->runners_.push_back(std::move(runner));
  }
  runtime->rates_.resize(runtime->runners_.size());
  return runtime;
}

PipelineRuntime::~PipelineRuntime() = default;

Status PipelineRuntime::Run() {
  if (until_end_) {  // in order: each stage reads what the one before wrote
    for (auto& runner : runners_) RTML_RETURN_IF_ERROR(runner->Run());
    return Status::Ok();
  }
  std::vector<Status> results(runners_.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < runners_.size(); ++i) {
    threads.emplace_back([this, &results, i] {
      results[i] = runners_[i]->Run();
      // One stage failing stops the others: a half-running pipeline only lags.
      if (!results[i].ok()) Stop();
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Status& result : results) RTML_RETURN_IF_ERROR(result);
  return Status::Ok();
}

void PipelineRuntime::Stop() {
  stopping_.store(true);
  for (auto& runner : runners_) runner->Stop();
}

std::vector<NamedStageStats> PipelineRuntime::Stats() const {
  std::vector<NamedStageStats> stats;
  for (const auto& runner : runners_) stats.push_back({runner->options().name, runner->stats()});
  return stats;
}

std::string PipelineRuntime::StatusText() {
  std::string text;
  const int64_t now_ms = WallClockMs();
  for (size_t i = 0; i < runners_.size(); ++i) {
    const process::StageStats s = runners_[i]->stats();
    char part[200];
    std::snprintf(part, sizeof(part), "%s%s %.0f in/s %" PRId64 " out %" PRId64 " dlq lag %s",
                  i == 0 ? "" : " | ", runners_[i]->options().name.c_str(),
                  rates_[i].Rate(s.records_in), s.records_out, s.dead_letters,
                  s.newest_input_ms > 0
                      ? FormatLag(std::max<int64_t>(0, now_ms - s.newest_input_ms)).c_str()
                      : "-");
    text += part;
  }
  return text;
}

std::string PipelineRuntime::Summary() const {
  std::string text;
  for (const auto& runner : runners_) {
    const process::StageStats s = runner->stats();
    char line[400];
    std::snprintf(line, sizeof(line),
                  "%s: %" PRId64 " records in, %" PRId64 " out (%" PRId64 " dead letters, %" PRId64
                  " replayed outputs not written again), %d partition%s restored from "
                  "checkpoints\n",
                  runner->options().name.c_str(), s.records_in, s.records_out, s.dead_letters,
                  s.replays_skipped, static_cast<int>(s.restored), s.restored == 1 ? "" : "s");
    text += line;
  }
  return text;
}

}  // namespace rtml::cli
