#include "byte_size.h"

#include <array>
#include <cstdio>
#include <limits>

#include "flags.h"

namespace rtml::cli {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t bytes;
};

constexpr std::array<Unit, 9> kUnits = {{{"b", 1},
                                         {"kib", int64_t{1} << 10},
                                         {"mib", int64_t{1} << 20},
                                         {"gib", int64_t{1} << 30},
                                         {"tib", int64_t{1} << 40},
                                         {"kb", 1'000},
                                         {"mb", 1'000'000},
                                         {"gb", 1'000'000'000},
                                         {"tb", 1'000'000'000'000}}};

constexpr std::array<std::string_view, 5> kBinaryNames = {"B", "KiB", "MiB", "GiB", "TiB"};

Status Invalid(std::string_view text) {
  return Status::InvalidArgument("'" + std::string(text) +
                                 "' is not a byte size (e.g. 1048576, 512MiB, 1GiB, 10GB)");
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Result<int64_t> ParseByteSize(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return Invalid(text);
  const std::optional<int64_t> number = ParseInt64(text.substr(0, digits));
  if (!number) return Invalid(text);
  const std::string suffix = Lower(text.substr(digits));
  if (suffix.empty()) return *number;
  for (const Unit& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    if (*number > std::numeric_limits<int64_t>::max() / unit.bytes) return Invalid(text);
    return *number * unit.bytes;
  }
  return Invalid(text);
}

Result<int64_t> ParseByteLimit(std::string_view text) {
  if (text == "unlimited" || text == "forever") return int64_t{-1};
  Result<int64_t> bytes = ParseByteSize(text);
  if (!bytes.ok()) return Status::InvalidArgument(bytes.status().message() + ", or 'unlimited'");
  return bytes;
}

std::string FormatByteLimit(int64_t bytes) {
  if (bytes < 0) return "unlimited";
  size_t unit = 0;
  while (unit + 1 < kBinaryNames.size() && bytes != 0 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + std::string(kBinaryNames[unit]);
}

std::string FormatByteSizeShort(int64_t bytes) {
  if (bytes < 0) return "-";
  if (bytes < 1024) return std::to_string(bytes) + "B";
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (unit + 1 < kBinaryNames.size() && value >= 1024) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%s", value, kBinaryNames[unit].data());
  return buf;
}

}  // namespace rtml::cli
