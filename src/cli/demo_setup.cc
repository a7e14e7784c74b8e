#include "demo_setup.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

namespace rtml::cli {
namespace {

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

}  // namespace rtml::cli
