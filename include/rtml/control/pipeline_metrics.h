// Prometheus text (format 0.0.4) about the stages of a running pipeline, from their
// StageRunner stats (process/stage_runner.h). Each family has HELP and TYPE lines
// and one sample per stage, labelled stage="<name>":
//   rtml_stage_records_in_total      counter  input records processed
//   rtml_stage_records_out_total     counter  records written, dead letters included
//   rtml_stage_dead_letters_total    counter  of those, rejects to the dead-letter topic
//   rtml_stage_records_per_second    gauge    input rate over the last ~10 s (a
//                                             StageRateMeter's; none before it knows)
//   rtml_stage_lag_seconds           gauge    wall time minus the newest input's event
//                                             time (none before the first input)
//   rtml_stage_partitions            gauge    input partitions held
// A typical /metrics provider (metrics_route.h), run at each scrape:
//   std::vector<StageSample> stages = ...;  // {name, runner->stats()} per stage
//   meter.Observe(stages, MonotonicNs());
//   return StageMetricsText(stages, WallClockMs(), meter);
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "rtml/process/stage_runner.h"

namespace rtml::control {

// One stage's stats at one moment.
struct StageSample {
  std::string stage;  // the stage's name: the `stage` label (any text; escaped)
  process::StageStats stats;
};

// Each stage's input rate over a sliding window, from snapshots of its records_in.
// The rate is measured from the newest snapshot back to the newest one at least
// `window` older (or the oldest kept, when none is that old yet): snapshots taken
// every second give exactly the last 10 s, scrapes every 15 s the last 15 s.
// Thread-safe: Observe and RecordsPerSecond may be called from any threads.
class StageRateMeter {
 public:
  explicit StageRateMeter(int64_t window_ns = 10'000'000'000) : window_ns_(window_ns) {}

  // Records each stage's records_in as of `monotonic_ns` (e.g. MonotonicNs(); only
  // differences matter, and times must not go back). A count lower than the last
  // one (the stage restarted) starts the stage's history again.
  void Observe(std::span<const StageSample> stages, int64_t monotonic_ns);
  // Input records per second of `stage`; nullopt until it has two snapshots at
  // different times.
  std::optional<double> RecordsPerSecond(std::string_view stage) const;

 private:
  using Snapshot = std::pair<int64_t, int64_t>;  // (monotonic_ns, records_in)
  const int64_t window_ns_;
  mutable std::mutex mu_;
  // Per stage, oldest first; the oldest is the window's base.
  std::map<std::string, std::deque<Snapshot>, std::less<>> history_;
};

// The families above for `stages`, in that order; lag against `now_ms` (wall time,
// ms since the epoch), never negative; rates from `rates`.
std::string StageMetricsText(std::span<const StageSample> stages, int64_t now_ms,
                             const StageRateMeter& rates);

}  // namespace rtml::control
