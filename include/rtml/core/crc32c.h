// CRC-32C (Castagnoli), the checksum of the file:// log's record batches.
// Uses the SSE4.2 crc32 instruction when the CPU has it, a table otherwise; both
// give the same value. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rtml::crc32c {

// Extends `crc` (the value of the bytes before) over data[0, n).
uint32_t Extend(uint32_t crc, const void* data, size_t n);

inline uint32_t Value(const void* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view s) { return Extend(0, s.data(), s.size()); }

}  // namespace rtml::crc32c
