// The topic.conf file of a file:// topic: its TopicSpec as "key=value" lines.
#pragma once

#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/stream/topic.h"

namespace rtml::stream::file {

std::string EncodeTopicConfig(const TopicSpec& spec);

// `source` names the file in error messages.
Result<TopicSpec> DecodeTopicConfig(std::string_view name, std::string_view text,
                                    std::string_view source);

// InvalidArgument naming the first field that makes no sense.
Status ValidateTopicSpec(const TopicSpec& spec);

}  // namespace rtml::stream::file
