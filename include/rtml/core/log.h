// Messages for the person running rtml, on stderr. Thread-safe (one write per line).
#pragma once

#include <string_view>

namespace rtml {

void LogInfo(std::string_view message);
void LogWarning(std::string_view message);

}  // namespace rtml
