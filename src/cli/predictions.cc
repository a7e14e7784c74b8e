// rtml predictions stats: the live error of each model version that served - from
// the predict stage's evaluation topic - next to the baseline's on the same
// predictions.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "broker_flags.h"
#include "command.h"
#include "rtml/serve/live_error.h"
#include "rtml/stream/topic_reader.h"
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
};

}  // namespace

const Command& PredictionsCommand() {
  static constexpr Command kCommand{.name = "predictions",
                                    .summary = "How the live predictions did",
                                    .usage = "rtml predictions COMMAND [flags]",
                                    .example = "rtml predictions stats",
                                    .subcommands = kSubcommands};
  return kCommand;
}

}  // namespace rtml::cli
