// PredictionBoard: what is served about live predictions - each pair's newest
// predictions (a window of the most recent) and each model version's live error -
// fed with the records of the predictions and evaluation topics (predict_operator.h,
// live_evaluation.h). Thread-safe: a follower adds while a server reads.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/serve/live_error.h"

namespace rtml::serve {

// A pair's newest prediction, for screens.
struct LatestPrediction {
  std::string pair;
  std::string model;
  int64_t model_version = 0;
  double prediction = 0;
  int64_t ts_ms = 0;
  int64_t target_ts_ms = 0;
  int64_t received = 0;  // predictions of the pair so far
};

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
  // The same, by pair, for a screen.
  std::vector<LatestPrediction> Latest() const;
  // Each model version's live error next to the baseline's (see LiveErrorTable).
  std::vector<LiveErrorRow> LiveErrors() const;
  // Prometheus text (format 0.0.4), per model version: predictions served, a
  // histogram of their scoring latency (rtml_prediction_latency_seconds, buckets
  // kLatencyBucketsUs, from each record's latency_us; records without one are
  // counted but not observed), the live MAE next to the baseline's on the same
  // predictions, directions called; per model, the version that served last
  // (rtml_model_version).
  std::string PrometheusText() const;

  // Upper bounds of the latency histogram's buckets, in microseconds (then +Inf):
  // scoring takes microseconds, so half-decades from 1 us to 100 ms.
  static constexpr int64_t kLatencyBucketsUs[] = {1,    3,    10,    30,    100,   300,
                                                  1000, 3000, 10000, 30000, 100000};
  static constexpr size_t kLatencyBuckets = std::size(kLatencyBucketsUs);

 private:
  struct Served {
    int64_t predictions = 0;
    // Latencies observed: per bucket (not cumulative; the last is +Inf), count, sum.
    std::array<int64_t, kLatencyBuckets + 1> latency_in_bucket{};
    int64_t latency_count = 0;
    int64_t latency_us_sum = 0;
  };
  const size_t window_;
  mutable std::mutex mu_;
  std::map<std::string, std::deque<std::string>, std::less<>> recent_;  // newest first
  std::map<std::string, LatestPrediction, std::less<>> latest_;
  std::map<std::pair<std::string, int64_t>, Served> served_;
  // Per model, the version of the newest prediction received: the one serving now
  // (an alias moved back to an older version shows here as that version).
  std::map<std::string, int64_t, std::less<>> serving_;
  LiveErrorTable live_;
};

}  // namespace rtml::serve
