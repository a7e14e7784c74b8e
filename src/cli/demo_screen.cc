#include "demo_screen.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "table.h"

namespace rtml::cli {
namespace {

std::string Format(const char* format, double value) {
  if (std::isnan(value)) return "-";
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// The stage named "<pipeline>.<name>", if it runs.
const process::StageStats* Stage(const DemoSnapshot& s, const std::string& name) {
  for (const NamedStageStats& stage : s.stages) {
    if (stage.name.size() > name.size() && stage.name.ends_with("." + name)) return &stage.stats;
  }
  return nullptr;
}

int64_t Outputs(const DemoSnapshot& s, const std::string& name) {
  const process::StageStats* stage = Stage(s, name);
  return stage == nullptr ? 0 : stage->records_out - stage->dead_letters;
}

int64_t Predictions(const DemoSnapshot& s) {
  int64_t total = 0;
  for (const serve::LatestPrediction& latest : s.latest) total += latest.received;
  return total;
}

// The live error row of a model's version, if judged yet.
const serve::LiveErrorRow* ErrorOf(const DemoSnapshot& s, const std::string& model,
                                   int64_t version) {
  for (const serve::LiveErrorRow& row : s.live_errors) {
    if (row.model == model && row.model_version == version) return &row;
  }
  return nullptr;
}

}  // namespace

std::string RenderDemoScreen(const DemoSnapshot& s) {
  std::string out = "\033[H\033[2J";
  char line[512];
  std::snprintf(line, sizeof line, "rtml demo - %s - %.0fs%s (Ctrl-C to stop; a rerun resumes)\n",
                s.data_dir.c_str(), s.seconds,
                s.duration_s > 0 ? (" of " + std::to_string(s.duration_s) + "s").c_str() : "");
  out += line;
  out += "market:   " + s.source + "\n";
  out += "REST:     " + s.rest_url + "/predictions?pair=PAIR  /predictions  /metrics  /health\n";
  std::snprintf(line, sizeof line,
                "ingest:   %.0f trades/s, %" PRId64 " live trades, %" PRId64 " backfilled, %" PRId64
                " rejected\n",
                s.trades_per_second, s.trades, s.backfilled, s.rejected);
  out += line;
  std::snprintf(line, sizeof line,
                "pipeline: %" PRId64 " candles, %" PRId64 " feature rows, %" PRId64
                " stored, %" PRId64 " predictions\n",
                Outputs(s, "candles"), Outputs(s, "features"),
                Stage(s, "store") == nullptr ? 0 : Stage(s, "store")->records_in, Predictions(s));
  out += line;
  out += "training: " + s.training + "\n\n";

  Table table(
      {"PAIR", "MODEL", "SERVING", "LATEST", "FOR", "LIVE_MAE", "BASELINE_MAE", "VS", "JUDGED"});
  for (const serve::LatestPrediction& latest : s.latest) {
    const serve::LiveErrorRow* error = ErrorOf(s, latest.model, latest.model_version);
    const bool judged = error != nullptr && error->predictions > 0;
    table.AddRow(
        {latest.pair, latest.model,
         latest.model_version == 0 ? "baseline" : "v" + std::to_string(latest.model_version),
         Format("%.6g", latest.prediction),
         "+" + std::to_string((latest.target_ts_ms - latest.ts_ms) / 1000) + "s",
         judged ? Format("%.4g", error->mae) : "-",
         judged ? Format("%.4g", error->baseline_mae) : "-",
         judged && error->baseline_mae > 0 ? Format("%.3fx", error->mae / error->baseline_mae)
                                           : "-",
         judged ? std::to_string(error->predictions) : "0"});
  }
  out += s.latest.empty() ? "(no predictions yet: the features are warming up)\n" : table.Render();
  out += "\nrecent events:\n";
  for (const std::string& event : s.events) out += "  " + event + "\n";
  return out;
}

std::string RenderDemoLine(const DemoSnapshot& s) {
  char line[512];
  std::snprintf(line, sizeof line,
                "demo %.0fs: %.0f trades/s, %" PRId64 " live trades, %" PRId64
                " backfilled, %" PRId64 " candles, %" PRId64 " feature rows, %" PRId64
                " predictions",
                s.seconds, s.trades_per_second, s.trades, s.backfilled, Outputs(s, "candles"),
                Outputs(s, "features"), Predictions(s));
  return line;
}

}  // namespace rtml::cli
