// ParseTrainConfig (train_config.h).
#include "rtml/ml/train_config.h"

#include <fstream>
#include <sstream>

#include "rtml/core/timestamp.h"
#include "rtml/core/yaml_fields.h"
#include "rtml/ml/model_registry.h"

namespace rtml::ml {
namespace {

Result<int64_t> TimeOf(YamlFields& f, const std::string& key, int64_t fallback) {
  RTML_ASSIGN_OR_RETURN(const std::string text, f.String(key, ""));
  if (text.empty()) return fallback;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoll(text);
  }
  Result<int64_t> ms = ParseIso8601Ms(text);
  if (!ms.ok()) return f.Error(key, "expected an ISO-8601 time or ms since the epoch: " + text);
  return *ms;
}

Result<StoreSource> ParseStoreSource(YamlFields& data, YamlFields& target) {
  StoreSource source;
  RTML_ASSIGN_OR_RETURN(source.group, data.String("feature_group", ""));
  RTML_ASSIGN_OR_RETURN(const int64_t version, data.Integer("version", 0, 0, 1'000'000));
  if (version > 0) source.version = static_cast<int32_t>(version);
  const YAML::Node where = data.Node("where");
  if (where) {
    if (!where.IsMap()) return data.Error("where", "expected a mapping of key columns to values");
    for (const auto& entry : where) {
      source.where[entry.first.as<std::string>()] = entry.second.as<std::string>();
    }
  }
  RTML_ASSIGN_OR_RETURN(source.features, data.List("features", {}));
  RTML_ASSIGN_OR_RETURN(source.range.from_ms, TimeOf(data, "from", source.range.from_ms));
  RTML_ASSIGN_OR_RETURN(source.range.to_ms, TimeOf(data, "to", source.range.to_ms));
  RTML_ASSIGN_OR_RETURN(source.target, target.String("feature", ""));
  if (source.target.empty()) return target.Error("feature", "name the feature to predict");
  RTML_ASSIGN_OR_RETURN(source.ahead_ms, target.DurationMs("ahead", 0));
  if (source.ahead_ms <= 0) return target.Error("ahead", "how far ahead, e.g. 5m");
  RTML_ASSIGN_OR_RETURN(const std::string as, target.String("as", "value"));
  if (as != "value" && as != "direction") {
    return target.Error("as", "expected value (regression) or direction (classification)");
  }
  source.direction = as == "direction";
  return source;
}

Result<TopicDataOptions> ParseTopicSource(YamlFields& data) {
  TopicDataOptions source;
  RTML_ASSIGN_OR_RETURN(source.topic, data.String("topic", ""));
  RTML_ASSIGN_OR_RETURN(const std::string format, data.String("format", "json"));
  Result<RecordFormat> parsed = ParseRecordFormat(format);
  if (!parsed.ok()) return data.Error("format", parsed.status().message());
  source.format = *parsed;
  RTML_ASSIGN_OR_RETURN(source.label, data.String("label", ""));
  if (source.label.empty()) return data.Error("label", "name the label field");
  RTML_ASSIGN_OR_RETURN(source.features, data.List("features", {}));
  RTML_ASSIGN_OR_RETURN(source.columns, data.List("columns", {}));
  if (data.Has("from_offset")) {
    RTML_ASSIGN_OR_RETURN(const int64_t offset, data.Integer("from_offset", 0, 0, INT64_MAX));
    source.from = stream::SeekTarget::Offset(offset);
  }
  if (data.Has("from")) {
    RTML_ASSIGN_OR_RETURN(const int64_t from, TimeOf(data, "from", 0));
    source.from = stream::SeekTarget::Timestamp(from);
  }
  RTML_ASSIGN_OR_RETURN(source.to_ms, TimeOf(data, "to", source.to_ms));
  return source;
}

Result<std::vector<ParamRange>> ParseSearch(const YAML::Node& node, const std::string& path) {
  std::vector<ParamRange> ranges;
  if (!node) return ranges;
  if (!node.IsMap()) {
    return Status::InvalidArgument(
        path + ": expected a mapping such as {alpha: {low: 0.01, high: 10, log: true}}");
  }
  for (const auto& entry : node) {
    ParamRange range{.name = entry.first.as<std::string>()};
    YamlFields f(entry.second, path + "." + range.name);
    if (!entry.second.IsMap()) return f.Error("low", "expected {low: ..., high: ...}");
    RTML_ASSIGN_OR_RETURN(range.low, f.Number("low", NAN, -1e300, 1e300));
    RTML_ASSIGN_OR_RETURN(range.high, f.Number("high", NAN, -1e300, 1e300));
    if (!(range.low <= range.high)) return f.Error("high", "expected low <= high");
    RTML_ASSIGN_OR_RETURN(range.log, f.Bool("log", false));
    if (range.log && range.low <= 0) return f.Error("low", "a log range must be above 0");
    // Integers unless a bound has a fraction.
    const bool whole = range.low == std::floor(range.low) && range.high == std::floor(range.high) &&
                       entry.second["low"].Scalar().find('.') == std::string::npos &&
                       entry.second["high"].Scalar().find('.') == std::string::npos;
    RTML_ASSIGN_OR_RETURN(range.integer, f.Bool("integer", whole));
    RTML_RETURN_IF_ERROR(f.NoOthers());
    ranges.push_back(range);
  }
  return ranges;
}

Status CheckType(const std::string& type, const std::string& where) {
  const std::string known = ModelTypes();
  std::stringstream list(known);
  for (std::string name; std::getline(list, name, ',');) {
    if (name.erase(0, name.find_first_not_of(' ')) == type) return Status::Ok();
  }
  return Status::InvalidArgument(where + ": unknown model type '" + type + "' (known: " + known +
                                 ")");
}

Result<Candidate> ParseCandidate(const YAML::Node& node, const std::string& path,
                                 const std::string& directory) {
  if (!node.IsMap()) return Status::InvalidArgument(path + ": expected a model spec");
  Candidate candidate;
  YAML::Node spec_node = YAML::Clone(node);
  spec_node.remove("search");
  if (node["file"]) {
    if (spec_node.size() != 1) {
      return Status::InvalidArgument(path + ": a candidate with file: has only search: besides");
    }
    const std::string file = node["file"].Scalar();
    const std::string full = file.starts_with('/') ? file : directory + "/" + file;
    std::ifstream in(full);
    if (!in) return Status::NotFound(path + ": cannot read model spec " + full);
    std::stringstream text;
    text << in.rdbuf();
    RTML_ASSIGN_OR_RETURN(candidate.spec, ParseModelSpec(text.str(), file));
  } else {
    YAML::Emitter out;
    out << spec_node;
    RTML_ASSIGN_OR_RETURN(candidate.spec, ParseModelSpec(out.c_str(), path));
  }
  RTML_RETURN_IF_ERROR(CheckType(candidate.spec.type, path));
  RTML_ASSIGN_OR_RETURN(candidate.search, ParseSearch(node["search"], path + ".search"));
  return candidate;
}

}  // namespace

ModelSpec DefaultBaseline(Task task, const std::string& reference_feature) {
  if (task == Task::kClassification) return {.type = "majority"};
  if (!reference_feature.empty()) {
    return {.type = "last_value", .text_params = {{"feature", reference_feature}}};
  }
  return {.type = "mean"};
}

Result<TrainConfig> ParseTrainConfig(std::string_view yaml, std::string_view origin,
                                     const std::string& directory) {
  const std::string where(origin);
  RTML_ASSIGN_OR_RETURN(const YAML::Node root, LoadYamlMapping(yaml, where));
  try {
    YamlFields f(root, where + ":");
    TrainConfig config;
    RTML_ASSIGN_OR_RETURN(config.name, f.String("name", ""));
    if (Status valid = CheckModelName(config.name); !valid.ok()) {
      return f.Error("name", valid.message());
    }
    YAML::Node data_node = f.Node("data");
    if (!data_node || !data_node.IsMap()) {
      return f.Error("data", "expected {feature_group: ...} or {topic: ..., label: ...}");
    }
    YamlFields data(data_node, f.PathOf("data"));
    YAML::Node target_node = f.Node("target");
    RTML_ASSIGN_OR_RETURN(const std::string task, f.String("task", ""));
    if (data.Has("feature_group")) {
      if (!target_node || !target_node.IsMap()) {
        return f.Error("target", "expected {feature: close, ahead: 5m}");
      }
      YamlFields target(target_node, f.PathOf("target"));
      RTML_ASSIGN_OR_RETURN(StoreSource source, ParseStoreSource(data, target));
      RTML_RETURN_IF_ERROR(target.NoOthers());
      config.plan.task = source.direction ? Task::kClassification : Task::kRegression;
      // Values ahead are learnt as changes from now when the features hold the value.
      if (!source.direction) config.plan.reference_feature = source.target;
      config.data = std::move(source);
    } else if (data.Has("topic")) {
      if (target_node) return f.Error("target", "a topic's target is its label (data.label)");
      RTML_ASSIGN_OR_RETURN(config.data, ParseTopicSource(data));
      if (task == "classification") {
        config.plan.task = Task::kClassification;
        std::get<TopicDataOptions>(config.data).class_labels = true;
      } else if (!task.empty() && task != "regression") {
        return f.Error("task", "expected regression or classification");
      }
    } else {
      return f.Error("data", "expected feature_group: or topic:");
    }
    RTML_RETURN_IF_ERROR(data.NoOthers());
    if (data.Has("feature_group") && !task.empty()) {
      return f.Error("task", "follows from target.as for a feature group");
    }

    const YAML::Node candidates = f.Node("candidates");
    if (!candidates || !candidates.IsSequence() || candidates.size() == 0) {
      return f.Error("candidates", "expected a list of model specs");
    }
    for (size_t i = 0; i < candidates.size(); ++i) {
      RTML_ASSIGN_OR_RETURN(
          Candidate candidate,
          ParseCandidate(candidates[i], f.PathOf("candidates[" + std::to_string(i) + "]"),
                         directory));
      config.plan.candidates.push_back(std::move(candidate));
    }
    if (const YAML::Node baseline = f.Node("baseline")) {
      YAML::Emitter out;
      out << baseline;
      RTML_ASSIGN_OR_RETURN(config.plan.baseline,
                            ParseModelSpec(out.c_str(), f.PathOf("baseline")));
      RTML_RETURN_IF_ERROR(CheckType(config.plan.baseline.type, f.PathOf("baseline")));
    } else {
      config.plan.baseline = DefaultBaseline(config.plan.task, config.plan.reference_feature);
    }

    if (const YAML::Node search_node = f.Node("search")) {
      YamlFields search(search_node, f.PathOf("search"));
      RTML_ASSIGN_OR_RETURN(const int64_t trials, search.Integer("trials", 1, 1, 100'000));
      config.plan.trials = static_cast<int>(trials);
      RTML_ASSIGN_OR_RETURN(const int64_t budget, search.DurationMs("budget", 0));
      config.plan.budget_seconds = static_cast<double>(budget) / 1000;
      RTML_ASSIGN_OR_RETURN(const int64_t folds, search.Integer("folds", 0, 0, 100));
      config.plan.folds = static_cast<int>(folds);
      RTML_ASSIGN_OR_RETURN(const int64_t seed, search.Integer("seed", 1, 0, INT64_MAX));
      config.plan.seed = static_cast<uint64_t>(seed);
      RTML_RETURN_IF_ERROR(search.NoOthers());
    }
    if (const YAML::Node split_node = f.Node("split")) {
      YamlFields split(split_node, f.PathOf("split"));
      RTML_ASSIGN_OR_RETURN(config.plan.validation_fraction,
                            split.Number("validation", 0.15, 0.01, 0.9));
      RTML_ASSIGN_OR_RETURN(config.plan.test_fraction, split.Number("test", 0.15, 0.01, 0.9));
      RTML_RETURN_IF_ERROR(split.NoOthers());
    }
    config.plan.metric =
        config.plan.task == Task::kClassification ? Metric::kAccuracy : Metric::kMae;
    if (const YAML::Node gate_node = f.Node("gate")) {
      YamlFields gate(gate_node, f.PathOf("gate"));
      RTML_ASSIGN_OR_RETURN(const std::string metric,
                            gate.String("metric", MetricName(config.plan.metric)));
      Result<Metric> parsed = ParseMetric(metric, config.plan.task);
      if (!parsed.ok()) return gate.Error("metric", parsed.status().message());
      config.plan.metric = *parsed;
      RTML_ASSIGN_OR_RETURN(config.plan.margin, gate.Number("margin", 0, 0, 1));
      RTML_RETURN_IF_ERROR(gate.NoOthers());
    }
    RTML_ASSIGN_OR_RETURN(config.promote, f.String("promote", ""));
    RTML_ASSIGN_OR_RETURN(config.every_ms, f.DurationMs("every", 0));
    RTML_RETURN_IF_ERROR(f.NoOthers());
    return config;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(where + ": " + e.what());
  }
}

}  // namespace rtml::ml
