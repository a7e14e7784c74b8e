// What `rtml demo` keeps in its data directory and reads back when it runs again:
// the pipeline and training configs it writes on the first run (a user may edit
// them; later runs keep them), and the newest trade of each pair already stored, so
// the market goes on from there.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/stream/broker.h"

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

struct StoredTrade {
  int64_t trade_id = 0;
  double price = 0;
  int64_t ts_ms = 0;
};

// The newest trade of each pair in the trades topic, reading from the end of each
// partition only as far back as it takes to see each of `pairs` (or the whole
// topic). Empty for an empty or missing topic.
Result<std::map<std::string, StoredTrade>> NewestStoredTrades(
    stream::Broker& broker, const std::string& topic, const std::vector<std::string>& pairs);

}  // namespace rtml::cli
