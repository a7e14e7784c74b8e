#include "record_json.h"

#include "rtml/core/json_writer.h"

namespace rtml::cli {
namespace {

constexpr std::string_view kJsonWhitespace = " \t\r\n";

std::string_view TrimJsonWhitespace(std::string_view text) {
  const size_t start = text.find_first_not_of(kJsonWhitespace);
  if (start == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(kJsonWhitespace);
  return text.substr(start, end - start + 1);
}

void AppendRawJson(std::string& out, std::string_view json) {
  const size_t start = out.size();
  out.append(json);
  // Valid JSON has no raw line breaks inside strings, so these are whitespace.
  for (size_t i = start; i < out.size(); ++i) {
    if (out[i] == '\n' || out[i] == '\r') out[i] = ' ';
  }
}

}  // namespace

void AppendRecordJson(std::string& out, const stream::ConsumedRecord& record) {
  out += "{\"topic\":";
  json::AppendString(out, record.topic);
  out += ",\"partition\":";
  out += std::to_string(record.partition);
  out += ",\"offset\":";
  out += std::to_string(record.offset);
  out += ",\"timestamp\":";
  out += std::to_string(record.timestamp_ms);
  out += ",\"key\":";
  if (record.key) {
    json::AppendString(out, *record.key);
  } else {
    out += "null";
  }
  out += ",\"value\":";
  if (json::IsValidJson(record.value)) {
    AppendRawJson(out, TrimJsonWhitespace(record.value));
  } else {
    json::AppendString(out, record.value);
  }
  out += ",\"headers\":{";
  for (size_t i = 0; i < record.headers.size(); ++i) {
    if (i > 0) out += ',';
    json::AppendString(out, record.headers[i].key);
    out += ':';
    json::AppendString(out, record.headers[i].value);
  }
  out += "}}\n";
}

}  // namespace rtml::cli
