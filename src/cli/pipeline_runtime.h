// PipelineRuntime: the stages of a pipeline config running between topics, each
// under a StageRunner - what `rtml pipeline run` and `rtml demo` share. Store stages
// open the feature store and predict stages the model registry that the flags name.
//
// Threads: Run() on one thread; Stop() and Stats() from any.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "flags.h"
#include "rtml/features/feature_store.h"
#include "rtml/process/pipeline_config.h"
#include "rtml/process/stage_runner.h"
#include "rtml/stream/broker.h"
#include "status_line.h"

namespace rtml::cli {

struct PipelineRuntimeOptions {
  // The stages to run (pointers into the config); empty: all of them.
  std::vector<const process::StageConfig*> stages;
  // Process what the inputs hold now, stage after stage, and return.
  bool until_end = false;
  int32_t partitions = 1;  // of topics that must be created
  int64_t checkpoint_interval_ms = 1000;
};

struct NamedStageStats {
  std::string name;  // "<pipeline>.<stage>"
  process::StageStats stats;
};

class PipelineRuntime {
 public:
  // Creates the topics the stages use and a runner per stage. `config` and `broker`
  // must outlive the runtime; `flags` name the store and the registry (read here only).
  static Result<std::unique_ptr<PipelineRuntime>> Create(const process::PipelineConfig& config,
                                                         stream::Broker* broker,
                                                         const ParsedFlags& flags,
                                                         PipelineRuntimeOptions options);
  ~PipelineRuntime();

  // Until Stop() (each stage on a thread of its own; one failing stops the others)
  // or, with until_end, until each stage in turn has read its input to the end.
  Status Run();
  void Stop();

  std::vector<NamedStageStats> Stats() const;
  // "candles 5120 in/s 40 out 2 dlq lag 1.2s | features ...", rates since the last call.
  std::string StatusText();
  // One line per stage: records in and out, dead letters, replays, restores.
  std::string Summary() const;

 private:
  PipelineRuntime() = default;

  std::vector<std::unique_ptr<features::FeatureStore>> stores_;  // of the store stages
  std::vector<std::unique_ptr<process::StageRunner>> runners_;   // (which use them)
  std::vector<StatusLine> rates_;                                // one input rate per stage
  std::atomic<bool> stopping_{false};  // ends a store stage's retries of a server
  bool until_end_ = false;
};

// A lag for people: "350ms", "4.2s", "17m", "5h", "412d".
std::string FormatLag(int64_t ms);

}  // namespace rtml::cli
