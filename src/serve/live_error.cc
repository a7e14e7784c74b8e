#include "rtml/serve/live_error.h"

#include <simdjson.h>

#include <cmath>
#include <limits>

namespace rtml::serve {

Result<Judged> ParseJudgedJson(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) || !root.is_object()) {
    return Status::InvalidArgument("not a JSON object");
  }
  Judged judged;
  std::string_view text;
  auto fail = [](const char* field) {
    return Status::InvalidArgument(std::string("no field '") + field + "' of its type");
  };
  if (root["pair"].get_string().get(text)) return fail("pair");
  judged.pair = std::string(text);
  if (root["model"].get_string().get(text)) return fail("model");
  judged.model = std::string(text);
  if (root["model_version"].get_int64().get(judged.model_version)) return fail("model_version");
  if (root["ts_ms"].get_int64().get(judged.ts_ms)) return fail("ts_ms");
  if (root["target_ts_ms"].get_int64().get(judged.target_ts_ms)) return fail("target_ts_ms");
  if (root["prediction"].get_double().get(judged.prediction)) return fail("prediction");
  if (root["baseline"].get_double().get(judged.reference)) return fail("baseline");
  if (root["actual"].get_double().get(judged.actual)) return fail("actual");
  return judged;
}

void LiveErrorTable::Add(const Judged& judged) {
  Sums& sums = sums_[{judged.model, judged.model_version}];
  ++sums.n;
  sums.error += std::abs(judged.prediction - judged.actual);
  sums.baseline_error += std::abs(judged.reference - judged.actual);
  if (judged.actual != judged.reference) {
    ++sums.moved;
    // A prediction of no move calls no direction (as in ml/metrics.h).
    sums.right += judged.prediction != judged.reference &&
                  (judged.actual > judged.reference) == (judged.prediction > judged.reference);
  }
  ++sums.pairs[judged.pair];
}

std::vector<LiveErrorRow> LiveErrorTable::Rows() const {
  std::vector<LiveErrorRow> rows;
  for (const auto& [key, sums] : sums_) {
    const double n = static_cast<double>(sums.n);
    rows.push_back({.model = key.first,
                    .model_version = key.second,
                    .predictions = sums.n,
                    .pairs = static_cast<int64_t>(sums.pairs.size()),
                    .mae = sums.error / n,
                    .baseline_mae = sums.baseline_error / n,
                    .directional_accuracy = sums.moved > 0
                                                ? static_cast<double>(sums.right) / sums.moved
                                                : std::numeric_limits<double>::quiet_NaN()});
  }
  return rows;
}

}  // namespace rtml::serve
