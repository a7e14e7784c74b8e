// rtml predictions stats|serve: the live error of each model version that served -
// from the predict stage's evaluation topic - next to the baseline's on the same
// predictions; and the live predictions over REST.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include <thread>

#include "broker_flags.h"
#include "command.h"
#include "ensure_topic.h"
#include "prediction_follower.h"
#include "rtml/control/metrics_route.h"
#include "rtml/control/prediction_routes.h"
#include "rtml/serve/live_error.h"
#include "rtml/serve/prediction_board.h"
#include "rtml/stream/topic_reader.h"
#include "stop_signal.h"
#include "table.h"

namespace rtml::cli {
namespace {

void DefineStatsFlags(FlagSet& flags) {
  flags.Value("topic", "TOPIC", "the predict stage's evaluation topic (default predictions.eval)");
  flags.Value("pair", "PAIR", "only this pair's predictions");
  AddBrokerFlags(flags);
}

std::string Figure(double value, const char* format = "%.6g") {
  if (std::isnan(value)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

ExitStatus RunStats(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status none = flags.ExpectPositional(0, ""); !none.ok()) {
    return ExitStatus::Usage(none.message());
  }
  Result<std::unique_ptr<stream::Broker>> broker = OpenBrokerFromFlags(flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  const std::string topic(flags.Get("topic").value_or("predictions.eval"));
  const std::string pair(flags.Get("pair").value_or(""));
  serve::LiveErrorTable table;
  std::map<std::string, int64_t> unreadable;
  const Status read = stream::ReadTopicToEnd(
      **broker, topic, stream::SeekTarget::Beginning(), [&](const stream::ConsumedRecord& record) {
        Result<serve::Judged> judged = serve::ParseJudgedJson(record.value);
        if (!judged.ok()) {
          ++unreadable[judged.status().message()];
        } else if (pair.empty() || judged->pair == pair) {
          table.Add(*judged);
        }
        return Status::Ok();
      });
  if (!read.ok()) return ExitStatus::Failure(read.WithContext("topic " + topic));
  for (const auto& [why, count] : unreadable) {
    std::fprintf(stderr, "%s: %" PRId64 " records skipped: %s\n", invocation.path.c_str(), count,
                 why.c_str());
  }
  Table out({"MODEL", "VERSION", "PAIRS", "PREDICTIONS", "MAE", "BASELINE_MAE", "VS_BASELINE",
             "DIRECTION"});
  for (const serve::LiveErrorRow& row : table.Rows()) {
    out.AddRow({row.model, row.model_version == 0 ? "baseline" : std::to_string(row.model_version),
                std::to_string(row.pairs), std::to_string(row.predictions), Figure(row.mae),
                Figure(row.baseline_mae),
                row.baseline_mae > 0 ? Figure(row.mae / row.baseline_mae, "%.3fx") : "-",
                Figure(100 * row.directional_accuracy, "%.1f%%")});
  }
  std::fputs(out.Render().c_str(), stdout);
  return ExitStatus::Ok();
}

void DefineServeFlags(FlagSet& flags) {
  flags.Value("address", "IP", "the address to listen on (default 127.0.0.1: this machine only)");
  flags.Value("port", "N", "the TCP port (default 8082; 0: any free port, printed)");
  flags.Value("topic", "TOPIC", "the predictions topic (default predictions)");
  flags.Value("evaluation", "TOPIC", "the evaluation topic (default predictions.eval)");
  AddBrokerFlags(flags);
}

ExitStatus RunServe(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  if (Status none = flags.ExpectPositional(0, ""); !none.ok()) {
    return ExitStatus::Usage(none.message());
  }
  Result<int64_t> port = flags.GetInt("port", 8082, 0, 65535);
  if (!port.ok()) return ExitStatus::Usage(port.status().message());
  Result<std::unique_ptr<stream::Broker>> broker = OpenBrokerFromFlags(flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  serve::PredictionBoard board;
  ingest::net::LoopbackServer server(
      {.address = std::string(flags.Get("address").value_or("127.0.0.1")),
       .port = static_cast<uint16_t>(*port)});
  control::AddPredictionRoutes(server, board);
  control::AddMetricsRoute(server, {[&board] { return board.PrometheusText(); }});
  if (Status started = server.Start(); !started.ok()) return ExitStatus::Failure(started);
  InstallStopHandlers();
  std::fprintf(stderr,
               "rtml predictions serve: %s/predictions?pair=PAIR, /metrics, /health (Ctrl-C to "
               "stop)\n",
               server.BaseUrl(false).c_str());
  const Status followed = FollowPredictions(
      **broker, std::string(flags.Get("topic").value_or("predictions")),
      std::string(flags.Get("evaluation").value_or("predictions.eval")), board, StopRequested);
  server.Stop();
  if (!followed.ok()) return ExitStatus::Failure(followed);
  return ExitStatus::Ok();
}

constexpr Command kSubcommands[] = {
    {.name = "stats",
     .summary = "Live error of each model version, next to the baseline's",
     .usage = "rtml predictions stats [--topic TOPIC] [--pair PAIR] [flags]",
     .description =
         "Reads the judged predictions a predict stage writes (predictions.eval): each\n"
         "prediction next to the value that came true at its target time. One row per\n"
         "model version that served (version 0 is the baseline): how many predictions\n"
         "were judged, their MAE, the baseline's MAE on the same predictions (the value\n"
         "when each was made: 'it stays'), the ratio, and how often the direction of the\n"
         "move was right (predictions of no move are never right).",
     .example = "rtml predictions stats\nrtml predictions stats --pair BTCUSDT",
     .define_flags = DefineStatsFlags,
     .run = RunStats},
    {.name = "serve",
     .summary = "Serve the live predictions over REST",
     .usage = "rtml predictions serve [--port N] [flags]",
     .description =
         "Follows the predictions and evaluation topics (from their start) and answers\n"
         "GET /predictions?pair=PAIR[&recent=N] (the pair's latest prediction and its N\n"
         "most recent), GET /predictions (every pair's latest), GET /health and GET\n"
         "/metrics (Prometheus text: predictions and scoring latency per model version,\n"
         "each version's live MAE next to the baseline's, directions called).",
     .example = "rtml predictions serve --port 8082\n"
                "curl 'http://127.0.0.1:8082/predictions?pair=BTCUSDT&recent=5'",
     .define_flags = DefineServeFlags,
     .run = RunServe},
};

}  // namespace

const Command& PredictionsCommand() {
  static constexpr Command kCommand{
      .name = "predictions",
      .summary = "How the live predictions did",
      .usage = "rtml predictions COMMAND [flags]",
      .example = "rtml predictions stats\nrtml predictions serve --port 8082",
      .subcommands = kSubcommands};
  return kCommand;
}

}  // namespace rtml::cli
