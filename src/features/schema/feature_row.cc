// FeatureRow's text forms: key text and JSON (feature_row.h).
#include "rtml/features/feature_row.h"

#include <charconv>
#include <cmath>
#include <string>
#include <unordered_map>

#include <simdjson.h>

#include "rtml/core/json_writer.h"

namespace rtml::features {
namespace {

void AppendValueText(const Value& value, std::string& out) {
  if (const auto* i = std::get_if<int64_t>(&value)) {
    json::AppendInt(out, *i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    json::AppendDouble(out, *d);
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    out += *s;
  }
}

void AppendValueJson(const Value& value, std::string& out) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    json::AppendString(out, *s);
  } else if (std::holds_alternative<std::monostate>(value)) {
    out += "null";
  } else {
    AppendValueText(value, out);
  }
}

Result<Value> ParseValueText(const Column& column, std::string_view text) {
  const auto bad = [&] {
    return Status::InvalidArgument("key column '" + column.name + "': '" + std::string(text) +
                                   "' is not an " + std::string(ValueTypeName(column.type)));
  };
  switch (column.type) {
    case ValueType::kString:
      return Value(std::string(text));
    case ValueType::kInt64: {
      int64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size()) return bad();
      return Value(value);
    }
    case ValueType::kDouble: {
      double value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
        return bad();
      }
      return Value(value);
    }
  }
  return bad();
}

// An int64 column accepts a JSON integer, or a double with an integral value
// (writers in other languages often send 60.0).
bool ReadInt64(simdjson::dom::element element, int64_t& out) {
  if (element.get_int64().get(out) == simdjson::SUCCESS) return true;
  double d = 0;
  if (element.get_double().get(d) != simdjson::SUCCESS) return false;
  if (!(d >= -9.2e18 && d <= 9.2e18) || d != std::floor(d)) return false;
  out = static_cast<int64_t>(d);
  return true;
}

// Where a JSON field goes in a row.
struct Slot {
  enum Kind { kKey, kEventTime, kFeature } kind;
  size_t index;
  ValueType type;
};

}  // namespace

bool ValueHasType(const Value& value, ValueType type) {
  switch (type) {
    case ValueType::kInt64:
      return !std::holds_alternative<double>(value) && !std::holds_alternative<std::string>(value);
    case ValueType::kDouble:
      return !std::holds_alternative<int64_t>(value) && !std::holds_alternative<std::string>(value);
    case ValueType::kString:
      return !std::holds_alternative<int64_t>(value) && !std::holds_alternative<double>(value);
  }
  return false;
}

std::string KeyText(std::span<const Value> key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    if (i > 0) out += '|';
    AppendValueText(key[i], out);
  }
  return out;
}

Result<std::vector<Value>> ParseKeyText(const FeatureGroup& group, std::string_view text) {
  std::vector<Value> key;
  key.reserve(group.key.size());
  for (size_t i = 0; i < group.key.size(); ++i) {
    // The last column takes the rest, so only it may hold a '|'.
    const bool last = i + 1 == group.key.size();
    const size_t bar = last ? std::string_view::npos : text.find('|');
    if (!last && bar == std::string_view::npos) {
      return Status::InvalidArgument("key '" + std::string(text) + "' of feature group " +
                                     group.Label() + " needs " + std::to_string(group.key.size()) +
                                     " values separated by '|' (" + group.key.front().name +
                                     "|...)");
    }
    RTML_ASSIGN_OR_RETURN(Value value, ParseValueText(group.key[i], text.substr(0, bar)));
    key.push_back(std::move(value));
    text = last ? std::string_view() : text.substr(bar + 1);
  }
  return key;
}

void AppendRowJson(const FeatureGroup& group, const FeatureRow& row, std::string& out) {
  out += '{';
  for (size_t i = 0; i < group.key.size(); ++i) {
    if (i > 0) out += ',';
    json::AppendString(out, group.key[i].name);
    out += ':';
    AppendValueJson(row.key[i], out);
  }
  out += ',';
  json::AppendString(out, group.event_time);
  out += ':';
  json::AppendInt(out, row.event_time_ms);
  for (size_t i = 0; i < group.features.size(); ++i) {
    out += ',';
    json::AppendString(out, group.features[i].name);
    out += ':';
    AppendValueJson(i < row.values.size() ? row.values[i] : Value(), out);
  }
  out += '}';
}

struct RowJsonParser::State {
  FeatureGroup group;
  std::unordered_map<std::string, Slot> slots;
  simdjson::dom::parser parser;
  std::vector<bool> key_seen;
};

RowJsonParser::RowJsonParser(FeatureGroup group) : state_(std::make_unique<State>()) {
  state_->group = std::move(group);
  const FeatureGroup& g = state_->group;
  for (size_t i = 0; i < g.key.size(); ++i) {
    state_->slots.emplace(g.key[i].name, Slot{Slot::kKey, i, g.key[i].type});
  }
  state_->slots.emplace(g.event_time, Slot{Slot::kEventTime, 0, ValueType::kInt64});
  for (size_t i = 0; i < g.features.size(); ++i) {
    state_->slots.emplace(g.features[i].name, Slot{Slot::kFeature, i, g.features[i].type});
  }
}

RowJsonParser::~RowJsonParser() = default;
RowJsonParser::RowJsonParser(RowJsonParser&&) noexcept = default;
RowJsonParser& RowJsonParser::operator=(RowJsonParser&&) noexcept = default;

const FeatureGroup& RowJsonParser::group() const { return state_->group; }

Result<FeatureRow> RowJsonParser::Parse(std::string_view json) {
  const FeatureGroup& group = state_->group;
  const simdjson::padded_string padded(json);
  simdjson::dom::object object;
  if (const auto error = state_->parser.parse(padded).get_object().get(object); error) {
    return Status::InvalidArgument("feature row of " + group.Label() + ": not a JSON object (" +
                                   simdjson::error_message(error) + ")");
  }
  FeatureRow row;
  row.key.resize(group.key.size());
  row.values.resize(group.features.size());
  bool time_seen = false;
  for (auto [name, element] : object) {
    const auto slot = state_->slots.find(std::string(name));
    if (slot == state_->slots.end()) continue;
    const Slot& s = slot->second;
    const auto bad = [&](std::string_view problem) {
      return Status::InvalidArgument("feature row of " + group.Label() + ": field '" +
                                     std::string(name) + "' " + std::string(problem));
    };
    if (element.is_null()) {
      if (s.kind != Slot::kFeature) return bad("is null");
      continue;
    }
    Value value;
    switch (s.type) {
      case ValueType::kInt64: {
        int64_t i = 0;
        if (!ReadInt64(element, i)) return bad("is not an integer");
        value = i;
        break;
      }
      case ValueType::kDouble: {
        double d = 0;
        if (element.get_double().get(d) != simdjson::SUCCESS) return bad("is not a number");
        if (std::isfinite(d)) value = d;
        break;
      }
      case ValueType::kString: {
        std::string_view text;
        if (element.get_string().get(text) != simdjson::SUCCESS) return bad("is not a string");
        value = std::string(text);
        break;
      }
    }
    switch (s.kind) {
      case Slot::kKey:
        row.key[s.index] = std::move(value);
        break;
      case Slot::kEventTime:
        row.event_time_ms = std::get<int64_t>(value);
        time_seen = true;
        break;
      case Slot::kFeature:
        row.values[s.index] = std::move(value);
        break;
    }
  }
  for (size_t i = 0; i < group.key.size(); ++i) {
    if (std::holds_alternative<std::monostate>(row.key[i])) {
      return Status::InvalidArgument("feature row of " + group.Label() + ": key field '" +
                                     group.key[i].name + "' is missing");
    }
  }
  if (!time_seen) {
    return Status::InvalidArgument("feature row of " + group.Label() + ": event time field '" +
                                   group.event_time + "' is missing");
  }
  return row;
}

Result<FeatureRow> ParseRowJson(const FeatureGroup& group, std::string_view json) {
  RowJsonParser parser(group);
  return parser.Parse(json);
}

}  // namespace rtml::features
