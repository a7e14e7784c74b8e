// The market pipeline with a feature store, as the store-stage tests run it (here
// and in tests/kafka_pipeline), and how they compare stores.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace rtml::cli::testing {

// trades -> 1 s and 60 s candles -> rsi_14, ema_21, macd_12_26_9 -> store stage into
// feature group `market` keyed by (pair, candle_seconds) at window_end_ms, with TTL
// `ttl` ("" for none).
std::string MarketStoreConfig(const std::string& ttl = "");

// Everything the stores hold for group `market`: the offline history (export over
// all time, in key and time order, as JSON lines) and the verify report (every online
// row is the newest offline row). Both commands are expected to succeed.
std::string StoreDump(const CliRunner& cli, const std::string& store_flags);

// Equal dumps, or where they first differ (dumps are thousands of lines).
::testing::AssertionResult SameDump(const std::string& got, const std::string& expected);

}  // namespace rtml::cli::testing
