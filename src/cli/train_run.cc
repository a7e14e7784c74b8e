#include "train_run.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "broker_flags.h"
#include "ensure_topic.h"
#include "registry_flags.h"
#include "rtml/core/clock.h"
#include "rtml/ml/model_registry.h"
#include "rtml/process/dead_letters.h"
#include "rtml/stream/producer.h"
#include "store_flags.h"
#include "table.h"

namespace rtml::cli {
namespace {

using ml::TrainConfig;

// The rows of a run, and what its registered version records about them.
struct Loaded {
  ml::Dataset data;
  ml::ReadCounts counts;
  ml::ModelVersion about;  // source, target, feature group
};

Result<Loaded> LoadStoreRows(const ml::StoreSource& source, const ParsedFlags& flags) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<features::FeatureStore> store,
                        OpenStore(StoreUrisFromFlags(flags)));
  Loaded loaded;
  ml::StoreDataOptions options{.where = source.where,
                               .features = source.features,
                               .target = source.target,
                               .ahead_ms = source.ahead_ms,
                               .direction = source.direction,
                               .range = source.range};
  RTML_ASSIGN_OR_RETURN(options.group, store->FindGroup(source.group, source.version));
  RTML_ASSIGN_OR_RETURN(loaded.data,
                        ml::ReadStoreDataset(store->offline(), options, &loaded.counts));
  loaded.about.feature_group = options.group.name;
  loaded.about.feature_group_version = options.group.version;
  loaded.about.source =
      "features:" + options.group.name + "@" + std::to_string(options.group.version);
  loaded.about.target = source.target + (source.direction ? " rises in " : "+") +
                        std::to_string(source.ahead_ms / 1000) + "s";
  return loaded;
}

// Records it cannot use go to the dead-letter topic, with the reason.
Result<Loaded> LoadTopicRows(const ml::TopicDataOptions& source, const ParsedFlags& flags) {
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Broker> broker, OpenBrokerFromFlags(flags));
  const std::string dead_letters =
      std::string(flags.Get("dead-letter-topic").value_or(source.topic + ".dlq"));
  RTML_RETURN_IF_ERROR(EnsureTopic(*broker, dead_letters, 1));
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Producer> producer, broker->NewProducer());
  Loaded loaded;
  auto reject = [&](const stream::ConsumedRecord& record, const std::string& why) -> Status {
    const process::OutputRecord letter = process::DeadLetterOf(record, dead_letters, why);
    return producer->Produce(
        letter.topic,
        {.key = letter.key, .value = letter.value, .timestamp_ms = letter.timestamp_ms});
  };
  RTML_ASSIGN_OR_RETURN(loaded.data, ml::ReadTopicDataset(*broker, source, reject, &loaded.counts));
  RTML_RETURN_IF_ERROR(producer->Flush(std::chrono::seconds(30)));
  if (loaded.counts.rejected > 0) {
    std::fprintf(stderr, "train: %lld of %lld records rejected, dead-lettered to %s:\n",
                 static_cast<long long>(loaded.counts.rejected),
                 static_cast<long long>(loaded.counts.read), dead_letters.c_str());
    for (const auto& [reason, count] : loaded.counts.reasons) {
      std::fprintf(stderr, "  %lld  %s\n", static_cast<long long>(count), reason.c_str());
    }
  }
  loaded.about.source = "topic:" + source.topic;
  loaded.about.target = source.label;
  return loaded;
}

std::string Figure(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::vector<std::string> MetricCells(const ml::Evaluation& evaluation, ml::Task task) {
  if (task == ml::Task::kClassification) {
    return {Figure(evaluation.classification.accuracy), Figure(evaluation.classification.f1)};
  }
  const ml::RegressionMetrics& m = evaluation.regression;
  return {Figure(m.mae), Figure(m.rmse), Figure(m.r2),
          std::isfinite(m.directional_accuracy) ? Figure(m.directional_accuracy) : "-"};
}

void PrintResults(const ml::TrainOutcome& outcome, ml::Task task) {
  const bool regression = task == ml::Task::kRegression;
  std::vector<std::string> header = {"MODEL", "PARAMS", "TRIALS", "SEARCH_LOSS"};
  for (const char* name : regression ? std::vector<const char*>{"MAE", "RMSE", "R2", "DIRECTION"}
                                     : std::vector<const char*>{"ACCURACY", "F1"}) {
    header.push_back(std::string("TEST_") + name);
  }
  Table table(header);
  for (size_t c = 0; c < outcome.candidates.size(); ++c) {
    const ml::CandidateResult& result = outcome.candidates[c];
    std::vector<std::string> row = {result.spec.type, ml::FormatParams(result.spec),
                                    std::to_string(result.trials),
                                    result.trials > 0 ? Figure(result.search_loss) : "failed"};
    std::vector<std::string> cells = MetricCells(result.test, task);
    if (static_cast<int>(c) != outcome.chosen) cells.assign(cells.size(), "-");
    row.insert(row.end(), cells.begin(), cells.end());
    table.AddRow(row);
  }
  std::vector<std::string> baseline = {"baseline", "", "",
                                       Figure(outcome.baseline_validation.loss)};
  const std::vector<std::string> cells = MetricCells(outcome.baseline_test, task);
  baseline.insert(baseline.end(), cells.begin(), cells.end());
  table.AddRow(baseline);
  std::fputs(table.Render().c_str(), stdout);
  for (const ml::CandidateResult& result : outcome.candidates) {
    if (!result.error.empty()) {
      std::printf("%s failed: %s\n", result.spec.type.c_str(), result.error.c_str());
    }
  }
}

// Candidates and the baseline read every feature of the data unless they say.
void FillFeatures(ml::TrainPlan& plan, const std::vector<std::string>& features) {
  for (ml::Candidate& candidate : plan.candidates) {
    if (candidate.spec.features.empty()) candidate.spec.features = features;
  }
  if (plan.baseline.features.empty()) plan.baseline.features = features;
}

}  // namespace

Result<ml::TrainConfig> LoadTrainConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  const size_t slash = path.find_last_of('/');
  return ml::ParseTrainConfig(text.str(), path,
                              slash == std::string::npos ? "." : path.substr(0, slash));
}

Result<TrainRunResult> RunTraining(const TrainConfig& config, const ParsedFlags& flags,
                                   bool report) {
  // Open the registry first: a bad directory should not cost a training run.
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<ml::ModelRegistry> registry, OpenRegistryFromFlags(flags));
  Result<Loaded> loaded = std::holds_alternative<ml::StoreSource>(config.data)
                              ? LoadStoreRows(std::get<ml::StoreSource>(config.data), flags)
                              : LoadTopicRows(std::get<ml::TopicDataOptions>(config.data), flags);
  if (!loaded.ok()) return loaded.status();
  ml::TrainPlan plan = config.plan;
  FillFeatures(plan, loaded->data.feature_names);
  if (report) {
    std::fprintf(stderr, "train: %zu rows, %zu features, %s\n", loaded->data.rows(),
                 loaded->data.features(), ml::TaskName(plan.task));
  }
  const bool verbose = report && !flags.Has("quiet");
  ml::TrainObserver observer;
  if (verbose) {
    observer.trial = [](const ml::TrainProgress& p) {
      std::fprintf(stderr, "train: %s trial %d/%d %s: loss %s (best %s)\n", p.candidate.c_str(),
                   p.trial, p.trials, p.params.c_str(), Figure(p.loss).c_str(),
                   Figure(p.best_loss).c_str());
    };
    observer.epoch = [](const ml::EpochReport& e) {
      std::fprintf(stderr, "train: epoch %d/%d: train loss %s, validation loss %s\n", e.epoch,
                   e.epochs, Figure(e.train_loss).c_str(), Figure(e.validation_loss).c_str());
    };
  }
  RTML_ASSIGN_OR_RETURN(ml::TrainOutcome outcome, ml::Train(loaded->data, plan, observer));
  TrainRunResult result{.verdict = outcome.verdict};
  if (report) {
    PrintResults(outcome, plan.task);
    std::printf("%s\n", outcome.verdict.c_str());
  }
  if (!outcome.accepted) {
    if (report) std::printf("registered nothing\n");
    return result;
  }

  const ml::CandidateResult& best = outcome.candidates[outcome.chosen];
  ml::ModelVersion version = loaded->about;
  version.name = config.name;
  version.type = best.spec.type;
  version.task = ml::TaskName(plan.task);
  version.features = outcome.model->feature_names();
  version.reference_feature = plan.reference_feature;
  for (const auto& [name, value] : best.spec.params) version.params[name] = Figure(value);
  for (const auto& [name, value] : best.spec.text_params) version.params[name] = value;
  version.metrics = outcome.Metrics(plan.task);
  version.data_from_ms = outcome.data_from_ms;
  version.data_to_ms = outcome.data_to_ms;
  version.training_seconds = outcome.seconds;
  RTML_ASSIGN_OR_RETURN(const std::string artifact, outcome.model->Save());
  RTML_ASSIGN_OR_RETURN(result.version, registry->Register(std::move(version), artifact));
  result.registered = true;
  if (!config.promote.empty()) {
    RTML_RETURN_IF_ERROR(registry->Promote(config.name, config.promote, result.version.version));
    result.promoted_as = config.promote;
  }
  if (report) {
    std::printf("registered %s%s%s\n", result.version.Label().c_str(),
                result.promoted_as.empty() ? "" : " as ", result.promoted_as.c_str());
    std::fflush(stdout);
  }
  return result;
}

}  // namespace rtml::cli
