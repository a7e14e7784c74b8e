#include "json_line.h"

#include <simdjson.h>

#include "rtml/core/timestamp.h"

namespace rtml::cli {

using simdjson::dom::element;
using simdjson::dom::element_type;

struct JsonLineParser::Impl {
  std::string key_field;
  std::string timestamp_field;
  simdjson::dom::parser parser;
  simdjson::ondemand::parser raw_parser;  // only to recover a number's exact text
};

namespace {

constexpr std::string_view kJsonWhitespace = " \t\r\n";

std::string_view Trim(std::string_view text) {
  const size_t start = text.find_first_not_of(kJsonWhitespace);
  if (start == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(kJsonWhitespace);
  return text.substr(start, end - start + 1);
}

std::string Quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

// The number as written in `line` (the DOM keeps only its value, so "1.50" would
// come back as 1.5).
Result<std::string> RawNumberText(simdjson::ondemand::parser& parser, std::string_view line,
                                  std::string_view field) {
  const simdjson::padded_string padded(line);
  simdjson::ondemand::document doc;
  simdjson::ondemand::value value;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
      doc.find_field_unordered(field).get(value) != simdjson::SUCCESS) {
    return Status::Internal("could not re-read field " + Quoted(field));
  }
  return std::string(Trim(value.raw_json_token()));
}

}  // namespace

JsonLineParser::JsonLineParser(std::string key_field, std::string timestamp_field)
    : impl_(std::make_unique<Impl>()) {
  impl_->key_field = std::move(key_field);
  impl_->timestamp_field = std::move(timestamp_field);
}

JsonLineParser::~JsonLineParser() = default;

Status JsonLineParser::Parse(std::string_view line, ParsedLine* out) {
  out->value = Trim(line);
  out->key.reset();
  out->timestamp_ms = -1;

  element root;
  if (const auto error = impl_->parser.parse(out->value.data(), out->value.size()).get(root);
      error != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string("not valid JSON: ") +
                                   simdjson::error_message(error));
  }
  if (impl_->key_field.empty() && impl_->timestamp_field.empty()) return Status::Ok();
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return Status::InvalidArgument("expected a JSON object (to read its key/timestamp field)");
  }

  if (!impl_->key_field.empty()) {
    const std::string& name = impl_->key_field;
    element field;
    if (object.at_key(name).get(field) != simdjson::SUCCESS) {
      return Status::InvalidArgument("no key field " + Quoted(name));
    }
    switch (field.type()) {
      case element_type::STRING:
        out->key.emplace(field.get_string().value_unsafe());
        break;
      case element_type::INT64:
        out->key.emplace(std::to_string(field.get_int64().value_unsafe()));
        break;
      case element_type::UINT64:
        out->key.emplace(std::to_string(field.get_uint64().value_unsafe()));
        break;
      case element_type::BOOL:
        out->key.emplace(field.get_bool().value_unsafe() ? "true" : "false");
        break;
      case element_type::DOUBLE: {
        Result<std::string> text = RawNumberText(impl_->raw_parser, out->value, name);
        if (!text.ok()) return text.status();
        out->key.emplace(std::move(text).value());
        break;
      }
      default:
        return Status::InvalidArgument("key field " + Quoted(name) +
                                       " is not a string, number or bool");
    }
  }

  if (!impl_->timestamp_field.empty()) {
    const std::string& name = impl_->timestamp_field;
    element field;
    if (object.at_key(name).get(field) != simdjson::SUCCESS || field.is_null()) {
      return Status::Ok();  // no event time: the producer stamps it
    }
    if (field.type() == element_type::INT64 && field.get_int64().value_unsafe() >= 0) {
      out->timestamp_ms = field.get_int64().value_unsafe();
    } else if (field.type() == element_type::STRING) {
      Result<int64_t> ms = ParseIso8601Ms(field.get_string().value_unsafe());
      if (!ms.ok()) {
        return Status::InvalidArgument("timestamp field " + Quoted(name) + ": " +
                                       ms.status().message());
      }
      if (*ms < 0) {
        return Status::InvalidArgument("timestamp field " + Quoted(name) + " is before 1970");
      }
      out->timestamp_ms = *ms;
    } else {
      return Status::InvalidArgument("timestamp field " + Quoted(name) +
                                     " is not a non-negative integer of ms since the epoch or "
                                     "an ISO-8601 string");
    }
  }
  return Status::Ok();
}

}  // namespace rtml::cli
