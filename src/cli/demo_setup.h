// What `rtml demo` keeps in its data directory: the pipeline and training configs
// it writes on the first run (a user may edit them; later runs keep them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::cli {

struct DemoLayout {
  std::string dir;
  std::string Log() const { return dir + "/log"; }  // the embedded broker
  std::string Store() const { return dir + "/features"; }
  std::string Registry() const { return dir + "/models"; }
  std::string PipelineConfig() const { return dir + "/pipeline.yaml"; }
};

inline constexpr int64_t kDemoHorizonSeconds = 10;  // predictions are of the close 10 s ahead

// "BTC/USD" -> "btc-usd-close-10s": the model that predicts a pair.
std::string DemoModelName(const std::string& pair);

struct DemoConfigOptions {
  std::vector<std::string> pairs;  // as the exchange names them (the trades' `pair`)
  int64_t retrain_every_ms = 0;
};

// Writes the pipeline config (1 s candles, indicators, the feature store, a predict
// stage per pair, retraining) and a training config per pair, unless the pipeline
// config exists already. Returns whether it wrote them.
Result<bool> WriteDemoConfigs(const DemoLayout& layout, const DemoConfigOptions& options);

}  // namespace rtml::cli
