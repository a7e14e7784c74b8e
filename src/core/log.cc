#include "rtml/core/log.h"

#include <unistd.h>

#include <string>

namespace rtml {
namespace {

void WriteLine(std::string_view prefix, std::string_view message) {
  std::string line;
  line.reserve(prefix.size() + message.size() + 1);
  line.append(prefix).append(message).push_back('\n');
  // One write() so lines of concurrent threads do not interleave.
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace

void LogInfo(std::string_view message) { WriteLine("rtml: ", message); }
void LogWarning(std::string_view message) { WriteLine("rtml: warning: ", message); }

}  // namespace rtml
