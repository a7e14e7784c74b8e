#include "rtml/serve/prediction_board.h"

#include <simdjson.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "rtml/core/json_writer.h"

namespace rtml::serve {
namespace {

// Prometheus label values: backslash, quote and newline escaped.
std::string Label(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? 'n' : c;
  }
  return out;
}

void Sample(std::string& out, const char* metric, const std::string& labels, double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  out += std::string(metric) + "{" + labels + "} " + (std::isnan(value) ? "NaN" : text) + "\n";
}

}  // namespace

Status PredictionBoard::AddPrediction(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) || !root.is_object()) {
    return Status::InvalidArgument("not a JSON object");
  }
  std::string_view pair, model;
  int64_t version = 0, latency_us = 0;
  if (root["pair"].get_string().get(pair)) return Status::InvalidArgument("no string 'pair'");
  if (root["model"].get_string().get(model)) return Status::InvalidArgument("no string 'model'");
  if (root["model_version"].get_int64().get(version)) {
    return Status::InvalidArgument("no integer 'model_version'");
  }
  if (root["latency_us"].get_int64().get(latency_us)) latency_us = 0;
  std::lock_guard lock(mu_);
  auto it = recent_.find(pair);
  if (it == recent_.end()) it = recent_.emplace(std::string(pair), std::deque<std::string>()).first;
  it->second.emplace_front(json);
  if (it->second.size() > window_) it->second.pop_back();
  Served& served = served_[{std::string(model), version}];
  ++served.predictions;
  served.latency_us_sum += latency_us;
  return Status::Ok();
}

Status PredictionBoard::AddJudged(std::string_view json) {
  RTML_ASSIGN_OR_RETURN(const Judged judged, ParseJudgedJson(json));
  std::lock_guard lock(mu_);
  live_.Add(judged);
  return Status::Ok();
}

Result<std::string> PredictionBoard::PairJson(std::string_view pair, size_t recent) const {
  std::lock_guard lock(mu_);
  const auto it = recent_.find(pair);
  if (it == recent_.end()) {
    std::string known;
    for (const auto& [name, _] : recent_) known += (known.empty() ? "" : ", ") + name;
    return Status::NotFound("no predictions for pair '" + std::string(pair) +
                            "' (there are: " + (known.empty() ? "none yet" : known) + ")");
  }
  std::string body = "{\"pair\":";
  json::AppendString(body, pair);
  body += ",\"latest\":" + it->second.front() + ",\"recent\":[";
  for (size_t i = 0; i < it->second.size() && i < recent; ++i) {
    body += (i > 0 ? "," : "") + it->second[i];
  }
  body += "]}";
  return body;
}

std::string PredictionBoard::LatestJson() const {
  std::lock_guard lock(mu_);
  std::string body = "{\"pairs\":[";
  bool first = true;
  for (const auto& [pair, predictions] : recent_) {
    body += (first ? "" : ",") + predictions.front();
    first = false;
  }
  body += "]}";
  return body;
}

std::string PredictionBoard::PrometheusText() const {
  std::lock_guard lock(mu_);
  std::string out =
      "# HELP rtml_predictions_total Predictions served, per model version (0: the baseline).\n"
      "# TYPE rtml_predictions_total counter\n";
  for (const auto& [key, served] : served_) {
    const std::string labels =
        "model=\"" + Label(key.first) + "\",version=\"" + std::to_string(key.second) + "\"";
    Sample(out, "rtml_predictions_total", labels, static_cast<double>(served.predictions));
  }
  out +=
      "# HELP rtml_prediction_latency_us_mean Mean scoring latency, per model version.\n"
      "# TYPE rtml_prediction_latency_us_mean gauge\n";
  for (const auto& [key, served] : served_) {
    const std::string labels =
        "model=\"" + Label(key.first) + "\",version=\"" + std::to_string(key.second) + "\"";
    Sample(out, "rtml_prediction_latency_us_mean", labels,
           static_cast<double>(served.latency_us_sum) / static_cast<double>(served.predictions));
  }
  out +=
      "# HELP rtml_live_mae Mean absolute error of judged predictions, per model version.\n"
      "# TYPE rtml_live_mae gauge\n"
      "# HELP rtml_live_baseline_mae The baseline's on the same predictions.\n"
      "# TYPE rtml_live_baseline_mae gauge\n"
      "# HELP rtml_live_direction_accuracy Share of moves whose direction was called.\n"
      "# TYPE rtml_live_direction_accuracy gauge\n"
      "# HELP rtml_live_judged_total Predictions judged against the realised value.\n"
      "# TYPE rtml_live_judged_total counter\n";
  for (const LiveErrorRow& row : live_.Rows()) {
    const std::string labels =
        "model=\"" + Label(row.model) + "\",version=\"" + std::to_string(row.model_version) + "\"";
    Sample(out, "rtml_live_mae", labels, row.mae);
    Sample(out, "rtml_live_baseline_mae", labels, row.baseline_mae);
    Sample(out, "rtml_live_direction_accuracy", labels, row.directional_accuracy);
    Sample(out, "rtml_live_judged_total", labels, static_cast<double>(row.predictions));
  }
  return out;
}

}  // namespace rtml::serve
