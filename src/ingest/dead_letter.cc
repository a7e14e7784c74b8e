#include "rtml/ingest/dead_letter.h"

#include <charconv>

#include <simdjson.h>

#include "padded_buffer.h"
#include "rtml/core/json_writer.h"

namespace rtml::ingest {
namespace {

using json::AppendInt;

template <typename Int>
void AppendOptionalInt(std::string& out, const std::optional<Int>& value) {
  if (value) {
    AppendInt(out, static_cast<int64_t>(*value));
  } else {
    out += "null";
  }
}

Status FieldError(std::string_view field, std::string_view problem) {
  return Status::InvalidArgument("dead letter JSON: field '" + std::string(field) + "' " +
                                 std::string(problem));
}

}  // namespace

void AppendDeadLetterJson(const DeadLetter& letter, std::string& out) {
  out += "{\"source\":";
  json::AppendString(out, letter.source);
  out += ",\"partition\":";
  AppendOptionalInt(out, letter.partition);
  out += ",\"offset\":";
  AppendOptionalInt(out, letter.offset);
  out += ",\"error\":";
  json::AppendString(out, letter.error);
  out += ",\"raw\":";
  json::AppendString(out, letter.raw);
  out += ",\"received_ns\":";
  AppendInt(out, letter.received_ns);
  out += '}';
}

Result<DeadLetter> ParseDeadLetterJson(std::string_view json) {
  thread_local simdjson::dom::parser parser;
  thread_local PaddedBuffer buffer;
  const simdjson::padded_string_view padded = buffer.Fill(json);
  simdjson::dom::object object;
  if (const auto error = parser.parse(padded.data(), padded.size(), false).get(object); error) {
    return Status::InvalidArgument(std::string("dead letter JSON: not a JSON object (") +
                                   simdjson::error_message(error) + ")");
  }
  DeadLetter letter;
  for (const std::string_view name : {"source", "error", "raw"}) {
    std::string_view text;
    if (object.at_key(name).get_string().get(text) != simdjson::SUCCESS) {
      return FieldError(name, "is missing or not a string");
    }
    std::string& target = name == "source"  ? letter.source
                          : name == "error" ? letter.error
                                            : letter.raw;
    target.assign(text);
  }
  simdjson::dom::element value;
  if (object.at_key("partition").get(value) != simdjson::SUCCESS) {
    return FieldError("partition", "is missing");
  }
  if (!value.is_null()) {
    int64_t partition;
    if (value.get_int64().get(partition) != simdjson::SUCCESS || partition < 0 ||
        partition > INT32_MAX) {
      return FieldError("partition", "is not null or a partition number");
    }
    letter.partition = static_cast<int32_t>(partition);
  }
  if (object.at_key("offset").get(value) != simdjson::SUCCESS) {
    return FieldError("offset", "is missing");
  }
  if (!value.is_null()) {
    int64_t offset;
    if (value.get_int64().get(offset) != simdjson::SUCCESS) {
      return FieldError("offset", "is not null or an integer");
    }
    letter.offset = offset;
  }
  if (object.at_key("received_ns").get_int64().get(letter.received_ns) != simdjson::SUCCESS) {
    return FieldError("received_ns", "is missing or not an integer");
  }
  return letter;
}

DeadLetterWriter::DeadLetterWriter(stream::Producer& producer, std::string topic)
    : producer_(producer), topic_(std::move(topic)) {}

Status DeadLetterWriter::Write(const DeadLetter& letter) {
  buffer_.clear();
  AppendDeadLetterJson(letter, buffer_);
  stream::OutgoingRecord record;
  record.value = buffer_;
  record.timestamp_ms =
      letter.received_ns > 0 ? letter.received_ns / 1'000'000 : stream::kNoTimestamp;
  RTML_RETURN_IF_ERROR(producer_.Produce(topic_, record));
  ++written_;
  return Status::Ok();
}

}  // namespace rtml::ingest
