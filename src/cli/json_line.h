// JsonLineParser: checks one line of `rtml produce` input and extracts the record
// key and timestamp from it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rtml/core/status.h"

namespace rtml::cli {

struct ParsedLine {
  std::string_view value;          // the line without surrounding whitespace
  std::optional<std::string> key;  // set when a key field is configured
  int64_t timestamp_ms = -1;       // stream::kNoTimestamp: the producer's clock
};

class JsonLineParser {
 public:
  // Empty field names mean: no key / no timestamp taken from the line.
  JsonLineParser(std::string key_field, std::string timestamp_field);
  ~JsonLineParser();
  JsonLineParser(const JsonLineParser&) = delete;
  JsonLineParser& operator=(const JsonLineParser&) = delete;

  // Fills `out` from `line`, which must be exactly one JSON value (an object if a
  // field is configured). The key is the field's string, or the JSON text of a
  // number or bool; a missing key field is an error. The timestamp is an integer
  // of ms since the epoch or an ISO-8601 string; missing or null means "now".
  // InvalidArgument with the reason otherwise. out->value points into `line`.
  Status Parse(std::string_view line, ParsedLine* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtml::cli
