// rtml train: train candidate models against a baseline and register the one that
// beats it - from a config (market flow: a feature group of the store) or from flags
// naming a topic of labelled records (generic flow) - once, or on a schedule.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "broker_flags.h"
#include "command.h"
#include "registry_flags.h"
#include "rtml/core/clock.h"
#include "rtml/core/duration.h"
#include "rtml/core/timestamp.h"
#include "rtml/ml/model_registry.h"
#include "stop_signal.h"
#include "store_flags.h"
#include "timestamp.h"
#include "train_run.h"

namespace rtml::cli {
namespace {

void DefineFlags(FlagSet& flags) {
  flags.Value("config", "FILE", "a training config (YAML; see docs/models.md)");
  flags.Value("datasource", "TOPIC", "train from labelled records of this topic");
  flags.Value("format", "FORMAT", "the topic's records: json (default) or csv");
  flags.Value("label", "FIELD", "the field to predict");
  flags.Value("features", "LIST", "the feature fields, comma-separated (default: all others)");
  flags.Value("columns", "LIST",
              "csv: the names of the values, in order (default: a header record)");
  flags.Value("from", "TIME", "records from this time (ISO-8601, ms, or '2h ago')");
  flags.Value("from-offset", "N", "records from this offset of every partition");
  flags.Value("to", "TIME", "records before this time");
  flags.Repeated("model", "SPEC", "a candidate model spec file (YAML or JSON)");
  flags.Value("task", "TASK", "regression (default) or classification");
  flags.Value("name", "NAME", "the registered model's name (default: the topic)");
  flags.Value("validation", "F", "share of rows for validation (default 0.15)");
  flags.Value("test", "F", "share of rows for the final test (default 0.15)");
  flags.Value("trials", "N", "random-search trials per candidate (default 1)");
  flags.Value("budget", "DURATION", "time limit of the search, e.g. 2m");
  flags.Value("folds", "K", "score the search on K walk-forward folds (default: validation)");
  flags.Value("metric", "NAME", "mae or rmse; accuracy or f1 (default mae / accuracy)");
  flags.Value("margin", "F", "how much better than the baseline a model must be (0.01 = 1%)");
  flags.Value("promote", "ALIAS", "point this alias at an accepted version (e.g. production)");
  flags.Value("every", "DURATION", "retrain on this schedule (e.g. 1h) until Ctrl-C");
  flags.Value("dead-letter-topic", "TOPIC", "where unusable records go (default: TOPIC.dlq)");
  flags.Bool("quiet", "no per-trial progress");
  AddBrokerFlags(flags);
  AddStoreFlags(flags);
  AddRegistryFlags(flags);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<double> Fraction(const ParsedFlags& flags, std::string_view name, double fallback) {
  const auto text = flags.Get(name);
  if (!text) return fallback;
  char* end = nullptr;
  const std::string copy(*text);
  const double value = std::strtod(copy.c_str(), &end);
  if (end == copy.c_str() || *end != '\0' || !(value >= 0 && value < 1)) {
    return Status::InvalidArgument("--" + std::string(name) +
                                   ": expected a number in [0, 1), not '" + copy + "'");
  }
  return value;
}

// The generic flow's config, from flags.
Result<ml::TrainConfig> ConfigFromFlags(const ParsedFlags& flags) {
  ml::TrainConfig config;
  ml::TopicDataOptions source;
  source.topic = std::string(*flags.Get("datasource"));
  RTML_ASSIGN_OR_RETURN(source.format, ml::ParseRecordFormat(flags.Get("format").value_or("json")));
  source.label = std::string(flags.Get("label").value_or(""));
  if (source.label.empty()) return Status::InvalidArgument("--label: name the field to predict");
  source.features = SplitCommaList(flags.Get("features").value_or(""));
  source.columns = SplitCommaList(flags.Get("columns").value_or(""));
  const int64_t now = WallClockMs();
  if (const auto from = flags.Get("from")) {
    RTML_ASSIGN_OR_RETURN(const int64_t ms, ParseTimeSpecMs(*from, now));
    source.from = stream::SeekTarget::Timestamp(ms);
  }
  if (flags.Has("from-offset")) {
    RTML_ASSIGN_OR_RETURN(const int64_t offset, flags.GetInt("from-offset", 0, 0, INT64_MAX));
    source.from = stream::SeekTarget::Offset(offset);
  }
  if (const auto to = flags.Get("to")) {
    RTML_ASSIGN_OR_RETURN(source.to_ms, ParseTimeSpecMs(*to, now));
  }
  const std::string task(flags.Get("task").value_or("regression"));
  if (task == "classification") {
    config.plan.task = ml::Task::kClassification;
    source.class_labels = true;
  } else if (task != "regression") {
    return Status::InvalidArgument("--task: expected regression or classification");
  }
  config.name = std::string(flags.Get("name").value_or(source.topic));
  RTML_RETURN_IF_ERROR(ml::CheckModelName(config.name));
  const std::vector<std::string_view> specs = flags.GetAll("model");
  if (specs.empty()) return Status::InvalidArgument("--model: give at least one model spec file");
  for (std::string_view path : specs) {
    RTML_ASSIGN_OR_RETURN(const std::string text, ReadFile(std::string(path)));
    ml::Candidate candidate;
    RTML_ASSIGN_OR_RETURN(candidate.spec, ml::ParseModelSpec(text, path));
    config.plan.candidates.push_back(std::move(candidate));
  }
  config.plan.baseline = ml::DefaultBaseline(config.plan.task, "");
  config.data = std::move(source);
  return config;
}

// Flags that tune any run, config or not.
Status ApplyTuning(const ParsedFlags& flags, ml::TrainConfig& config) {
  ml::TrainPlan& plan = config.plan;
  RTML_ASSIGN_OR_RETURN(plan.validation_fraction,
                        Fraction(flags, "validation", plan.validation_fraction));
  RTML_ASSIGN_OR_RETURN(plan.test_fraction, Fraction(flags, "test", plan.test_fraction));
  RTML_ASSIGN_OR_RETURN(plan.margin, Fraction(flags, "margin", plan.margin));
  RTML_ASSIGN_OR_RETURN(const int64_t trials, flags.GetInt("trials", plan.trials, 1, 100'000));
  plan.trials = static_cast<int>(trials);
  RTML_ASSIGN_OR_RETURN(const int64_t folds, flags.GetInt("folds", plan.folds, 0, 100));
  plan.folds = static_cast<int>(folds);
  if (const auto budget = flags.Get("budget")) {
    RTML_ASSIGN_OR_RETURN(const int64_t ms, ParseDurationMs(*budget));
    plan.budget_seconds = static_cast<double>(ms) / 1000;
  }
  if (const auto metric = flags.Get("metric")) {
    RTML_ASSIGN_OR_RETURN(plan.metric, ml::ParseMetric(*metric, plan.task));
  } else if (!flags.Has("config")) {
    plan.metric = plan.task == ml::Task::kClassification ? ml::Metric::kAccuracy : ml::Metric::kMae;
  }
  if (const auto promote = flags.Get("promote")) config.promote = std::string(*promote);
  if (const auto every = flags.Get("every")) {
    RTML_ASSIGN_OR_RETURN(config.every_ms, ParseDurationMs(*every));
  }
  return Status::Ok();
}

Result<ml::TrainConfig> ConfigOf(const ParsedFlags& flags) {
  if (Status none = flags.ExpectPositional(0, ""); !none.ok()) return none;
  const bool from_config = flags.Has("config"), from_topic = flags.Has("datasource");
  if (from_config == from_topic) {
    return Status::InvalidArgument("give either --config FILE or --datasource TOPIC");
  }
  ml::TrainConfig config;
  if (from_config) {
    for (const char* topic_flag :
         {"format", "label", "features", "columns", "model", "task", "name"}) {
      if (flags.Has(topic_flag)) {
        return Status::InvalidArgument("--" + std::string(topic_flag) +
                                       " is for --datasource; put it in the config");
      }
    }
    RTML_ASSIGN_OR_RETURN(config, LoadTrainConfigFile(std::string(*flags.Get("config"))));
  } else {
    RTML_ASSIGN_OR_RETURN(config, ConfigFromFlags(flags));
  }
  RTML_RETURN_IF_ERROR(ApplyTuning(flags, config));
  return config;
}

ExitStatus Run(const Invocation& invocation) {
  Result<ml::TrainConfig> config = ConfigOf(invocation.flags);
  if (!config.ok()) return ExitStatus::FromInputStatus(config.status());
  if (config->every_ms == 0) {
    Result<TrainRunResult> run = RunTraining(*config, invocation.flags);
    if (!run.ok()) return ExitStatus::FromInputStatus(run.status());
    return ExitStatus::Ok();
  }
  // On a schedule: a failed run is reported and the next one tried.
  InstallStopHandlers();
  while (!StopRequested()) {
    const int64_t started = WallClockMs();
    Result<TrainRunResult> run = RunTraining(*config, invocation.flags);
    if (!run.ok())
      std::fprintf(stderr, "%s: %s\n", invocation.path.c_str(), run.status().message().c_str());
    const int64_t next = started + config->every_ms;
    std::fprintf(stderr, "train: next run at %s (Ctrl-C to stop)\n", FormatIso8601Ms(next).c_str());
    while (!StopRequested() && WallClockMs() < next) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return ExitStatus::Ok();
}

}  // namespace

const Command& TrainCommand() {
  static constexpr Command kCommand{
      .name = "train",
      .summary = "Train models against a baseline and register the one that beats it",
      .usage =
          "rtml train --config FILE [flags]\n"
          "rtml train --datasource TOPIC --label FIELD --model SPEC... [flags]",
      .description =
          "Rows are split by time - train, then validation, then test; nothing is shuffled\n"
          "across time. Each candidate is tuned by random search (--trials, --budget) on the\n"
          "validation rows or walk-forward folds; the best is tested once, next to the\n"
          "baseline (the current value of a target ahead, the training mean, or the\n"
          "majority class), and registered only if it beats the baseline on the test rows\n"
          "by --margin; otherwise the run says why it registered nothing.\n"
          "\n"
          "--config names a feature group of the store and a target ahead (the market flow)\n"
          "or a topic; --datasource reads labelled JSON objects or CSV values of a topic,\n"
          "and records that cannot be used (a missing label, a value that is not a number,\n"
          "NaN) go to the dead-letter topic with the reason. See docs/models.md.",
      .example =
          "rtml train --config train.yaml --promote production\n"
          "rtml train --datasource sensors --format csv --label y --model ridge.yaml "
          "--model xgb.yaml\n"
          "rtml train --config train.yaml --every 1h",
      .define_flags = DefineFlags,
      .run = Run};
  return kCommand;
}

}  // namespace rtml::cli
