#include "crash_record.h"

#include <charconv>

#include "rtml/stream/partitioner.h"

namespace rtml::crash {
namespace {

constexpr std::string_view kSeqPrefix = "seq=";

std::string KeyOf(int64_t n) { return std::to_string(n % 7); }
std::string PadOf(int64_t n) {
  return std::string(static_cast<size_t>(n % 61), static_cast<char>('a' + n % 26));
}

}  // namespace

CrashRecord::CrashRecord(int64_t n)
    : n_(n),
      key_(KeyOf(n)),
      value_(std::string(kSeqPrefix) + std::to_string(n)),
      n_text_(std::to_string(n)),
      pad_(PadOf(n)),
      headers_{{"n", n_text_}, {"pad", pad_}} {}

stream::OutgoingRecord CrashRecord::Outgoing() const {
  return {.key = key_, .value = value_, .headers = headers_, .timestamp_ms = kBaseTimestampMs + n_};
}

int32_t PartitionOf(int64_t n) { return stream::PartitionForKey(KeyOf(n), kPartitions); }

std::optional<int64_t> ParseSeq(std::string_view value) {
  if (!value.starts_with(kSeqPrefix)) return std::nullopt;
  value.remove_prefix(kSeqPrefix.size());
  int64_t n = 0;
  const auto [ptr, err] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (err != std::errc() || ptr != value.data() + value.size() || n < 0) return std::nullopt;
  return n;
}

std::string Mismatch(const stream::ConsumedRecord& record, int64_t n) {
  const CrashRecord expected(n);
  const stream::OutgoingRecord want = expected.Outgoing();
  if (record.value != want.value) return "value '" + std::string(record.value) + "'";
  if (record.key != want.key) return "key '" + std::string(record.key.value_or("<none>")) + "'";
  if (record.timestamp_ms != want.timestamp_ms) {
    return "timestamp " + std::to_string(record.timestamp_ms);
  }
  if (record.partition != PartitionOf(n)) return "partition " + std::to_string(record.partition);
  if (record.headers.size() != want.headers.size()) {
    return std::to_string(record.headers.size()) + " headers";
  }
  for (size_t i = 0; i < want.headers.size(); ++i) {
    if (record.headers[i].key != want.headers[i].key ||
        record.headers[i].value != want.headers[i].value) {
      return "header " + std::to_string(i) + " '" + std::string(record.headers[i].key) + "'";
    }
  }
  return "";
}

}  // namespace rtml::crash
