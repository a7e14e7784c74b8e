#include "partition_reader.h"

#include <algorithm>

#include "file_util.h"

namespace rtml::stream::file {
namespace {

constexpr uint32_t kRecoveryIndexInterval = 4096;

// Position of the last indexed batch at or before `offset` (0 if none).
uint32_t IndexedPositionFor(const std::filesystem::path& dir, int64_t base, int64_t offset,
                            uint64_t log_size) {
  uint32_t position = 0;
  for (const OffsetIndexEntry& e : LoadOffsetIndex(SegmentPath(dir, base, "index"), log_size)) {
    if (base + e.relative_offset > offset) break;
    position = e.position;
  }
  return position;
}

}  // namespace

PartitionReader::PartitionReader(std::filesystem::path dir, std::string name)
    : dir_(std::move(dir)), name_(std::move(name)) {}

Result<std::unique_ptr<PartitionReader>> PartitionReader::Open(const std::filesystem::path& dir,
                                                               std::string name) {
  if (!std::filesystem::is_directory(dir)) {
    return Status::NotFound("partition " + name + " has no directory " + dir.string());
  }
  // Repair a crashed writer's torn tail now if nobody is writing, so a reader of a
  // log at rest never stops at damage a writer would have dropped anyway. No sync:
  // if the repair is lost, the next open repeats it.
  if (auto lock = FileLock::TryAcquire(dir / "writer.lock", "partition " + name); lock.ok()) {
    RTML_ASSIGN_OR_RETURN(std::vector<int64_t> bases, ListSegments(dir));
    if (!bases.empty()) {
      RTML_RETURN_IF_ERROR(
          RecoverSegment(dir, bases.back(), kRecoveryIndexInterval, /*sync=*/false).status());
    }
  }
  std::unique_ptr<PartitionReader> reader(new PartitionReader(dir, std::move(name)));
  RTML_RETURN_IF_ERROR(reader->SeekToBeginning());
  return reader;
}

Status PartitionReader::OpenSegmentFor(int64_t offset) {
  RTML_ASSIGN_OR_RETURN(std::vector<int64_t> bases, ListSegments(dir_));
  if (bases.empty()) {
    segment_.reset();
    return Status::Ok();
  }
  auto it = std::upper_bound(bases.begin(), bases.end(), offset);
  const int64_t base = it == bases.begin() ? bases.front() : *std::prev(it);
  auto opened = SegmentReader::Open(SegmentPath(dir_, base, "log"), base);
  if (!opened.ok() && opened.status().code() == StatusCode::kNotFound) {
    // Retention removed it between listing and opening: start over from the oldest.
    return OpenSegmentFor(offset);
  }
  RTML_RETURN_IF_ERROR(opened.status());
  segment_.emplace(std::move(opened).value());
  decoded_.clear();
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(segment_->path(), ec);
  segment_->set_position(ec ? 0 : IndexedPositionFor(dir_, base, offset, size));
  pinned_ = false;
  return Status::Ok();
}

Status PartitionReader::SeekToOffset(int64_t offset) {
  RTML_ASSIGN_OR_RETURN(const int64_t start, StartOffset());
  RTML_ASSIGN_OR_RETURN(const int64_t end, EndOffset());
  position_ = std::clamp(offset, start, end);
  return OpenSegmentFor(position_);
}

Status PartitionReader::SeekToBeginning() {
  RTML_ASSIGN_OR_RETURN(const int64_t start, StartOffset());
  position_ = start;
  return OpenSegmentFor(position_);
}

Status PartitionReader::SeekToEnd() {
  RTML_ASSIGN_OR_RETURN(const int64_t end, EndOffset());
  position_ = end;
  return OpenSegmentFor(position_);
}

Status PartitionReader::SeekToTimestamp(int64_t timestamp_ms) {
  RTML_ASSIGN_OR_RETURN(std::vector<int64_t> bases, ListSegments(dir_));
  for (size_t i = 0; i < bases.size(); ++i) {
    const auto log_path = SegmentPath(dir_, bases[i], "log");
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(log_path, ec);
    if (ec) continue;  // deleted by retention meanwhile
    const auto time_index = LoadTimeIndex(SegmentPath(dir_, bases[i], "timeindex"), size);
    const bool last = i + 1 == bases.size();
    // A closed segment whose newest record is older cannot hold the answer.
    if (!last && !time_index.empty() && time_index.back().max_timestamp < timestamp_ms &&
        time_index.back().position + kBatchHeaderSize >= size) {
      continue;
    }
    uint32_t start_position = 0;
    for (const TimeIndexEntry& e : time_index) {
      if (e.max_timestamp >= timestamp_ms) break;
      start_position = e.position;
    }
    auto opened = SegmentReader::Open(log_path, bases[i]);
    if (!opened.ok()) continue;
    SegmentReader segment = std::move(opened).value();
    segment.set_position(start_position);
    for (;;) {
      BatchHeader header;
      std::string_view batch;
      RTML_ASSIGN_OR_RETURN(const auto next, segment.Peek(true, &header, &batch));
      if (next == SegmentReader::Next::kDamaged) return Damaged(segment);
      if (next != SegmentReader::Next::kBatch) break;
      if (header.max_timestamp >= timestamp_ms) {
        std::vector<ConsumedRecord> records;
        std::vector<HeaderRange> ranges;
        std::vector<HeaderView> headers;
        RTML_RETURN_IF_ERROR(DecodeRecords(header, batch, records, ranges, headers));
        for (const ConsumedRecord& r : records) {
          if (r.timestamp_ms >= timestamp_ms) {
            position_ = r.offset;
            return OpenSegmentFor(position_);
          }
        }
      }
      segment.Consume(header);
    }
  }
  return SeekToEnd();
}

Status PartitionReader::Damaged(const SegmentReader& reader) const {
  return Status::Corruption("partition " + name_ + ", segment " + reader.path().string() +
                            ", byte " + std::to_string(reader.position()) + ": " + reader.damage() +
                            "; its records are not returned");
}

Result<bool> PartitionReader::AdvanceSegment() {
  RTML_ASSIGN_OR_RETURN(std::vector<int64_t> bases, ListSegments(dir_));
  const auto it = std::upper_bound(bases.begin(), bases.end(), segment_->base_offset());
  if (it == bases.end()) return false;
  // The writer finished this segment before beginning the next: read what is left.
  BatchHeader header;
  std::string_view batch;
  RTML_ASSIGN_OR_RETURN(const auto next, segment_->Peek(true, &header, &batch));
  if (next != SegmentReader::Next::kEndOfData) return true;  // more here (or damage to report)
  RTML_RETURN_IF_ERROR(OpenSegmentFor(std::max(position_, *it)));
  position_ = std::max(position_, segment_->base_offset());
  return true;
}

Status PartitionReader::Read(size_t max_records, std::vector<ConsumedRecord>& records,
                             std::vector<HeaderRange>& header_ranges,
                             std::vector<HeaderView>& headers) {
  if (!segment_.has_value()) {
    RTML_RETURN_IF_ERROR(OpenSegmentFor(position_));
    if (!segment_.has_value()) return Status::Ok();
  }
  size_t taken = 0;
  while (taken < max_records) {
    if (decoded_.empty()) {
      std::string_view batch;
      RTML_ASSIGN_OR_RETURN(const auto next, segment_->Peek(!pinned_, &decoded_header_, &batch));
      if (next == SegmentReader::Next::kNeedRefill) return Status::Ok();
      if (next == SegmentReader::Next::kDamaged) return Damaged(*segment_);
      if (next == SegmentReader::Next::kEndOfData) {
        if (pinned_) return Status::Ok();
        RTML_ASSIGN_OR_RETURN(const bool moved, AdvanceSegment());
        if (!moved) return Status::Ok();
        continue;
      }
      if (decoded_header_.next_offset() <= position_) {  // before the position we seeked to
        segment_->Consume(decoded_header_);
        continue;
      }
      decoded_ranges_.clear();
      decoded_headers_.clear();
      RTML_RETURN_IF_ERROR(
          DecodeRecords(decoded_header_, batch, decoded_, decoded_ranges_, decoded_headers_));
    }
    // Hand out the records from the position (past a seek into the middle of the
    // batch) up to what was asked for; the rest of the batch is read next time.
    pinned_ = true;
    const auto first =
        static_cast<size_t>(std::max<int64_t>(0, position_ - decoded_header_.base_offset));
    const size_t keep = std::min(decoded_.size() - first, max_records - taken);
    for (size_t i = first; i < first + keep; ++i) {
      const HeaderRange range = decoded_ranges_[i];
      header_ranges.push_back({static_cast<uint32_t>(headers.size()), range.count});
      headers.insert(headers.end(), decoded_headers_.begin() + range.first,
                     decoded_headers_.begin() + range.first + range.count);
      records.push_back(decoded_[i]);
    }
    taken += keep;
    position_ = decoded_[first + keep - 1].offset + 1;
    if (position_ == decoded_header_.next_offset()) {
      segment_->Consume(decoded_header_);
      decoded_.clear();
    }
  }
  return Status::Ok();
}

Result<int64_t> PartitionReader::StartOffset() {
  RTML_ASSIGN_OR_RETURN(std::vector<int64_t> bases, ListSegments(dir_));
  return bases.empty() ? 0 : bases.front();
}

Result<int64_t> PartitionReader::EndOffset() {
  RTML_ASSIGN_OR_RETURN(std::vector<int64_t> bases, ListSegments(dir_));
  if (bases.empty()) return 0;
  const int64_t base = bases.back();
  const auto log_path = SegmentPath(dir_, base, "log");
  auto opened = SegmentReader::Open(log_path, base);
  if (!opened.ok()) return opened.status();
  SegmentReader segment = std::move(opened).value();
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(log_path, ec);
  segment.set_position(ec ? 0 : IndexedPositionFor(dir_, base, INT64_MAX, size));
  int64_t end = base;
  for (;;) {
    BatchHeader header;
    std::string_view batch;
    RTML_ASSIGN_OR_RETURN(const auto next, segment.Peek(true, &header, &batch));
    if (next != SegmentReader::Next::kBatch) break;  // damage is reported by Read
    end = header.next_offset();
    segment.Consume(header);
  }
  return end;
}

}  // namespace rtml::stream::file
