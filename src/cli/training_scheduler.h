// TrainingScheduler: the retraining a running pipeline does (its config's
// `training:` list): each schedule's `rtml train` config is read and run at start,
// then every `every`, on a thread of its own. A version is registered and promoted
// only when it passes its config's baseline gate (RunTraining); a failed run is
// reported and tried again after at most 15 s.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "flags.h"
#include "rtml/process/pipeline_config.h"
#include "train_run.h"

namespace rtml::cli {

struct TrainingReport {
  std::string config;              // the config's path
  Result<TrainRunResult> outcome;  // or why the run failed
  int64_t finished_ms = 0;         // wall clock
  double seconds = 0;

  // "trained btc.yaml in 1.2s: registered btc-close@3 as production (...)"
  std::string Line() const;
};

class TrainingScheduler {
 public:
  using Listener = std::function<void(const TrainingReport&)>;

  // `flags` name the broker, the store and the registry (copied). `listener` hears
  // of every run, on the scheduler's thread.
  TrainingScheduler(std::vector<process::TrainingSchedule> schedules, ParsedFlags flags,
                    Listener listener);
  ~TrainingScheduler();  // Stop()

  void Start();
  // Returns once a run in progress has ended (training is not interrupted).
  void Stop();
  // When each schedule runs next (wall clock ms; 0 before Start()).
  std::vector<int64_t> NextRuns() const;

 private:
  void Loop();

  const std::vector<process::TrainingSchedule> schedules_;
  const ParsedFlags flags_;
  const Listener listener_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::vector<int64_t> next_ms_;
  std::thread thread_;
};

}  // namespace rtml::cli
