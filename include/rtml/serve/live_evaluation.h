// LiveEvaluation: predictions waiting for what really happened. Each prediction of a
// series (a pair) waits until the series reaches its target time; then the realised
// value - the actual feature (e.g. the close) of the newest record at or before the
// target time - is known, and the prediction is judged next to the baseline's (the
// actual feature at prediction time: "it stays"). Part of the predict operator's
// state, so it is checkpointed with it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::serve {

// A prediction and how it turned out.
struct Judged {
  std::string pair;
  std::string model;
  int64_t model_version = 0;
  int64_t ts_ms = 0;
  int64_t target_ts_ms = 0;
  double prediction = 0;
  double reference = 0;  // the actual feature when it was made: the baseline's prediction
  double actual = 0;     // the realised value

  // {"pair":...,"model":...,"model_version":3,"ts_ms":...,"target_ts_ms":...,
  //  "prediction":...,"baseline":...,"actual":...,"abs_error":...,
  //  "baseline_abs_error":...}
  void AppendJson(std::string& out) const;
};

class LiveEvaluation {
 public:
  // Predictions a series keeps waiting at most; past it the oldest is dropped
  // unjudged, which keeps the checkpointed state bounded.
  static constexpr size_t kMaxWaitingPerSeries = 4096;

  // Remembers a prediction until its target time. One for the same time as the
  // series' newest waiting prediction (an update of the same candle) replaces it.
  // True if the series' oldest waiting prediction was dropped to make room.
  bool Add(Judged waiting);
  // The series `pair` reached `ts_ms` with actual value `actual`: judges every waiting
  // prediction whose target time has come, into `out` in the order they were made.
  void Reach(std::string_view pair, int64_t ts_ms, double actual, std::vector<Judged>* out);

  size_t waiting() const;
  std::string Save() const;
  Status Restore(std::string_view bytes);

 private:
  struct Series {
    std::deque<Judged> waiting;  // in time order
    int64_t last_ts_ms = 0;      // the newest record seen, and its actual value
    double last_actual = 0;
    bool seen = false;
  };
  std::map<std::string, Series, std::less<>> series_;
};

}  // namespace rtml::serve
