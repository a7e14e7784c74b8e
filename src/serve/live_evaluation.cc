#include "rtml/serve/live_evaluation.h"

#include <cmath>

#include "rtml/core/json_writer.h"
#include "rtml/core/state_bytes.h"

namespace rtml::serve {
namespace {

constexpr std::string_view kTag = "live-evaluation-v1";
constexpr size_t kMaxWaiting = 1 << 24;  // a bound for reading back damaged bytes

}  // namespace

void Judged::AppendJson(std::string& out) const {
  out += "{\"pair\":";
  json::AppendString(out, pair);
  out += ",\"model\":";
  json::AppendString(out, model);
  out += ",\"model_version\":";
  json::AppendInt(out, model_version);
  out += ",\"ts_ms\":";
  json::AppendInt(out, ts_ms);
  out += ",\"target_ts_ms\":";
  json::AppendInt(out, target_ts_ms);
  out += ",\"prediction\":";
  json::AppendDouble(out, prediction);
  out += ",\"baseline\":";
  json::AppendDouble(out, reference);
  out += ",\"actual\":";
  json::AppendDouble(out, actual);
  out += ",\"abs_error\":";
  json::AppendDouble(out, std::abs(prediction - actual));
  out += ",\"baseline_abs_error\":";
  json::AppendDouble(out, std::abs(reference - actual));
  out += '}';
}

bool LiveEvaluation::Add(Judged waiting) {
  std::deque<Judged>& queue = series_[waiting.pair].waiting;
  // Another prediction for the same moment (a `current` candle updated again)
  // replaces the one before: the newest is the prediction that counts.
  if (!queue.empty() && queue.back().ts_ms == waiting.ts_ms) {
    queue.back() = std::move(waiting);
    return false;
  }
  queue.push_back(std::move(waiting));
  if (queue.size() <= kMaxWaitingPerSeries) return false;
  queue.pop_front();
  return true;
}

void LiveEvaluation::Reach(std::string_view pair, int64_t ts_ms, double actual,
                           std::vector<Judged>* out) {
  auto it = series_.find(pair);
  if (it == series_.end()) it = series_.emplace(std::string(pair), Series{}).first;
  Series& series = it->second;
  while (!series.waiting.empty() && series.waiting.front().target_ts_ms <= ts_ms) {
    Judged judged = std::move(series.waiting.front());
    series.waiting.pop_front();
    // At the target time exactly: this record; past it (no record at the target
    // time): the newest one before, which is what was known at the target time.
    const bool exact = judged.target_ts_ms == ts_ms;
    if (!exact && !series.seen) continue;  // nothing known before: cannot judge
    judged.actual = exact ? actual : series.last_actual;
    out->push_back(std::move(judged));
  }
  series.last_ts_ms = ts_ms;
  series.last_actual = actual;
  series.seen = true;
}

size_t LiveEvaluation::waiting() const {
  size_t count = 0;
  for (const auto& [pair, series] : series_) count += series.waiting.size();
  return count;
}

std::string LiveEvaluation::Save() const {
  StateWriter out(kTag);
  out.Put<uint64_t>(series_.size());
  for (const auto& [pair, series] : series_) {
    out.PutString(pair);
    out.Put(series.last_ts_ms);
    out.Put(series.last_actual);
    out.Put(series.seen);
    out.Put<uint64_t>(series.waiting.size());
    for (const Judged& judged : series.waiting) {
      out.PutString(judged.model);
      out.Put(judged.model_version);
      out.Put(judged.ts_ms);
      out.Put(judged.target_ts_ms);
      out.Put(judged.prediction);
      out.Put(judged.reference);
    }
  }
  return out.Take();
}

Status LiveEvaluation::Restore(std::string_view bytes) {
  StateReader in(bytes, kTag);
  std::map<std::string, Series, std::less<>> restored;
  uint64_t count = 0;
  in.Get(&count);
  for (uint64_t i = 0; in.ok() && i < count && i < kMaxWaiting; ++i) {
    std::string pair;
    Series series;
    uint64_t waiting = 0;
    in.GetString(&pair);
    in.Get(&series.last_ts_ms);
    in.Get(&series.last_actual);
    in.Get(&series.seen);
    in.Get(&waiting);
    for (uint64_t w = 0; in.ok() && w < waiting && w < kMaxWaiting; ++w) {
      Judged judged{.pair = pair};
      in.GetString(&judged.model);
      in.Get(&judged.model_version);
      in.Get(&judged.ts_ms);
      in.Get(&judged.target_ts_ms);
      in.Get(&judged.prediction);
      in.Get(&judged.reference);
      series.waiting.push_back(std::move(judged));
    }
    restored.emplace(std::move(pair), std::move(series));
  }
  if (!in.ok() || !in.done()) {
    return Status::Corruption("predict: a checkpoint that is not a live evaluation");
  }
  series_ = std::move(restored);
  return Status::Ok();
}

}  // namespace rtml::serve
