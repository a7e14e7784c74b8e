// LiveError: how the predictions of each model version did once their time came -
// their mean absolute error next to the baseline's on the same predictions, and how
// often they called the direction of the move - from the judged predictions of the
// evaluation topic (live_evaluation.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/serve/live_evaluation.h"

namespace rtml::serve {

// One judged prediction, read back from its JSON (Judged::AppendJson). InvalidArgument
// naming the field that is missing or of another type.
Result<Judged> ParseJudgedJson(std::string_view json);

struct LiveErrorRow {
  std::string model;
  int64_t model_version = 0;
  int64_t predictions = 0;
  int64_t pairs = 0;
  double mae = 0;
  double baseline_mae = 0;
  // Of the predictions whose actual moved from the baseline (the value when the
  // prediction was made), the share that moved the same way; NaN if none moved.
  double directional_accuracy = 0;
};

class LiveErrorTable {
 public:
  void Add(const Judged& judged);
  // One row per model version, by model then version.
  std::vector<LiveErrorRow> Rows() const;

 private:
  struct Sums {
    int64_t n = 0;
    double error = 0;
    double baseline_error = 0;
    int64_t moved = 0;
    int64_t right = 0;
    std::map<std::string, int64_t> pairs;
  };
  std::map<std::pair<std::string, int64_t>, Sums> sums_;
};

}  // namespace rtml::serve
