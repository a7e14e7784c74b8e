#include "rtml/control/pipeline_metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace rtml::control {
namespace {

// Prometheus label values: backslash, quote and newline escaped.
std::string StageLabel(std::string_view stage) {
  std::string out = "stage=\"";
  for (char c : stage) {
    if (c == '\\' || c == '"' || c == '\n') out += '\\';
    out += c == '\n' ? 'n' : c;
  }
  return out + "\"";
}

// The shortest text that reads back as `value`.
std::string Number(double value) {
  if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc() ? std::string(text, end) : "NaN";
}

void Family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ");
  out.append(name).append(" ").append(type) += '\n';
}

void Sample(std::string& out, std::string_view name, std::string_view stage, double value) {
  out.append(name).append("{").append(StageLabel(stage)).append("} ").append(Number(value)) += '\n';
}

}  // namespace

void StageRateMeter::Observe(std::span<const StageSample> stages, int64_t monotonic_ns) {
  std::lock_guard lock(mu_);
  for (const StageSample& sample : stages) {
    auto it = history_.find(sample.stage);
    if (it == history_.end()) it = history_.emplace(sample.stage, std::deque<Snapshot>()).first;
    std::deque<Snapshot>& history = it->second;
    if (!history.empty() && sample.stats.records_in < history.back().second) history.clear();
    if (!history.empty() && history.back().first >= monotonic_ns) {
      history.back().second = sample.stats.records_in;  // the same moment, seen again
    } else {
      history.emplace_back(monotonic_ns, sample.stats.records_in);
    }
    // Keep one snapshot at least a window old as the base; drop the ones before it.
    while (history.size() > 2 && history[1].first <= monotonic_ns - window_ns_) {
      history.pop_front();
    }
  }
}

std::optional<double> StageRateMeter::RecordsPerSecond(std::string_view stage) const {
  std::lock_guard lock(mu_);
  const auto it = history_.find(stage);
  if (it == history_.end() || it->second.size() < 2) return std::nullopt;
  const Snapshot& base = it->second.front();
  const Snapshot& newest = it->second.back();
  return static_cast<double>(newest.second - base.second) * 1e9 /
         static_cast<double>(newest.first - base.first);
}

std::string StageMetricsText(std::span<const StageSample> stages, int64_t now_ms,
                             const StageRateMeter& rates) {
  std::string out;
  Family(out, "rtml_stage_records_in_total", "counter", "Input records processed, per stage.");
  for (const StageSample& s : stages) {
    Sample(out, "rtml_stage_records_in_total", s.stage, static_cast<double>(s.stats.records_in));
  }
  Family(out, "rtml_stage_records_out_total", "counter",
         "Records written, dead letters included, per stage.");
  for (const StageSample& s : stages) {
    Sample(out, "rtml_stage_records_out_total", s.stage, static_cast<double>(s.stats.records_out));
  }
  Family(out, "rtml_stage_dead_letters_total", "counter",
         "Records written to the dead-letter topic (rejects), per stage.");
  for (const StageSample& s : stages) {
    Sample(out, "rtml_stage_dead_letters_total", s.stage,
           static_cast<double>(s.stats.dead_letters));
  }
  Family(out, "rtml_stage_records_per_second", "gauge",
         "Input records per second over about the last 10 s, per stage.");
  for (const StageSample& s : stages) {
    if (const std::optional<double> rate = rates.RecordsPerSecond(s.stage)) {
      Sample(out, "rtml_stage_records_per_second", s.stage, *rate);
    }
  }
  Family(out, "rtml_stage_lag_seconds", "gauge",
         "Wall time minus the event time of the newest input record processed, per stage.");
  for (const StageSample& s : stages) {
    if (s.stats.newest_input_ms == 0) continue;  // no input yet: no lag to speak of
    Sample(out, "rtml_stage_lag_seconds", s.stage,
           static_cast<double>(std::max<int64_t>(0, now_ms - s.stats.newest_input_ms)) / 1e3);
  }
  Family(out, "rtml_stage_partitions", "gauge", "Input partitions held, per stage.");
  for (const StageSample& s : stages) {
    Sample(out, "rtml_stage_partitions", s.stage, static_cast<double>(s.stats.partitions));
  }
  return out;
}

}  // namespace rtml::control
