// Torn tails made on purpose: what a write() cut short by a crash leaves at the end
// of a segment. A SIGKILL can cut a write only in a window of microseconds, so
// crash tests also append these to be sure recovery is exercised every run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "rtml/core/status.h"

namespace rtml::crash {

// A complete, valid batch of `count` records whose sequence numbers no writer ever
// sends, for a test to cut short.
std::string BatchForTornTail(int64_t base_offset, int count);

// Appends `bytes` to the newest segment of the partition in `dir`.
Status AppendToActiveSegment(const std::filesystem::path& dir, std::string_view bytes);

}  // namespace rtml::crash
