// PredictionBoard: what is served about live predictions - each pair's newest
// predictions (a window of the most recent) and each model version's live error -
// fed with the records of the predictions and evaluation topics (predict_operator.h,
// live_evaluation.h). Thread-safe: a follower adds while a server reads.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/serve/live_error.h"

namespace rtml::serve {

class PredictionBoard {
 public:
  explicit PredictionBoard(size_t window = 100) : window_(window) {}

  // A prediction record (JSON). InvalidArgument, naming the field, if it is not one.
  Status AddPrediction(std::string_view json);
  // A judged prediction (JSON) of the evaluation topic.
  Status AddJudged(std::string_view json);

  // {"pair":"BTCUSDT","latest":{...},"recent":[newest first, at most `recent`]};
  // NotFound naming the pairs there are.
  Result<std::string> PairJson(std::string_view pair, size_t recent) const;
  // {"pairs":[the latest prediction of each pair]}
  std::string LatestJson() const;
  // Prometheus text: predictions and mean latency per model version, the live MAE of
  // each version and the baseline's on the same predictions, directions called.
  std::string PrometheusText() const;

 private:
  struct Served {
    int64_t predictions = 0;
    int64_t latency_us_sum = 0;
  };
  const size_t window_;
  mutable std::mutex mu_;
  std::map<std::string, std::deque<std::string>, std::less<>> recent_;  // newest first
  std::map<std::pair<std::string, int64_t>, Served> served_;
  LiveErrorTable live_;
};

}  // namespace rtml::serve
