// Dead letters: input that ingestion rejected, kept with its reason and position so
// that nothing bad is silently lost. Written as JSON to a dead-letter topic
// (default "trades.dlq"), one record per rejected frame or line:
//   {"source":"replay:spot_btcusdt_20240808.gz:17","partition":null,"offset":null,
//    "error":"field 'p' is not a string","raw":"{\"stream\":...}",
//    "received_ns":1723161254087896568}
// source says where the input came from ("binance:wss://host/stream?...",
// "kraken:wss://ws.kraken.com/v2", "replay:FILE:LINE", "topic:NAME");
// partition/offset locate it when it came from a topic, else null; raw is the
// input's bytes as a JSON string (bytes that are not UTF-8 escaped as \u00XX, see
// json::AppendString). Record key: none; record timestamp: received_ns in ms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/stream/producer.h"

namespace rtml::ingest {

inline constexpr std::string_view kDefaultDeadLetterTopic = "trades.dlq";

struct DeadLetter {
  std::string source;
  std::optional<int32_t> partition;  // when the source is a topic
  std::optional<int64_t> offset;     // when the source is a topic
  std::string error;
  std::string raw;
  int64_t received_ns = 0;  // when the input was received, ns since the epoch
  friend bool operator==(const DeadLetter&, const DeadLetter&) = default;
};

// Appends the JSON form of `letter` to `out`.
void AppendDeadLetterJson(const DeadLetter& letter, std::string& out);

// Parses the JSON form back (for tools and tests). InvalidArgument naming the
// missing or malformed field. `raw` comes back as the text the JSON string holds:
// input that was not valid UTF-8 comes back with its bad bytes as U+00XX.
Result<DeadLetter> ParseDeadLetterJson(std::string_view json);

// Writes dead letters to a topic through a producer it does not own (which must
// outlive it). One thread at a time, as the producer.
class DeadLetterWriter {
 public:
  explicit DeadLetterWriter(stream::Producer& producer,
                            std::string topic = std::string(kDefaultDeadLetterTopic));

  // Queues the letter (see Producer::Produce); the producer's Flush() makes it
  // durable. Fails only when the producer refuses the record.
  Status Write(const DeadLetter& letter);

  const std::string& topic() const { return topic_; }
  int64_t written() const { return written_; }

 private:
  stream::Producer& producer_;
  std::string topic_;
  std::string buffer_;
  int64_t written_ = 0;
};

}  // namespace rtml::ingest
