#include "ohlcv_json.h"

#include <charconv>
#include <string>

#include <simdjson.h>

namespace rtml::process {
namespace {

Result<simdjson::dom::object> ParseObject(std::string_view line) {
  thread_local simdjson::dom::parser parser;
  const simdjson::padded_string padded(line);
  simdjson::dom::element root;
  if (const auto error = parser.parse(padded).get(root); error) {
    return Status::InvalidArgument(std::string("not valid JSON (") +
                                   simdjson::error_message(error) + ")");
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return Status::InvalidArgument("not a JSON object");
  }
  return object;
}

// The text SetOhlcvField() reads: a string's content, a number's shortest exact
// text, else the value as JSON (which it then rejects).
std::string ValueText(const simdjson::dom::element& value) {
  char text[32];
  switch (value.type()) {
    case simdjson::dom::element_type::STRING:
      return std::string(value.get_string().value_unsafe());
    case simdjson::dom::element_type::INT64:
      return {text, std::to_chars(text, text + sizeof text, value.get_int64().value_unsafe()).ptr};
    case simdjson::dom::element_type::UINT64:
      return {text, std::to_chars(text, text + sizeof text, value.get_uint64().value_unsafe()).ptr};
    case simdjson::dom::element_type::DOUBLE:
      return {text, std::to_chars(text, text + sizeof text, value.get_double().value_unsafe()).ptr};
    default:
      return simdjson::minify(value);
  }
}

}  // namespace

Result<bool> IsCandleJson(std::string_view line) {
  RTML_ASSIGN_OR_RETURN(const simdjson::dom::object object, ParseObject(line));
  return object["window_start_ms"].error() != simdjson::NO_SUCH_FIELD;
}

Status ParseOhlcvJson(std::string_view line, TimestampReader* timestamps, OhlcvRow* row) {
  RTML_ASSIGN_OR_RETURN(const simdjson::dom::object object, ParseObject(line));
  row->vwap.reset();
  row->trade_count.reset();
  for (int field = 0; field < kOhlcvFields; ++field) {
    const FieldName name{"field", static_cast<OhlcvField>(field)};
    simdjson::dom::element value;
    if (object[kOhlcvFieldNames[field]].get(value) != simdjson::SUCCESS) {
      if (field >= kRequiredOhlcv) continue;
      return Status::InvalidArgument(name.Text() + " is missing");
    }
    RTML_RETURN_IF_ERROR(SetOhlcvField(name, ValueText(value), timestamps, row));
  }
  return Status::Ok();
}

}  // namespace rtml::process
