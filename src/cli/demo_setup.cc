#include "demo_setup.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "rtml/ingest/trade.h"
#include "rtml/stream/topic_reader.h"

namespace rtml::cli {
namespace {

// Newest trades per partition looked at first on a restart.
constexpr int64_t kTailRecords = 20'000;

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IOError("cannot write " + path);
  return Status::Ok();
}

std::string PipelineYaml(const DemoConfigOptions& options) {
  std::string yaml =
      "# Written by rtml demo; edit freely (a rerun keeps this file). See\n"
      "# docs/pipeline-config.md.\n"
      "name: demo\n"
      "stages:\n"
      "  - {name: candles, kind: candles, windows: [1s]}\n"
      "  - {name: features, kind: features,\n"
      "     features: [ema_5, ema_20, rsi_14, macd_12_26_9, bbands_20_2]}\n"
      "  - {name: store, kind: store, group: market}\n";
  for (const std::string& pair : options.pairs) {
    const std::string model = DemoModelName(pair);
    yaml += "  - {name: predict-" + model + ", kind: predict, model: " + model +
            ", horizon: " + std::to_string(kDemoHorizonSeconds) + "s,\n     where: {pair: \"" +
            pair + "\", candle_seconds: 1}}\n";
  }
  yaml +=
      "feature_groups:\n"
      "  - {name: market, version: 1, from_stage: features, key: [pair, candle_seconds],\n"
      "     event_time: window_end_ms}\n"
      "training:\n";
  for (const std::string& pair : options.pairs) {
    yaml += "  - {config: train/" + DemoModelName(pair) +
            ".yaml, every: " + std::to_string(options.retrain_every_ms / 1000) + "s}\n";
  }
  return yaml;
}

std::string TrainYaml(const std::string& pair) {
  return "# Written by rtml demo; see docs/models.md.\n"
         "name: " +
         DemoModelName(pair) +
         "\n"
         "data: {feature_group: market, where: {pair: \"" +
         pair +
         "\", candle_seconds: 1},\n"
         "       features: [close, ema_5, ema_20, rsi_14, macd_12_26_9, macd_hist_12_26_9]}\n"
         "target: {feature: close, ahead: " +
         std::to_string(kDemoHorizonSeconds) +
         "s}\n"
         "candidates:\n"
         "  - {type: ridge, params: {alpha: 1}, search: {alpha: {low: 0.001, high: 1000, log: "
         "true}}}\n"
         "search: {trials: 8, budget: 1m}\n"
         "split: {validation: 0.2, test: 0.2}\n"
         "gate: {metric: mae, margin: 0.01}\n"
         "promote: production\n";
}

}  // namespace

std::string DemoModelName(const std::string& pair) {
  std::string name;
  for (const char c : pair) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  return name + "-close-" + std::to_string(kDemoHorizonSeconds) + "s";
}

Result<bool> WriteDemoConfigs(const DemoLayout& layout, const DemoConfigOptions& options) {
  std::error_code error;
  if (std::filesystem::exists(layout.PipelineConfig(), error)) return false;
  std::filesystem::create_directories(layout.dir + "/train", error);
  if (error) return Status::IOError("cannot create " + layout.dir + "/train: " + error.message());
  for (const std::string& pair : options.pairs) {
    RTML_RETURN_IF_ERROR(
        WriteFile(layout.dir + "/train/" + DemoModelName(pair) + ".yaml", TrainYaml(pair)));
  }
  RTML_RETURN_IF_ERROR(WriteFile(layout.PipelineConfig(), PipelineYaml(options)));
  return true;
}

Result<std::map<std::string, StoredTrade>> NewestStoredTrades(
    stream::Broker& broker, const std::string& topic, const std::vector<std::string>& pairs) {
  std::map<std::string, StoredTrade> newest;
  Result<stream::TopicDescription> described = broker.DescribeTopic(topic);
  if (!described.ok()) {
    if (described.status().code() == StatusCode::kNotFound) return newest;
    return described.status();
  }
  // A tail that grows until it holds every pair (a backfill writes pair after pair)
  // or the whole topic.
  for (int64_t tail = kTailRecords;; tail *= 4) {
    std::map<int32_t, int64_t> tail_from;
    bool whole = true;
    for (const stream::PartitionInfo& info : described->partitions) {
      tail_from[info.partition] = std::max(info.start_offset, info.end_offset - tail);
      whole = whole && tail_from[info.partition] == info.start_offset;
    }
    newest.clear();
    RTML_RETURN_IF_ERROR(stream::ReadTopicToEnd(
        broker, topic, [&](int32_t p) { return stream::SeekTarget::Offset(tail_from[p]); },
        [&](const stream::ConsumedRecord& record) {
          Result<ingest::Trade> trade = ingest::ParseTradeJson(record.value);
          if (!trade.ok()) return Status::Ok();  // not ours to judge here
          StoredTrade& stored = newest[trade->pair];
          if (trade->trade_id > stored.trade_id) {
            stored = {.trade_id = trade->trade_id, .price = trade->price, .ts_ms = trade->ts_ms};
          }
          return Status::Ok();
        }));
    const bool all = std::all_of(pairs.begin(), pairs.end(),
                                 [&](const std::string& pair) { return newest.contains(pair); });
    if (all || whole) return newest;
  }
}

}  // namespace rtml::cli
