#include "rtml/serve/predict_operator.h"

#include <simdjson.h>

#include <chrono>

#include "rtml/core/clock.h"
#include "rtml/core/json_writer.h"
#include "rtml/core/log.h"
#include "rtml/process/dead_letters.h"

namespace rtml::serve {
namespace {

class PredictOperator final : public process::PartitionOperator {
 public:
  PredictOperator(PredictOptions options, std::shared_ptr<PredictCounts> counts)
      : options_(std::move(options)), counts_(std::move(counts)) {}

  Status Process(const stream::ConsumedRecord& record,
                 std::vector<process::OutputRecord>* out) override {
    const int64_t started_ns = MonotonicNs();
    MaybeRefresh(started_ns);
    simdjson::dom::element root;
    if (parser_.parse(record.value.data(), record.value.size()).get(root) || !root.is_object()) {
      return Reject(record, "not a JSON object", out);
    }
    const simdjson::dom::object object = root.get_object().value_unsafe();
    for (const auto& [field, wanted] : options_.where) {
      if (TextOf(object, field) != wanted) {
        ++counts_->filtered;
        return Status::Ok();
      }
    }
    std::string_view key;
    int64_t ts_ms = 0;
    if (object.at_key(options_.key_field).get_string().get(key)) {
      return Reject(record, "no string field '" + options_.key_field + "'", out);
    }
    if (object.at_key(options_.time_field).get_int64().get(ts_ms)) {
      return Reject(record, "no integer field '" + options_.time_field + "'", out);
    }
    double actual = 0;
    const bool evaluate = !options_.actual_feature.empty() &&
                          !object.at_key(options_.actual_feature).get_double().get(actual);
    if (evaluate) Judge(key, ts_ms, actual, out);
    const std::shared_ptr<const ml::ServingModel> model = model_;
    const std::vector<std::string>& names = model->version().features;
    row_.resize(names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      simdjson::dom::element value;
      if (object.at_key(names[i]).get(value)) {
        return Reject(
            record,
            "missing feature '" + names[i] + "' (" + model->version().Label() + " reads it)", out);
      }
      if (value.is_null()) {
        ++counts_->warming_up;
        return Status::Ok();
      }
      if (value.get_double().get(row_[i])) {
        return Reject(record, "feature '" + names[i] + "' is not a number", out);
      }
    }
    const double prediction = model->Predict(row_);
    const int64_t latency_us = (MonotonicNs() - started_ns) / 1000;
    process::OutputRecord& result = out->emplace_back();
    result.topic = options_.output_topic;
    result.key = std::string(key);
    result.timestamp_ms = ts_ms;
    std::string& json = result.value;
    json += "{\"pair\":";
    json::AppendString(json, key);
    json += ",\"model\":";
    json::AppendString(json, model->version().name);
    json += ",\"model_version\":";
    json::AppendInt(json, model->version().version);
    json += ",\"ts_ms\":";
    json::AppendInt(json, ts_ms);
    json += ",\"target_ts_ms\":";
    json::AppendInt(json, ts_ms + options_.horizon_ms);
    json += ",\"prediction\":";
    json::AppendDouble(json, prediction);
    json += ",\"latency_us\":";
    json::AppendInt(json, latency_us);
    json += '}';
    ++counts_->predictions;
    if (evaluate) {
      const bool dropped = live_.Add({.pair = std::string(key),
                                      .model = model->version().name,
                                      .model_version = model->version().version,
                                      .ts_ms = ts_ms,
                                      .target_ts_ms = ts_ms + options_.horizon_ms,
                                      .prediction = prediction,
                                      .reference = actual});
      if (dropped && counts_->unjudged++ == 0) {
        LogWarning("predictions of " + std::string(key) + ": more than " +
                   std::to_string(LiveEvaluation::kMaxWaitingPerSeries) +
                   " wait for their target time; the oldest go unjudged");
      }
    }
    return Status::Ok();
  }

  std::string SaveState() const override { return live_.Save(); }
  Status RestoreState(std::string_view bytes) override { return live_.Restore(bytes); }

 private:
  // Between records only: a record is scored by one version from start to end.
  void MaybeRefresh(int64_t now_ns) {
    if (model_ != nullptr && now_ns - last_refresh_ns_ < options_.refresh_ms * 1'000'000) return;
    last_refresh_ns_ = now_ns;
    Result<bool> changed = options_.slot->Refresh();
    if (!changed.ok()) {
      LogWarning("predict: keeping " + options_.slot->current()->version().Label() + ": " +
                 changed.status().message());
    }
    std::shared_ptr<const ml::ServingModel> current = options_.slot->current();
    if (model_ != nullptr && current != model_) ++counts_->swaps;
    model_ = std::move(current);
  }

  // A field's value as text: a string as-is, an integer in decimal; else empty.
  static std::string TextOf(const simdjson::dom::object& object, const std::string& field) {
    simdjson::dom::element value;
    if (object.at_key(field).get(value)) return "";
    std::string_view text;
    if (!value.get_string().get(text)) return std::string(text);
    int64_t number = 0;
    if (!value.get_int64().get(number)) return std::to_string(number);
    return "";
  }

  // The predictions of `key` whose target time `ts_ms` reaches, judged.
  void Judge(std::string_view key, int64_t ts_ms, double actual,
             std::vector<process::OutputRecord>* out) {
    judged_.clear();
    live_.Reach(key, ts_ms, actual, &judged_);
    for (const Judged& judged : judged_) {
      process::OutputRecord& record = out->emplace_back();
      record.topic = options_.evaluation_topic;
      record.key = judged.pair;
      record.timestamp_ms = ts_ms;
      judged.AppendJson(record.value);
      ++counts_->judged;
    }
  }

  Status Reject(const stream::ConsumedRecord& record, std::string why,
                std::vector<process::OutputRecord>* out) {
    ++counts_->rejected;
    out->push_back(process::DeadLetterOf(record, options_.dead_letter_topic, std::move(why)));
    return Status::Ok();
  }

  const PredictOptions options_;
  const std::shared_ptr<PredictCounts> counts_;
  simdjson::dom::parser parser_;
  std::shared_ptr<const ml::ServingModel> model_;
  int64_t last_refresh_ns_ = 0;
  std::vector<double> row_;
  LiveEvaluation live_;
  std::vector<Judged> judged_;
};

}  // namespace

Result<std::unique_ptr<process::PartitionOperator>> MakePredictOperator(
    const PredictOptions& options, std::shared_ptr<PredictCounts> counts) {
  if (options.slot == nullptr) return Status::InvalidArgument("predict: no model slot");
  if (options.horizon_ms < 0) return Status::InvalidArgument("predict: a negative horizon");
  if (counts == nullptr) counts = std::make_shared<PredictCounts>();
  return std::unique_ptr<process::PartitionOperator>(
      std::make_unique<PredictOperator>(options, std::move(counts)));
}

}  // namespace rtml::serve
