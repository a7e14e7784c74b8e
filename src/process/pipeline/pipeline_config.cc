#include "rtml/process/pipeline_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "rtml/core/duration.h"
#include "rtml/process/indicators/indicator.h"
#include "rtml/stream/topic.h"

namespace rtml::process {
namespace {

// Reads one YAML mapping, remembering which keys were used so that a misspelt key
// is an error instead of a silently ignored setting.
class Fields {
 public:
  Fields(const YAML::Node& node, std::string path) : node_(node), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  // "<path>.<key>: <problem>"; at the top level (path "file:") "file: key: problem".
  Status Error(std::string_view key, std::string_view problem) const {
    const std::string_view join = path_.ends_with(':') ? " " : ".";
    return Status::InvalidArgument(path_ + std::string(join) + std::string(key) + ": " +
                                   std::string(problem));
  }

  Result<std::string> String(const std::string& key, std::string fallback) {
    used_.insert(key);
    const YAML::Node value = node_[key];
    if (!value) return fallback;
    if (!value.IsScalar()) return Error(key, "expected a string");
    return value.Scalar();
  }
  Result<std::string> Topic(const std::string& key, std::string fallback) {
    RTML_ASSIGN_OR_RETURN(std::string topic, String(key, std::move(fallback)));
    if (Status valid = stream::ValidateTopicName(topic); !valid.ok()) {
      return Error(key, valid.message());
    }
    return topic;
  }
  Result<int64_t> DurationMs(const std::string& key, int64_t fallback) {
    RTML_ASSIGN_OR_RETURN(const std::string text, String(key, ""));
    if (text.empty()) return fallback;
    Result<int64_t> ms = ParseDurationMs(text);
    if (!ms.ok()) return Error(key, ms.status().message());
    return *ms;
  }
  Result<bool> Bool(const std::string& key, bool fallback) {
    RTML_ASSIGN_OR_RETURN(const std::string text, String(key, fallback ? "true" : "false"));
    if (text == "true") return true;
    if (text == "false") return false;
    return Error(key, "expected true or false, not '" + text + "'");
  }
  // The raw value (for nested structures).
  YAML::Node Node(const std::string& key) {
    used_.insert(key);
    return node_[key];
  }

  // A list of scalars; `fallback` when absent.
  Result<std::vector<std::string>> List(const std::string& key, std::vector<std::string> fallback) {
    used_.insert(key);
    const YAML::Node value = node_[key];
    if (!value) return fallback;
    if (!value.IsSequence()) return Error(key, "expected a list, e.g. [a, b]");
    std::vector<std::string> items;
    for (size_t i = 0; i < value.size(); ++i) {
      if (!value[i].IsScalar())
        return Error(key + "[" + std::to_string(i) + "]", "expected a value");
      items.push_back(value[i].Scalar());
    }
    return items;
  }

  // InvalidArgument naming the first key that no reader asked for.
  Status NoOthers() const {
    for (const auto& entry : node_) {
      const std::string key = entry.first.as<std::string>();
      if (!used_.contains(key)) return Error(key, "unknown setting");
    }
    return Status::Ok();
  }

 private:
  const YAML::Node node_;
  const std::string path_;
  std::set<std::string> used_;
};

Result<WindowSpec> ParseWindow(const std::string& text) {
  const size_t slash = text.find('/');
  RTML_ASSIGN_OR_RETURN(const int64_t size, ParseDurationMs(text.substr(0, slash)));
  int64_t hop = size;
  if (slash != std::string::npos) {
    RTML_ASSIGN_OR_RETURN(hop, ParseDurationMs(text.substr(slash + 1)));
  }
  return WindowSpec::Hopping(size, hop);
}

Result<CandlesStageOptions> ParseCandles(Fields& f) {
  CandlesStageOptions o;
  RTML_ASSIGN_OR_RETURN(o.input, f.Topic("input", o.input));
  RTML_ASSIGN_OR_RETURN(o.output, f.Topic("output", o.output));
  RTML_ASSIGN_OR_RETURN(o.dlq, f.Topic("dlq", o.dlq));
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

Result<FeaturesStageOptions> ParseFeatures(Fields& f) {
  FeaturesStageOptions o;
  RTML_ASSIGN_OR_RETURN(o.input, f.Topic("input", o.input));
  RTML_ASSIGN_OR_RETURN(o.output, f.Topic("output", o.output));
  RTML_ASSIGN_OR_RETURN(o.dlq, f.Topic("dlq", o.dlq));
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

Result<StageConfig> ParseStage(const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) return Status::InvalidArgument(path + ": expected a stage (a mapping)");
  Fields f(node, path);
  StageConfig stage;
  RTML_ASSIGN_OR_RETURN(stage.name, f.String("name", ""));
  if (stage.name.empty()) return f.Error("name", "every stage needs a name");
  RTML_ASSIGN_OR_RETURN(const std::string kind, f.String("kind", ""));
  if (kind == "candles") {
    RTML_ASSIGN_OR_RETURN(stage.options, ParseCandles(f));
  } else if (kind == "features") {
    RTML_ASSIGN_OR_RETURN(stage.options, ParseFeatures(f));
  } else {
    return f.Error("kind", "expected candles or features, not '" + kind + "'");
  }
  RTML_RETURN_IF_ERROR(f.NoOthers());
  return stage;
}

}  // namespace

const std::string& StageConfig::input() const {
  return std::visit([](const auto& o) -> const std::string& { return o.input; }, options);
}

std::vector<std::string> StageConfig::outputs() const {
  return std::visit(
      [](const auto& o) {
        return std::vector<std::string>{o.output, o.dlq};
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
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(where + ": not YAML: " + e.what());
  }
  if (!root.IsMap())
    return Status::InvalidArgument(where + ": expected a mapping with name and stages");
  Fields f(root, where + ":");
  PipelineConfig config;
  RTML_ASSIGN_OR_RETURN(config.name, f.String("name", ""));
  if (config.name.empty()) return f.Error("name", "the pipeline needs a name");
  const YAML::Node stages = f.Node("stages");
  if (!stages || !stages.IsSequence() || stages.size() == 0)
    return f.Error("stages", "declare at least one stage");
  std::set<std::string> names;
  for (size_t i = 0; i < stages.size(); ++i) {
    RTML_ASSIGN_OR_RETURN(StageConfig stage,
                          ParseStage(stages[i], where + ": stages[" + std::to_string(i) + "]"));
    if (!names.insert(stage.name).second) {
      return Status::InvalidArgument(where + ": stages[" + std::to_string(i) +
                                     "]: a second stage named '" + stage.name + "'");
    }
    config.stages.push_back(std::move(stage));
  }
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
