// Helpers for tests of the file:// log internals.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "partition_reader.h"
#include "partition_writer.h"
#include "testing.h"

namespace rtml::stream::file::testing {

// A record as the tests remember it.
struct StoredRecord {
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  std::optional<std::string> key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
  friend bool operator==(const StoredRecord&, const StoredRecord&) = default;
};

inline StoredRecord Store(const ConsumedRecord& r) {
  StoredRecord s{r.offset, r.timestamp_ms, std::nullopt, std::string(r.value), {}};
  if (r.key.has_value()) s.key = std::string(*r.key);
  for (const HeaderView& h : r.headers) s.headers.emplace_back(h.key, h.value);
  return s;
}

// Reads the partition in `dir` from its start to its end. Stops at the first error,
// returned in *status, with what was read before it.
inline std::vector<StoredRecord> ReadAll(const std::filesystem::path& dir, Status* status) {
  std::vector<StoredRecord> out;
  auto reader = PartitionReader::Open(dir, "test/0");
  if (!reader.ok()) {
    *status = reader.status();
    return out;
  }
  for (;;) {
    std::vector<ConsumedRecord> records;
    std::vector<HeaderRange> ranges;
    std::vector<HeaderView> headers;
    *status = (*reader)->Read(1000, records, ranges, headers);
    (*reader)->Unpin();
    for (size_t i = 0; i < records.size(); ++i) {
      records[i].headers =
          std::span<const HeaderView>(headers.data() + ranges[i].first, ranges[i].count);
      out.push_back(Store(records[i]));
    }
    if (!status->ok() || records.empty()) return out;
  }
}

inline std::filesystem::path FirstSegment(const std::filesystem::path& dir) {
  return SegmentPath(dir, 0, "log");
}

}  // namespace rtml::stream::file::testing
