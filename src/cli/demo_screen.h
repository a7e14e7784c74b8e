// What `rtml demo` shows while it runs: a screen redrawn every second on a terminal
// (trades/s, candles, features, each pair's model and latest prediction, live error
// next to the baseline's, recent events), else a status line every few seconds.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "pipeline_runtime.h"
#include "rtml/serve/live_error.h"
#include "rtml/serve/prediction_board.h"

namespace rtml::cli {

struct DemoSnapshot {
  std::string source;    // "synthetic market, seed 1, 30 trades/s" / "replay of 2 captures"
  std::string rest_url;  // http://127.0.0.1:PORT
  std::string data_dir;
  double seconds = 0;      // since the start
  int64_t duration_s = 0;  // 0: until Ctrl-C
  double trades_per_second = 0;
  int64_t trades = 0;      // ingested live by this run
  int64_t backfilled = 0;  // history written by this run's backfill
  int64_t rejected = 0;    // dead-lettered at ingestion
  std::vector<NamedStageStats> stages;
  std::vector<serve::LatestPrediction> latest;
  std::vector<serve::LiveErrorRow> live_errors;
  std::string training;            // "next run in 1m20s" / "waiting for 10 min of features"
  std::deque<std::string> events;  // newest last
};

// The full screen (ANSI: home and clear first).
std::string RenderDemoScreen(const DemoSnapshot& snapshot);
// One line, for logs: "12s: 30 trades/s, 350 trades, 28 candles, ... predictions".
std::string RenderDemoLine(const DemoSnapshot& snapshot);

}  // namespace rtml::cli
