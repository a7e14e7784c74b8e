// CandleKey, AppendCandleJson and ParseCandleJson (candle.h).
#include <charconv>
#include <cmath>
#include <string>
#include <type_traits>

#include <simdjson.h>

#include "rtml/core/json_writer.h"
#include "rtml/process/candle.h"

namespace rtml::process {
namespace {

// The fields after "pair", in wire order.
struct IntField {
  std::string_view name;
  int64_t Candle::*member;
};
struct NumberField {
  std::string_view name;
  double Candle::*member;
};
constexpr IntField kIntFields[] = {
    {"candle_seconds", &Candle::candle_seconds},
    {"window_start_ms", &Candle::window_start_ms},
    {"window_end_ms", &Candle::window_end_ms},
};
constexpr NumberField kNumberFields[] = {
    {"open", &Candle::open},   {"high", &Candle::high},     {"low", &Candle::low},
    {"close", &Candle::close}, {"volume", &Candle::volume}, {"vwap", &Candle::vwap},
};
constexpr IntField kCountField = {"trade_count", &Candle::trade_count};

// Appends ,"name": then the value's shortest round-trip text (null if not finite).
template <typename T>
void AppendField(std::string& out, std::string_view name, T value) {
  out += ",\"";
  out += name;
  out += "\":";
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(value)) {
      out += "null";
      return;
    }
  }
  char text[32];
  out.append(text, std::to_chars(text, text + sizeof text, value).ptr);
}

Status BadField(std::string_view name, std::string_view problem) {
  return Status::InvalidArgument("candle JSON: field '" + std::string(name) + "' " +
                                 std::string(problem));
}

}  // namespace

std::string CandleKey(const Candle& candle) {
  return candle.pair + "|" + std::to_string(candle.candle_seconds) + "|" +
         std::to_string(candle.window_start_ms);
}

void AppendCandleJson(const Candle& candle, std::string& out) {
  out += "{\"pair\":";
  json::AppendString(out, candle.pair);
  for (const IntField& field : kIntFields) AppendField(out, field.name, candle.*field.member);
  for (const NumberField& field : kNumberFields) {
    AppendField(out, field.name, candle.*field.member);
  }
  AppendField(out, kCountField.name, candle.*kCountField.member);
  out += '}';
}

Result<Candle> ParseCandleJson(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (const auto error = parser.parse(padded).get(root); error) {
    return Status::InvalidArgument(std::string("candle JSON: not valid JSON (") +
                                   simdjson::error_message(error) + ")");
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return Status::InvalidArgument("candle JSON: not a JSON object");
  }
  Candle candle;
  std::string_view pair;
  if (const auto error = object["pair"].get_string().get(pair); error) {
    return BadField("pair", error == simdjson::NO_SUCH_FIELD ? "is missing" : "is not a string");
  }
  candle.pair.assign(pair);
  const auto read_int = [&](const IntField& field) {
    const auto error = object[field.name].get_int64().get(candle.*field.member);
    if (!error) return Status::Ok();
    return BadField(field.name,
                    error == simdjson::NO_SUCH_FIELD ? "is missing" : "is not an integer");
  };
  for (const IntField& field : kIntFields) RTML_RETURN_IF_ERROR(read_int(field));
  for (const NumberField& field : kNumberFields) {
    if (const auto error = object[field.name].get_double().get(candle.*field.member); error) {
      return BadField(field.name,
                      error == simdjson::NO_SUCH_FIELD ? "is missing" : "is not a number");
    }
  }
  RTML_RETURN_IF_ERROR(read_int(kCountField));
  return candle;
}

}  // namespace rtml::process
