// Byte sizes as people type them ("512MiB", "1GiB", "10GB") and as `rtml` prints
// them back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::cli {

// An integer with an optional unit: B, KiB, MiB, GiB, TiB (powers of 1024) or KB,
// MB, GB, TB (powers of 1000); units ignore case. InvalidArgument otherwise.
Result<int64_t> ParseByteSize(std::string_view text);

// A size limit: a byte size, or "unlimited"/"forever" for stream::kUnlimited.
Result<int64_t> ParseByteLimit(std::string_view text);

// Exact sizes in the largest binary unit that divides them ("128MiB", "1000B");
// "unlimited" for a negative value.
std::string FormatByteLimit(int64_t bytes);

// Approximate sizes for tables, one decimal ("1.5KiB", "312B"); "-" if negative
// (unknown).
std::string FormatByteSizeShort(int64_t bytes);

}  // namespace rtml::cli
