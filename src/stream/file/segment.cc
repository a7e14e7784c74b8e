#include "segment.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace rtml::stream::file {
namespace {

constexpr size_t kReadChunk = 1 << 20;

template <typename Entry, typename Plausible>
std::vector<Entry> LoadEntries(const std::filesystem::path& path, Plausible plausible) {
  std::vector<Entry> entries;
  auto content = ReadWholeFile(path);
  if (!content.ok()) return entries;
  const size_t n = content->size() / sizeof(Entry);
  entries.resize(n);
  std::memcpy(entries.data(), content->data(), n * sizeof(Entry));
  // Keep the ascending prefix inside the log; anything after is from before a crash.
  for (size_t i = 0; i < n; ++i) {
    if (!plausible(entries[i]) || (i > 0 && entries[i].position <= entries[i - 1].position)) {
      entries.resize(i);
      break;
    }
  }
  return entries;
}

}  // namespace

std::filesystem::path SegmentPath(const std::filesystem::path& dir, int64_t base_offset,
                                  std::string_view ext) {
  char name[40];
  std::snprintf(name, sizeof(name), "%020lld.", static_cast<long long>(base_offset));
  return dir / (std::string(name) + std::string(ext));
}

Result<std::vector<int64_t>> ListSegments(const std::filesystem::path& dir) {
  std::vector<int64_t> bases;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 24 || !name.ends_with(".log")) continue;
    int64_t base = 0;
    const auto [ptr, err] = std::from_chars(name.data(), name.data() + 20, base);
    if (err == std::errc() && ptr == name.data() + 20) bases.push_back(base);
  }
  if (ec) return Status::IOError("list " + dir.string() + ": " + ec.message());
  std::sort(bases.begin(), bases.end());
  return bases;
}

std::vector<OffsetIndexEntry> LoadOffsetIndex(const std::filesystem::path& path,
                                              uint64_t log_size) {
  return LoadEntries<OffsetIndexEntry>(
      path, [&](const OffsetIndexEntry& e) { return e.position < log_size; });
}

std::vector<TimeIndexEntry> LoadTimeIndex(const std::filesystem::path& path, uint64_t log_size) {
  return LoadEntries<TimeIndexEntry>(
      path, [&](const TimeIndexEntry& e) { return e.position < log_size; });
}

SegmentReader::SegmentReader(std::filesystem::path path, FileHandle fd, int64_t base_offset)
    : path_(std::move(path)), fd_(std::move(fd)), base_offset_(base_offset) {}

Result<SegmentReader> SegmentReader::Open(const std::filesystem::path& path, int64_t base_offset) {
  RTML_ASSIGN_OR_RETURN(FileHandle fd, OpenFile(path, O_RDONLY));
  return SegmentReader(path, std::move(fd), base_offset);
}

Status SegmentReader::Refill(size_t need) {
  if (buffer_.size() < std::max(need, kReadChunk)) buffer_.resize(std::max(need, kReadChunk));
  RTML_ASSIGN_OR_RETURN(const size_t n,
                        ReadAt(fd_.get(), position_, buffer_.size(), buffer_.data(), path_));
  buffer_start_ = position_;
  buffer_len_ = n;
  return Status::Ok();
}

Result<SegmentReader::Next> SegmentReader::Peek(bool allow_refill, BatchHeader* header,
                                                std::string_view* batch) {
  // Bytes from position_ available in the buffer.
  auto available = [&]() -> size_t {
    if (position_ < buffer_start_ || position_ > buffer_start_ + buffer_len_) return 0;
    return static_cast<size_t>(buffer_start_ + buffer_len_ - position_);
  };
  bool refilled = false;
  auto ensure = [&](size_t need) -> Result<bool> {
    if (available() >= need) return true;
    if (!allow_refill) return false;
    RTML_RETURN_IF_ERROR(Refill(need));
    refilled = true;
    return available() >= need;
  };

  RTML_ASSIGN_OR_RETURN(bool have, ensure(kBatchHeaderSize));
  if (!have) return allow_refill ? Next::kEndOfData : Next::kNeedRefill;
  const char* at = buffer_.data() + (position_ - buffer_start_);
  auto parsed = DecodeBatchHeader(std::string_view(at, kBatchHeaderSize));
  if (!parsed.ok()) {
    // Zeros at the tail are what a crash often leaves: say so, it is not bit rot.
    damage_ = parsed.status().message();
    return Next::kDamaged;
  }
  *header = *parsed;
  refilled = false;
  RTML_ASSIGN_OR_RETURN(have, ensure(header->length));
  if (!have) return allow_refill ? Next::kEndOfData : Next::kNeedRefill;
  if (refilled) {
    // The header came from bytes read earlier. If they were a torn tail that a
    // recovering writer has since cut off and written over, the refilled bytes
    // hold another batch: parse its own header.
    return Peek(allow_refill, header, batch);
  }
  at = buffer_.data() + (position_ - buffer_start_);
  *batch = std::string_view(at, header->length);
  if (!BatchChecksumMatches(*header, *batch)) {
    damage_ = "checksum mismatch";
    return Next::kDamaged;
  }
  if (header->record_count == 0 || header->base_offset < base_offset_) {
    damage_ = "batch header out of sequence";
    return Next::kDamaged;
  }
  return Next::kBatch;
}

Result<RecoveredSegment> RecoverSegment(const std::filesystem::path& dir, int64_t base_offset,
                                        uint32_t index_interval_bytes, bool sync) {
  const auto log_path = SegmentPath(dir, base_offset, "log");
  RTML_ASSIGN_OR_RETURN(SegmentReader reader, SegmentReader::Open(log_path, base_offset));
  RecoveredSegment out;
  out.next_offset = base_offset;
  uint64_t last_indexed = 0;
  bool first = true;
  for (;;) {
    BatchHeader header;
    std::string_view batch;
    RTML_ASSIGN_OR_RETURN(const auto next, reader.Peek(/*allow_refill=*/true, &header, &batch));
    if (next == SegmentReader::Next::kBatch && header.base_offset != out.next_offset) {
      out.drop_reason = "batch at byte " + std::to_string(reader.position()) + " has offset " +
                        std::to_string(header.base_offset) + ", expected " +
                        std::to_string(out.next_offset);
      break;
    }
    if (next == SegmentReader::Next::kDamaged) {
      out.drop_reason = reader.damage() + " at byte " + std::to_string(reader.position());
      break;
    }
    if (next != SegmentReader::Next::kBatch) {
      out.drop_reason = "incomplete batch at byte " + std::to_string(reader.position());
      break;
    }
    const uint64_t position = reader.position();
    out.max_timestamp = std::max(out.max_timestamp, header.max_timestamp);
    if (first || position - last_indexed >= index_interval_bytes) {
      const auto rel = static_cast<uint32_t>(header.base_offset - base_offset);
      out.offset_index.push_back({rel, static_cast<uint32_t>(position)});
      out.time_index.push_back({out.max_timestamp, rel, static_cast<uint32_t>(position)});
      last_indexed = position;
      first = false;
    }
    out.next_offset = header.next_offset();
    reader.Consume(header);
  }
  out.valid_bytes = reader.position();

  RTML_ASSIGN_OR_RETURN(FileHandle fd, OpenFile(log_path, O_RDWR));
  RTML_ASSIGN_OR_RETURN(const uint64_t size, FileSize(fd.get(), log_path));
  out.dropped_bytes = size - out.valid_bytes;
  if (out.dropped_bytes > 0) {
    if (::ftruncate(fd.get(), static_cast<off_t>(out.valid_bytes)) != 0) {
      return Status::FromErrno("truncate " + log_path.string(), errno);
    }
    if (sync) RTML_RETURN_IF_ERROR(SyncFile(fd.get(), log_path));
  } else {
    out.drop_reason.clear();
  }
  const auto as_bytes = [](const auto& entries) {
    return std::string_view(reinterpret_cast<const char*>(entries.data()),
                            entries.size() * sizeof(entries[0]));
  };
  RTML_RETURN_IF_ERROR(WriteFileAtomically(SegmentPath(dir, base_offset, "index"),
                                           as_bytes(out.offset_index), sync));
  RTML_RETURN_IF_ERROR(WriteFileAtomically(SegmentPath(dir, base_offset, "timeindex"),
                                           as_bytes(out.time_index), sync));
  return out;
}

}  // namespace rtml::stream::file
