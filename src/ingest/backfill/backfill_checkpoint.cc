#include "backfill_checkpoint.h"

#include <simdjson.h>

#include "rtml/core/clock.h"
#include "rtml/core/json_writer.h"
#include "rtml/stream/topic_reader.h"

namespace rtml::ingest {

std::string CheckpointKey(std::string_view exchange, std::string_view pair, int64_t since_ms) {
  std::string key(exchange);
  key += '|';
  key += pair;
  key += '|';
  key += std::to_string(since_ms);
  return key;
}

std::string CheckpointJson(const BackfillCheckpoint& c) {
  std::string out = "{\"exchange\":";
  json::AppendString(out, c.exchange);
  out += ",\"pair\":";
  json::AppendString(out, c.pair);
  out += ",\"since_ms\":" + std::to_string(c.since_ms);
  out += ",\"until_ms\":" + std::to_string(c.until_ms);
  out += ",\"cursor_ns\":" + std::to_string(c.cursor_ns);
  out += ",\"written\":" + std::to_string(c.written);
  out += c.complete ? ",\"complete\":true}" : ",\"complete\":false}";
  return out;
}

Result<BackfillCheckpoint> ParseCheckpointJson(std::string_view json) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(object) != simdjson::SUCCESS) {
    return Status::InvalidArgument("checkpoint is not a JSON object");
  }
  BackfillCheckpoint c;
  auto field_error = [](std::string_view name) {
    return Status::InvalidArgument("checkpoint field '" + std::string(name) +
                                   "' is missing or malformed");
  };
  auto read_string = [&](std::string_view name, std::string* out) -> Status {
    std::string_view text;
    if (object[name].get_string().get(text) != simdjson::SUCCESS) return field_error(name);
    *out = std::string(text);
    return Status::Ok();
  };
  auto read_int = [&](std::string_view name, int64_t* out) -> Status {
    if (object[name].get_int64().get(*out) != simdjson::SUCCESS) return field_error(name);
    return Status::Ok();
  };
  RTML_RETURN_IF_ERROR(read_string("exchange", &c.exchange));
  RTML_RETURN_IF_ERROR(read_string("pair", &c.pair));
  RTML_RETURN_IF_ERROR(read_int("since_ms", &c.since_ms));
  RTML_RETURN_IF_ERROR(read_int("until_ms", &c.until_ms));
  RTML_RETURN_IF_ERROR(read_int("cursor_ns", &c.cursor_ns));
  RTML_RETURN_IF_ERROR(read_int("written", &c.written));
  if (object["complete"].get_bool().get(c.complete) != simdjson::SUCCESS) {
    return field_error("complete");
  }
  return c;
}

Result<std::optional<BackfillCheckpoint>> LoadCheckpoint(stream::Broker& broker,
                                                         std::string_view topic,
                                                         std::string_view key) {
  RTML_ASSIGN_OR_RETURN(const std::optional<stream::KeyedValue> newest,
                        stream::ReadNewestOfKey(broker, topic, key));
  if (!newest) return std::optional<BackfillCheckpoint>();
  Result<BackfillCheckpoint> parsed = ParseCheckpointJson(newest->value);
  if (!parsed.ok()) {
    return Status::Corruption(std::string(topic) + " offset " + std::to_string(newest->offset) +
                              ": " + parsed.status().message());
  }
  return std::optional<BackfillCheckpoint>(*std::move(parsed));
}

Status SaveCheckpoint(stream::Producer& producer, std::string_view topic,
                      const BackfillCheckpoint& checkpoint) {
  const std::string key = CheckpointKey(checkpoint.exchange, checkpoint.pair, checkpoint.since_ms);
  const std::string value = CheckpointJson(checkpoint);
  stream::OutgoingRecord record;
  record.key = key;
  record.value = value;
  record.timestamp_ms = WallClockMs();
  return producer.Produce(topic, record);
}

}  // namespace rtml::ingest
