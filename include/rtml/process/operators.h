// The stages of the market flow as PartitionOperators for a StageRunner:
//   candles:  trades topic  -> candles topic   (CandleAggregator)
//   features: candles topic -> features topic  (Indicators per pair and candle size)
// Records that cannot be used go to the stage's dead-letter topic, in the format of
// ingest/dead_letter.h, with source "topic:<input>" and the input's partition and
// offset. Both operators are deterministic (no wall clock), as the runner requires.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/process/candle_aggregator.h"
#include "rtml/process/operator.h"

namespace rtml::process {

struct CandlesStageOptions {
  std::string input = "trades";
  std::string output = "candles";
  std::string dlq = "candles.dlq";
  CandleAggregatorOptions aggregator;
};

// Candle records: key = pair, timestamp = window_start_ms, value = the candle's JSON.
// A corrected or `current` candle is written again under the same window.
Result<std::unique_ptr<PartitionOperator>> MakeCandlesOperator(const CandlesStageOptions& options);

struct FeaturesStageOptions {
  std::string input = "candles";
  std::string output = "features";
  std::string dlq = "features.dlq";
  // Candle sizes to compute features for (others are ignored); empty: all.
  std::vector<int64_t> candle_seconds;
  std::vector<std::string> features;  // indicator names, e.g. "rsi_14", "macd_12_26_9"
};

// Feature records: key = pair, timestamp = window_start_ms, value = the candle's
// JSON fields followed by every indicator output by name (null until it is warm):
//   {"pair":"BTCUSDT","candle_seconds":60,...,"trade_count":118,"rsi_14":55.2,...}
// Per (pair, candle size) a newer window is a new bar; the same window again (a
// correction, a `current` update) replaces the newest bar. A candle for a window
// older than the newest one cannot be taken back into the indicators' history: it
// is dead-lettered with that reason. InvalidArgument for an unknown feature name.
Result<std::unique_ptr<PartitionOperator>> MakeFeaturesOperator(
    const FeaturesStageOptions& options);

}  // namespace rtml::process
