#include "rtml/process/pipeline_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "rtml/core/duration.h"
#include "rtml/core/yaml_fields.h"
#include "rtml/process/indicators/indicator.h"
#include "rtml/stream/topic.h"

namespace rtml::process {
namespace {

using rtml::YamlFields;

// A topic name, checked as the brokers will.
Result<std::string> Topic(YamlFields& f, const std::string& key, std::string fallback) {
  RTML_ASSIGN_OR_RETURN(std::string topic, f.String(key, std::move(fallback)));
  if (Status valid = stream::ValidateTopicName(topic); !valid.ok()) {
    return f.Error(key, valid.message());
  }
  return topic;
}

Result<WindowSpec> ParseWindow(const std::string& text) {
  const size_t slash = text.find('/');
  RTML_ASSIGN_OR_RETURN(const int64_t size, ParseDurationMs(text.substr(0, slash)));
  int64_t hop = size;
  if (slash != std::string::npos) {
    RTML_ASSIGN_OR_RETURN(hop, ParseDurationMs(text.substr(slash + 1)));
  }
  return WindowSpec::Hopping(size, hop);
}

Result<CandlesStageOptions> ParseCandles(YamlFields& f) {
  CandlesStageOptions o;
  RTML_ASSIGN_OR_RETURN(o.input, Topic(f, "input", o.input));
  RTML_ASSIGN_OR_RETURN(o.output, Topic(f, "output", o.output));
  RTML_ASSIGN_OR_RETURN(o.dlq, Topic(f, "dlq", o.dlq));
  RTML_ASSIGN_OR_RETURN(const std::vector<std::string> windows,
                        f.List("windows", {"1s", "60s", "300s"}));
  o.aggregator.windows.clear();
  for (size_t i = 0; i < windows.size(); ++i) {
    Result<WindowSpec> spec = ParseWindow(windows[i]);
    if (!spec.ok()) return f.Error("windows[" + std::to_string(i) + "]", spec.status().message());
    o.aggregator.windows.push_back(*spec);
  }
  RTML_ASSIGN_OR_RETURN(o.aggregator.grace_ms, f.DurationMs("grace", 0));
  RTML_ASSIGN_OR_RETURN(o.aggregator.allowed_lateness_ms, f.DurationMs("allowed_lateness", 0));
  RTML_ASSIGN_OR_RETURN(const std::string late, f.String("late", "dlq"));
  const std::optional<LatePolicy> policy = ParseLatePolicy(late);
  if (!policy) return f.Error("late", "expected dlq or update");
  o.aggregator.late = *policy;
  RTML_ASSIGN_OR_RETURN(const std::string emit, f.String("emit", "final"));
  const std::optional<EmitMode> mode = ParseEmitMode(emit);
  if (!mode) return f.Error("emit", "expected final or current");
  o.aggregator.emit = *mode;
  RTML_ASSIGN_OR_RETURN(o.aggregator.fill_gaps, f.Bool("fill_gaps", false));
  if (Status valid = o.aggregator.Validate(); !valid.ok()) {
    return Status::InvalidArgument(f.path() + ": " + valid.message());
  }
  return o;
}

Result<FeaturesStageOptions> ParseFeatures(YamlFields& f) {
  FeaturesStageOptions o;
  RTML_ASSIGN_OR_RETURN(o.input, Topic(f, "input", o.input));
  RTML_ASSIGN_OR_RETURN(o.output, Topic(f, "output", o.output));
  RTML_ASSIGN_OR_RETURN(o.dlq, Topic(f, "dlq", o.dlq));
  RTML_ASSIGN_OR_RETURN(const std::vector<std::string> sizes, f.List("candle_seconds", {}));
  for (size_t i = 0; i < sizes.size(); ++i) {
    try {
      size_t used = 0;
      o.candle_seconds.push_back(std::stoll(sizes[i], &used));
      if (used != sizes[i].size() || o.candle_seconds.back() <= 0) throw std::invalid_argument("");
    } catch (const std::exception&) {
      return f.Error("candle_seconds[" + std::to_string(i) + "]",
                     "'" + sizes[i] + "' is not a positive whole number of seconds");
    }
  }
  RTML_ASSIGN_OR_RETURN(o.features, f.List("features", {}));
  if (o.features.empty()) return f.Error("features", "declare at least one, e.g. [rsi_14]");
  for (size_t i = 0; i < o.features.size(); ++i) {
    if (Result<std::unique_ptr<Indicator>> made = MakeIndicator(o.features[i]); !made.ok()) {
      return f.Error("features[" + std::to_string(i) + "]", made.status().message());
    }
  }
  return o;
}

Result<StoreStageOptions> ParseStore(YamlFields& f,
                                     const std::vector<features::FeatureGroup>& groups) {
  StoreStageOptions o;
  RTML_ASSIGN_OR_RETURN(o.input, Topic(f, "input", o.input));
  RTML_ASSIGN_OR_RETURN(o.dlq, Topic(f, "dlq", o.dlq));
  RTML_ASSIGN_OR_RETURN(const std::string group, f.String("group", ""));
  std::string known;
  for (const features::FeatureGroup& declared : groups) {
    if (declared.name == group) o.group = declared;
    known += (known.empty() ? "" : ", ") + declared.name;
  }
  if (o.group.name.empty()) {
    return f.Error("group", "'" + group + "' is not under feature_groups (declared: " +
                                (known.empty() ? "none" : known) + ")");
  }
  RTML_ASSIGN_OR_RETURN(o.offline_uri, f.String("offline", ""));
  RTML_ASSIGN_OR_RETURN(o.online_uri, f.String("online", ""));
  return o;
}

Result<PredictStageOptions> ParsePredict(YamlFields& f) {
  PredictStageOptions o;
  RTML_ASSIGN_OR_RETURN(o.input, Topic(f, "input", o.input));
  RTML_ASSIGN_OR_RETURN(o.output, Topic(f, "output", o.output));
  RTML_ASSIGN_OR_RETURN(o.dlq, Topic(f, "dlq", o.dlq));
  RTML_ASSIGN_OR_RETURN(o.model, f.String("model", ""));
  if (o.model.empty()) return f.Error("model", "name the registered model to score with");
  RTML_ASSIGN_OR_RETURN(o.alias, f.String("alias", o.alias));
  RTML_ASSIGN_OR_RETURN(o.version, f.Integer("version", 0, 1, INT64_MAX));
  RTML_ASSIGN_OR_RETURN(o.horizon_ms, f.DurationMs("horizon", 0));
  const YAML::Node where = f.Node("where");
  if (where && !where.IsMap())
    return f.Error("where", "expected a mapping, e.g. {candle_seconds: 60}");
  for (const auto& entry : where) {
    if (!entry.second.IsScalar()) return f.Error("where", "expected field: value pairs");
    o.where[entry.first.as<std::string>()] = entry.second.Scalar();
  }
  RTML_ASSIGN_OR_RETURN(o.target, f.String("target", o.target));
  RTML_ASSIGN_OR_RETURN(o.evaluation, Topic(f, "evaluation", o.evaluation));
  RTML_ASSIGN_OR_RETURN(o.registry, f.String("registry", ""));
  return o;
}

// The columns of a features stage's records: the candle's, then every indicator
// output (feature_record.h).
std::vector<features::Column> FeatureRecordColumns(const FeaturesStageOptions& stage) {
  using features::ValueType;
  std::vector<features::Column> columns = {{"pair", ValueType::kString},
                                           {"candle_seconds", ValueType::kInt64},
                                           {"window_start_ms", ValueType::kInt64},
                                           {"window_end_ms", ValueType::kInt64},
                                           {"open", ValueType::kDouble},
                                           {"high", ValueType::kDouble},
                                           {"low", ValueType::kDouble},
                                           {"close", ValueType::kDouble},
                                           {"volume", ValueType::kDouble},
                                           {"vwap", ValueType::kDouble},
                                           {"trade_count", ValueType::kInt64}};
  for (const std::string& feature : stage.features) {
    // Checked when the stage was read.
    const std::unique_ptr<Indicator> indicator = std::move(MakeIndicator(feature)).value();
    for (const std::string& output : indicator->output_names()) {
      columns.push_back({output, ValueType::kDouble});
    }
  }
  return columns;
}

// A "name: type" mapping, in order.
Result<std::vector<features::Column>> ParseColumns(YamlFields& f, const std::string& key) {
  const YAML::Node node = f.Node(key);
  if (!node) return std::vector<features::Column>();
  if (!node.IsMap()) return f.Error(key, "expected name: type pairs, e.g. {price: double}");
  std::vector<features::Column> columns;
  for (const auto& entry : node) {
    const std::string name = entry.first.as<std::string>();
    if (!entry.second.IsScalar()) return f.Error(key + "." + name, "expected a type");
    Result<features::ValueType> type = features::ParseValueType(entry.second.Scalar());
    if (!type.ok()) return f.Error(key + "." + name, type.status().message());
    columns.push_back({name, *type});
  }
  return columns;
}

Result<features::FeatureGroup> ParseFeatureGroup(YamlFields& f,
                                                 const std::vector<StageConfig>& stages) {
  features::FeatureGroup group;
  RTML_ASSIGN_OR_RETURN(group.name, f.String("name", ""));
  RTML_ASSIGN_OR_RETURN(const std::string version, f.String("version", "1"));
  try {
    size_t used = 0;
    group.version = std::stoi(version, &used);
    if (used != version.size()) throw std::invalid_argument("");
  } catch (const std::exception&) {
    return f.Error("version", "'" + version + "' is not a whole number");
  }
  RTML_ASSIGN_OR_RETURN(group.event_time, f.String("event_time", ""));
  if (group.event_time.empty()) return f.Error("event_time", "name the event-time column");
  RTML_ASSIGN_OR_RETURN(group.ttl_ms, f.DurationMs("ttl", 0));
  RTML_ASSIGN_OR_RETURN(const std::string from_stage, f.String("from_stage", ""));
  if (from_stage.empty()) {
    RTML_ASSIGN_OR_RETURN(group.key, ParseColumns(f, "key"));
    RTML_ASSIGN_OR_RETURN(group.features, ParseColumns(f, "features"));
  } else {
    const FeaturesStageOptions* source = nullptr;
    for (const StageConfig& stage : stages) {
      if (stage.name == from_stage) source = std::get_if<FeaturesStageOptions>(&stage.options);
    }
    if (source == nullptr) return f.Error("from_stage", "no features stage '" + from_stage + "'");
    RTML_ASSIGN_OR_RETURN(const std::vector<std::string> key, f.List("key", {}));
    std::vector<features::Column> columns = FeatureRecordColumns(*source);
    for (const std::string& name : key) {
      const auto found = std::find_if(columns.begin(), columns.end(),
                                      [&](const features::Column& c) { return c.name == name; });
      if (found == columns.end()) {
        return f.Error("key",
                       "'" + name + "' is not a field of stage " + from_stage + "'s records");
      }
      group.key.push_back(*found);
    }
    for (const features::Column& column : columns) {
      const bool is_key = std::find(key.begin(), key.end(), column.name) != key.end();
      if (!is_key && column.name != group.event_time) group.features.push_back(column);
    }
    if (std::none_of(columns.begin(), columns.end(),
                     [&](const features::Column& c) { return c.name == group.event_time; })) {
      return f.Error("event_time", "'" + group.event_time + "' is not a field of stage " +
                                       from_stage + "'s records");
    }
  }
  if (Status valid = features::ValidateFeatureGroup(group); !valid.ok()) {
    return Status::InvalidArgument(f.path() + ": " + valid.message());
  }
  RTML_RETURN_IF_ERROR(f.NoOthers());
  return group;
}

Result<StageConfig> ParseStage(const YAML::Node& node, const std::string& path,
                               const std::vector<features::FeatureGroup>& groups) {
  if (!node.IsMap()) return Status::InvalidArgument(path + ": expected a stage (a mapping)");
  YamlFields f(node, path);
  StageConfig stage;
  RTML_ASSIGN_OR_RETURN(stage.name, f.String("name", ""));
  if (stage.name.empty()) return f.Error("name", "every stage needs a name");
  RTML_ASSIGN_OR_RETURN(const std::string kind, f.String("kind", ""));
  if (kind == "candles") {
    RTML_ASSIGN_OR_RETURN(stage.options, ParseCandles(f));
  } else if (kind == "features") {
    RTML_ASSIGN_OR_RETURN(stage.options, ParseFeatures(f));
  } else if (kind == "store") {
    RTML_ASSIGN_OR_RETURN(stage.options, ParseStore(f, groups));
  } else if (kind == "predict") {
    RTML_ASSIGN_OR_RETURN(stage.options, ParsePredict(f));
  } else {
    return f.Error("kind", "expected candles, features, store or predict, not '" + kind + "'");
  }
  RTML_RETURN_IF_ERROR(f.NoOthers());
  return stage;
}

Result<std::vector<TrainingSchedule>> ParseTraining(YamlFields& f, const std::string& origin) {
  std::vector<TrainingSchedule> schedules;
  const YAML::Node training = f.Node("training");
  if (!training) return schedules;
  if (!training.IsSequence()) return f.Error("training", "expected a list");
  const std::filesystem::path directory = std::filesystem::path(origin).parent_path();
  for (size_t i = 0; i < training.size(); ++i) {
    const std::string path = origin + ": training[" + std::to_string(i) + "]";
    if (!training[i].IsMap()) return Status::InvalidArgument(path + ": expected a mapping");
    YamlFields t(training[i], path);
    TrainingSchedule schedule;
    RTML_ASSIGN_OR_RETURN(schedule.config, t.String("config", ""));
    if (schedule.config.empty()) return t.Error("config", "name an `rtml train` config file");
    if (std::filesystem::path(schedule.config).is_relative()) {
      schedule.config = (directory / schedule.config).string();
    }
    RTML_ASSIGN_OR_RETURN(schedule.every_ms, t.DurationMs("every", 0));
    if (schedule.every_ms < 1000) return t.Error("every", "give a period of at least 1s, e.g. 1h");
    RTML_RETURN_IF_ERROR(t.NoOthers());
    schedules.push_back(std::move(schedule));
  }
  return schedules;
}

}  // namespace

const std::string& StageConfig::input() const {
  return std::visit([](const auto& o) -> const std::string& { return o.input; }, options);
}

const std::string& StageConfig::dlq() const {
  return std::visit([](const auto& o) -> const std::string& { return o.dlq; }, options);
}

std::vector<std::string> StageConfig::outputs() const {
  return std::visit(
      [](const auto& o) {
        if constexpr (std::is_same_v<std::decay_t<decltype(o)>, StoreStageOptions>) {
          return std::vector<std::string>{o.dlq};
        } else if constexpr (std::is_same_v<std::decay_t<decltype(o)>, PredictStageOptions>) {
          return std::vector<std::string>{o.output, o.evaluation, o.dlq};
        } else {
          return std::vector<std::string>{o.output, o.dlq};
        }
      },
      options);
}

OperatorFactory StageConfig::Factory() const {
  if (const auto* candles = std::get_if<CandlesStageOptions>(&options)) {
    return [o = *candles](int32_t) { return MakeCandlesOperator(o); };
  }
  return [o = std::get<FeaturesStageOptions>(options)](int32_t) { return MakeFeaturesOperator(o); };
}

Result<PipelineConfig> ParsePipelineConfig(std::string_view yaml, std::string_view origin) {
  const std::string where(origin);
  RTML_ASSIGN_OR_RETURN(const YAML::Node root, LoadYamlMapping(yaml, where));
  YamlFields f(root, where + ":");
  PipelineConfig config;
  RTML_ASSIGN_OR_RETURN(config.name, f.String("name", ""));
  if (config.name.empty()) return f.Error("name", "the pipeline needs a name");
  const YAML::Node stages = f.Node("stages");
  if (!stages || !stages.IsSequence() || stages.size() == 0)
    return f.Error("stages", "declare at least one stage");
  // Groups may take their schema from a stage (from_stage) and store stages name
  // groups: read the other stages, then the groups, then the store stages.
  const auto is_store = [](const YAML::Node& stage) {
    return stage.IsMap() && stage["kind"] && stage["kind"].IsScalar() &&
           stage["kind"].Scalar() == "store";
  };
  const auto stage_path = [&](size_t i) { return where + ": stages[" + std::to_string(i) + "]"; };
  std::vector<std::optional<StageConfig>> parsed(stages.size());
  std::vector<StageConfig> stream_stages;
  for (size_t i = 0; i < stages.size(); ++i) {
    if (is_store(stages[i])) continue;
    RTML_ASSIGN_OR_RETURN(parsed[i], ParseStage(stages[i], stage_path(i), {}));
    stream_stages.push_back(*parsed[i]);
  }
  const YAML::Node groups = f.Node("feature_groups");
  if (groups && !groups.IsSequence()) return f.Error("feature_groups", "expected a list");
  for (size_t g = 0; groups && g < groups.size(); ++g) {
    const std::string path = where + ": feature_groups[" + std::to_string(g) + "]";
    if (!groups[g].IsMap()) return Status::InvalidArgument(path + ": expected a mapping");
    YamlFields group_fields(groups[g], path);
    RTML_ASSIGN_OR_RETURN(features::FeatureGroup group,
                          ParseFeatureGroup(group_fields, stream_stages));
    config.feature_groups.push_back(std::move(group));
  }
  std::set<std::string> names;
  for (size_t i = 0; i < stages.size(); ++i) {
    if (!parsed[i]) {
      RTML_ASSIGN_OR_RETURN(parsed[i], ParseStage(stages[i], stage_path(i), config.feature_groups));
    }
    StageConfig& stage = *parsed[i];
    if (!names.insert(stage.name).second) {
      return Status::InvalidArgument(where + ": stages[" + std::to_string(i) +
                                     "]: a second stage named '" + stage.name + "'");
    }
    config.stages.push_back(std::move(stage));
  }
  RTML_ASSIGN_OR_RETURN(config.training, ParseTraining(f, where));
  RTML_RETURN_IF_ERROR(f.NoOthers());
  return config;
}

Result<PipelineConfig> LoadPipelineConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IOError(path + ": cannot read the pipeline config");
  std::stringstream text;
  text << in.rdbuf();
  return ParsePipelineConfig(text.str(), path);
}

}  // namespace rtml::process
