#include "rtml/serve/prediction_board.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "rtml/core/json_writer.h"

namespace rtml::serve {
namespace {

// Prometheus label values: backslash, quote and newline escaped.
std::string Label(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"' || c == '\n') out += '\\';
    out += c == '\n' ? 'n' : c;
  }
  return out;
}

std::string VersionLabels(const std::string& model, int64_t version) {
  return "model=\"" + Label(model) + "\",version=\"" + std::to_string(version) + "\"";
}

// The shortest text that reads back as `value`; NaN and infinities as Prometheus
// spells them.
std::string Number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc() ? std::string(text, end) : "NaN";
}

void Sample(std::string& out, std::string_view metric, const std::string& labels, double value) {
  out.append(metric).append("{").append(labels).append("} ").append(Number(value)) += '\n';
}

// A bucket's upper bound as the `le` label: seconds, as Prometheus clients print them
// ("1e-06", "0.0003").
std::string BucketBound(int64_t bound_us) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", static_cast<double>(bound_us) / 1e6);
  return text;
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
  double prediction = 0;
  int64_t ts_ms = 0, target_ts_ms = 0;
  if (root["prediction"].get_double().get(prediction)) {
    return Status::InvalidArgument("no number 'prediction'");
  }
  if (root["ts_ms"].get_int64().get(ts_ms)) return Status::InvalidArgument("no integer 'ts_ms'");
  if (root["target_ts_ms"].get_int64().get(target_ts_ms)) target_ts_ms = 0;
  // Older records and other writers may lack it: counted, but not a latency of 0.
  const bool has_latency = !root["latency_us"].get_int64().get(latency_us) && latency_us >= 0;
  std::lock_guard lock(mu_);
  auto it = recent_.find(pair);
  if (it == recent_.end()) it = recent_.emplace(std::string(pair), std::deque<std::string>()).first;
  it->second.emplace_front(json);
  if (it->second.size() > window_) it->second.pop_back();
  LatestPrediction& latest = latest_[std::string(pair)];
  latest = {.pair = std::string(pair),
            .model = std::string(model),
            .model_version = version,
            .prediction = prediction,
            .ts_ms = ts_ms,
            .target_ts_ms = target_ts_ms,
            .received = latest.received + 1};
  Served& served = served_[{std::string(model), version}];
  ++served.predictions;
  if (has_latency) {
    const int64_t* bound =
        std::lower_bound(std::begin(kLatencyBucketsUs), std::end(kLatencyBucketsUs), latency_us);
    ++served.latency_in_bucket[static_cast<size_t>(bound - std::begin(kLatencyBucketsUs))];
    ++served.latency_count;
    served.latency_us_sum += latency_us;
  }
  const auto serving = serving_.find(model);
  if (serving == serving_.end()) {
    serving_.emplace(std::string(model), version);
  } else {
    serving->second = version;
  }
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

std::vector<LatestPrediction> PredictionBoard::Latest() const {
  std::lock_guard lock(mu_);
  std::vector<LatestPrediction> latest;
  for (const auto& [pair, prediction] : latest_) latest.push_back(prediction);
  return latest;
}

std::vector<LiveErrorRow> PredictionBoard::LiveErrors() const {
  std::lock_guard lock(mu_);
  return live_.Rows();
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
    Sample(out, "rtml_predictions_total", VersionLabels(key.first, key.second),
           static_cast<double>(served.predictions));
  }
  out +=
      "# HELP rtml_prediction_latency_seconds Time to score one prediction (features to "
      "value), per model version.\n"
      "# TYPE rtml_prediction_latency_seconds histogram\n";
  for (const auto& [key, served] : served_) {
    const std::string labels = VersionLabels(key.first, key.second);
    int64_t cumulative = 0;
    for (size_t i = 0; i <= kLatencyBuckets; ++i) {
      cumulative += served.latency_in_bucket[i];
      const std::string le = i < kLatencyBuckets ? BucketBound(kLatencyBucketsUs[i]) : "+Inf";
      Sample(out, "rtml_prediction_latency_seconds_bucket", labels + ",le=\"" + le + "\"",
             static_cast<double>(cumulative));
    }
    Sample(out, "rtml_prediction_latency_seconds_sum", labels,
           static_cast<double>(served.latency_us_sum) / 1e6);
    Sample(out, "rtml_prediction_latency_seconds_count", labels,
           static_cast<double>(served.latency_count));
  }
  out +=
      "# HELP rtml_model_version The version of each model's newest prediction (0: the "
      "baseline).\n"
      "# TYPE rtml_model_version gauge\n";
  for (const auto& [model, version] : serving_) {
    Sample(out, "rtml_model_version", "model=\"" + Label(model) + "\"",
           static_cast<double>(version));
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
    const std::string labels = VersionLabels(row.model, row.model_version);
    Sample(out, "rtml_live_mae", labels, row.mae);
    Sample(out, "rtml_live_baseline_mae", labels, row.baseline_mae);
    Sample(out, "rtml_live_direction_accuracy", labels, row.directional_accuracy);
    Sample(out, "rtml_live_judged_total", labels, static_cast<double>(row.predictions));
  }
  return out;
}

}  // namespace rtml::serve
