// PaddedBuffer: a reusable copy of one JSON text with the zeroed tail simdjson reads
// past the end (SIMDJSON_PADDING). Parsers keep one so that parsing a frame costs a
// memcpy instead of an allocation. Also AtDocumentEnd(). Internal to the ingest layer.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace rtml::ingest {

class PaddedBuffer {
 public:
  // Copies `text`; the view stays valid until the next Fill().
  simdjson::padded_string_view Fill(std::string_view text) {
    const size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
    if (buffer_.size() < needed) buffer_.resize(std::max(needed, 2 * buffer_.size()));
    std::memcpy(buffer_.data(), text.data(), text.size());
    std::memset(buffer_.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    return simdjson::padded_string_view(buffer_.data(), text.size(), buffer_.size());
  }

 private:
  std::string buffer_;
};

// True once an ondemand document has been read to its end: nothing but whitespace
// follows the value just consumed (simdjson 3.0 has no document::at_end()).
inline bool AtDocumentEnd(simdjson::ondemand::document& doc) {
  const char* next = nullptr;
  return doc.current_location().get(next) == simdjson::OUT_OF_BOUNDS;
}

// The reason a document's root could not be read as an object: another JSON type,
// or broken JSON (ondemand finds most syntax errors only when it gets there).
inline std::string NotAnObjectReason(simdjson::error_code error) {
  if (error == simdjson::INCORRECT_TYPE) return "not a JSON object";
  return std::string("not valid JSON (") + simdjson::error_message(error) + ")";
}

}  // namespace rtml::ingest
