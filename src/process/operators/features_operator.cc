// The features stage: candles in, candles with their indicators out.
#include <algorithm>
#include <limits>
#include <map>

#include "rtml/core/state_bytes.h"
#include "rtml/process/dead_letters.h"
#include "rtml/process/feature_record.h"
#include "rtml/process/indicators/indicator.h"
#include "rtml/process/operators.h"

namespace rtml::process {
namespace {

constexpr std::string_view kStateTag = "rtml.features.v1";

class FeaturesOperator final : public PartitionOperator {
 public:
  explicit FeaturesOperator(FeaturesStageOptions options) : options_(std::move(options)) {}

  // Checks every feature name by making it once.
  Status Validate() {
    RTML_ASSIGN_OR_RETURN(Series series, NewSeries());
    return Status::Ok();
  }

  Status Process(const stream::ConsumedRecord& record, std::vector<OutputRecord>* out) override {
    Result<Candle> candle = ParseCandleJson(record.value);
    if (!candle.ok()) {
      out->push_back(DeadLetterOf(record, options_.dlq, candle.status().message()));
      return Status::Ok();
    }
    const auto& sizes = options_.candle_seconds;
    if (!sizes.empty() &&
        std::find(sizes.begin(), sizes.end(), candle->candle_seconds) == sizes.end()) {
      return Status::Ok();
    }
    auto [it, inserted] = series_.try_emplace({candle->pair, candle->candle_seconds});
    if (inserted) {
      RTML_ASSIGN_OR_RETURN(it->second, NewSeries());
    }
    Series& series = it->second;
    if (candle->window_start_ms < series.newest_start) {
      out->push_back(DeadLetterOf(record, options_.dlq,
                                  "candle of window " + std::to_string(candle->window_start_ms) +
                                      " is older than the newest one, " +
                                      std::to_string(series.newest_start) +
                                      ": indicators cannot take back their history"));
      return Status::Ok();
    }
    const bool same_window = candle->window_start_ms == series.newest_start;
    for (auto& indicator : series.indicators) {
      same_window ? indicator->ReplaceLast(*candle) : indicator->Update(*candle);
    }
    series.newest_start = candle->window_start_ms;

    OutputRecord& features = out->emplace_back();
    features.topic = options_.output;
    features.key = candle->pair;
    features.timestamp_ms = candle->window_start_ms;
    AppendFeatureRecordJson(*candle, series.indicators, features.value);
    return Status::Ok();
  }

  std::string SaveState() const override {
    StateWriter writer(kStateTag);
    writer.Put<uint64_t>(series_.size());
    for (const auto& [key, series] : series_) {
      writer.PutString(key.first);
      writer.Put(key.second);
      writer.Put(series.newest_start);
      for (const auto& indicator : series.indicators) writer.PutString(indicator->SaveState());
    }
    return writer.Take();
  }

  Status RestoreState(std::string_view bytes) override {
    StateReader reader(bytes, kStateTag);
    uint64_t count = 0;
    reader.Get(&count);
    std::map<SeriesKey, Series> restored;
    for (uint64_t i = 0; i < count && reader.ok(); ++i) {
      SeriesKey key;
      reader.GetString(&key.first);
      reader.Get(&key.second);
      RTML_ASSIGN_OR_RETURN(Series series, NewSeries());
      reader.Get(&series.newest_start);
      for (auto& indicator : series.indicators) {
        std::string state;
        if (!reader.GetString(&state)) break;
        RTML_RETURN_IF_ERROR(indicator->RestoreState(state));
      }
      restored.emplace(std::move(key), std::move(series));
    }
    if (!reader.done()) return Status::InvalidArgument("not a features stage state");
    series_ = std::move(restored);
    return Status::Ok();
  }

 private:
  using SeriesKey = std::pair<std::string, int64_t>;  // pair, candle_seconds
  struct Series {
    int64_t newest_start = std::numeric_limits<int64_t>::min();
    std::vector<std::unique_ptr<Indicator>> indicators;
  };

  Result<Series> NewSeries() const {
    Series series;
    for (const std::string& name : options_.features) {
      RTML_ASSIGN_OR_RETURN(std::unique_ptr<Indicator> indicator, MakeIndicator(name));
      series.indicators.push_back(std::move(indicator));
    }
    return series;
  }

  const FeaturesStageOptions options_;
  std::map<SeriesKey, Series> series_;
};

}  // namespace

Result<std::unique_ptr<PartitionOperator>> MakeFeaturesOperator(
    const FeaturesStageOptions& options) {
  auto features = std::make_unique<FeaturesOperator>(options);
  RTML_RETURN_IF_ERROR(features->Validate());
  return std::unique_ptr<PartitionOperator>(std::move(features));
}

}  // namespace rtml::process
