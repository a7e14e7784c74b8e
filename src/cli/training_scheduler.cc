#include "training_scheduler.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "rtml/core/clock.h"

namespace rtml::cli {
namespace {

constexpr int64_t kRetryAfterFailureMs = 15'000;

}  // namespace

std::string TrainingReport::Line() const {
  char took[32];
  std::snprintf(took, sizeof took, "%.1fs", seconds);
  const std::string head = "trained " + config + " in " + took + ": ";
  if (!outcome.ok()) return "training " + config + " failed: " + outcome.status().message();
  if (!outcome->registered) return head + "registered nothing (" + outcome->verdict + ")";
  std::string line = head + "registered " + outcome->version.Label();
  if (!outcome->promoted_as.empty()) line += " as " + outcome->promoted_as;
  return line + " (" + outcome->verdict + ")";
}

TrainingScheduler::TrainingScheduler(std::vector<process::TrainingSchedule> schedules,
                                     ParsedFlags flags, Listener listener)
    : schedules_(std::move(schedules)),
      flags_(std::move(flags)),
      listener_(std::move(listener)),
      next_ms_(schedules_.size(), 0) {}

TrainingScheduler::~TrainingScheduler() { Stop(); }

void TrainingScheduler::Start() {
  const int64_t now = WallClockMs();
  {
    std::lock_guard lock(mu_);
    std::fill(next_ms_.begin(), next_ms_.end(), now);
  }
  thread_ = std::thread([this] { Loop(); });
}

void TrainingScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<int64_t> TrainingScheduler::NextRuns() const {
  std::lock_guard lock(mu_);
  return next_ms_;
}

void TrainingScheduler::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    const auto due = std::min_element(next_ms_.begin(), next_ms_.end());
    const int64_t wait_ms = *due - WallClockMs();
    if (wait_ms > 0) {
      wake_.wait_for(lock, std::chrono::milliseconds(wait_ms));
      continue;
    }
    const process::TrainingSchedule& schedule = schedules_[due - next_ms_.begin()];
    *due += schedule.every_ms;
    lock.unlock();
    const int64_t started_ns = MonotonicNs();
    Result<ml::TrainConfig> config = LoadTrainConfigFile(schedule.config);
    TrainingReport report{.config = schedule.config,
                          .outcome = config.ok() ? RunTraining(*config, flags_, /*report=*/false)
                                                 : Result<TrainRunResult>(config.status())};
    report.seconds = static_cast<double>(MonotonicNs() - started_ns) / 1e9;
    report.finished_ms = WallClockMs();
    listener_(report);
    lock.lock();
    // A run longer than the period: the next one starts from now, not back to back.
    if (*due < WallClockMs()) *due = WallClockMs() + schedule.every_ms;
    // A failed run (no rows stored yet, a store briefly away) is tried again soon.
    if (!report.outcome.ok()) *due = std::min(*due, WallClockMs() + kRetryAfterFailureMs);
  }
}

}  // namespace rtml::cli
