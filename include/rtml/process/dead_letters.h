// The dead letter of an input record an operator cannot use: a record for the
// stage's dead-letter topic in the format of ingest/dead_letter.h, source
// "topic:<input>", the input's partition and offset, timed by the input record.
#pragma once

#include <string>
#include <string_view>

#include "rtml/ingest/dead_letter.h"
#include "rtml/process/operator.h"

namespace rtml::process {

inline OutputRecord DeadLetterOf(const stream::ConsumedRecord& record, const std::string& topic,
                                 std::string error) {
  ingest::DeadLetter letter{.source = "topic:" + std::string(record.topic),
                            .partition = record.partition,
                            .offset = record.offset,
                            .error = std::move(error),
                            .raw = std::string(record.value),
                            // The record's own time keeps the operator deterministic.
                            .received_ns = record.timestamp_ms * 1'000'000};
  OutputRecord out{.topic = topic,
                   .key = std::string(record.key.value_or("")),
                   .timestamp_ms = record.timestamp_ms};
  ingest::AppendDeadLetterJson(letter, out.value);
  return out;
}

}  // namespace rtml::process
