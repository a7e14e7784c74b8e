#include "rtml/stream/topic.h"

#include <string>

namespace rtml::stream {

Status ValidateTopicName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("topic name is empty");
  if (name.size() > 249) {
    return Status::InvalidArgument("topic name '" + std::string(name.substr(0, 40)) +
                                   "...' is longer than 249 characters");
  }
  if (name == "." || name == "..") {
    return Status::InvalidArgument("topic name '" + std::string(name) + "' is reserved");
  }
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument("topic name '" + std::string(name) +
                                     "' has a character other than letters, digits, '.', '_' "
                                     "and '-'");
    }
  }
  return Status::Ok();
}

}  // namespace rtml::stream
