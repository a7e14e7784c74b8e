#include "topic_config.h"

#include <charconv>

namespace rtml::stream::file {

std::string EncodeTopicConfig(const TopicSpec& spec) {
  return "partitions=" + std::to_string(spec.partitions) + "\n" +
         "retention_ms=" + std::to_string(spec.retention_ms) + "\n" +
         "retention_bytes=" + std::to_string(spec.retention_bytes) + "\n" +
         "segment_bytes=" + std::to_string(spec.segment_bytes) + "\n";
}

Result<TopicSpec> DecodeTopicConfig(std::string_view name, std::string_view text,
                                    std::string_view source) {
  TopicSpec spec;
  spec.name = std::string(name);
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    auto bad = [&](std::string_view why) {
      return Status::Corruption(std::string(source) + ":" + std::to_string(line_number) + ": " +
                                std::string(why));
    };
    if (eq == std::string_view::npos) return bad("expected key=value");
    const std::string_view key = line.substr(0, eq);
    const std::string_view value = line.substr(eq + 1);
    int64_t number = 0;
    const auto [ptr, err] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (err != std::errc() || ptr != value.data() + value.size()) return bad("not a number");
    if (key == "partitions")
      spec.partitions = static_cast<int32_t>(number);
    else if (key == "retention_ms")
      spec.retention_ms = number;
    else if (key == "retention_bytes")
      spec.retention_bytes = number;
    else if (key == "segment_bytes")
      spec.segment_bytes = number;
    // Unknown keys are from a newer rtml; ignoring them keeps old binaries working.
  }
  RTML_RETURN_IF_ERROR(ValidateTopicSpec(spec).WithContext(source));
  return spec;
}

Status ValidateTopicSpec(const TopicSpec& spec) {
  RTML_RETURN_IF_ERROR(ValidateTopicName(spec.name));
  const std::string topic = "topic '" + spec.name + "': ";
  if (spec.partitions < 1 || spec.partitions > 100000) {
    return Status::InvalidArgument(topic + "partitions must be between 1 and 100000, not " +
                                   std::to_string(spec.partitions));
  }
  if (spec.retention_ms != kUnlimited && spec.retention_ms <= 0) {
    return Status::InvalidArgument(topic + "retention must be positive or unlimited");
  }
  if (spec.retention_bytes != kUnlimited && spec.retention_bytes <= 0) {
    return Status::InvalidArgument(topic + "retention bytes must be positive or unlimited");
  }
  if (spec.segment_bytes < 1024 || spec.segment_bytes > (1LL << 31)) {
    return Status::InvalidArgument(topic + "segment bytes must be between 1 KiB and 2 GiB");
  }
  return Status::Ok();
}

}  // namespace rtml::stream::file
