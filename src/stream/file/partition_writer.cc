#include "partition_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>
#include <utility>

#include "rtml/core/clock.h"

namespace rtml::stream::file {
namespace {

// A reader that is repairing an unwritten partition holds the writer lock briefly;
// wait this long for it before reporting the partition busy.
constexpr auto kLockPatience = std::chrono::seconds(2);
constexpr int64_t kRetentionCheckNs = 1'000'000'000;

Result<FileLock> AcquireWriterLock(const std::filesystem::path& dir, const std::string& name) {
  const auto give_up = std::chrono::steady_clock::now() + kLockPatience;
  for (;;) {
    auto lock = FileLock::TryAcquire(dir / "writer.lock", "partition " + name);
    if (lock.ok() || lock.status().code() != StatusCode::kBusy ||
        std::chrono::steady_clock::now() >= give_up) {
      return lock;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Newest timestamp of a closed segment: its time index says; a segment without one
// (an older crash) falls back to the file's modification time.
int64_t ClosedSegmentMaxTimestamp(const std::filesystem::path& dir, int64_t base, uint64_t size) {
  const auto entries = LoadTimeIndex(SegmentPath(dir, base, "timeindex"), size);
  if (!entries.empty()) return entries.back().max_timestamp;
  struct stat st;
  if (::stat(SegmentPath(dir, base, "log").c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

}  // namespace

PartitionWriter::PartitionWriter(std::filesystem::path dir, std::string name,
                                 PartitionWriterOptions options, FileLock lock)
    : dir_(std::move(dir)), name_(std::move(name)), options_(options), lock_(std::move(lock)) {}

PartitionWriter::~PartitionWriter() { (void)Close(); }

Result<std::unique_ptr<PartitionWriter>> PartitionWriter::Open(
    const std::filesystem::path& dir, std::string name, const PartitionWriterOptions& options,
    RecoveryReport* report) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir.string() + ": " + ec.message());
  RTML_ASSIGN_OR_RETURN(FileLock lock, AcquireWriterLock(dir, name));
  std::unique_ptr<PartitionWriter> writer(
      new PartitionWriter(dir, std::move(name), options, std::move(lock)));

  RTML_ASSIGN_OR_RETURN(std::vector<int64_t> bases, ListSegments(dir));
  std::lock_guard<std::mutex> guard(writer->mu_);
  if (bases.empty()) {
    RTML_RETURN_IF_ERROR(writer->OpenActiveLocked(0, /*create=*/true));
  } else {
    for (size_t i = 0; i + 1 < bases.size(); ++i) {
      struct stat st;
      const uint64_t size = ::stat(SegmentPath(dir, bases[i], "log").c_str(), &st) == 0
                                ? static_cast<uint64_t>(st.st_size)
                                : 0;
      writer->segments_.push_back({bases[i], size, ClosedSegmentMaxTimestamp(dir, bases[i], size)});
    }
    const bool sync = options.fsync != FsyncPolicy::kNever;
    RTML_ASSIGN_OR_RETURN(RecoveredSegment recovered,
                          RecoverSegment(dir, bases.back(), options.index_interval_bytes, sync));
    if (report != nullptr) {
      report->partition = writer->name_;
      report->dropped_bytes = recovered.dropped_bytes;
      report->reason = recovered.drop_reason;
    }
    writer->segments_.push_back({bases.back(), recovered.valid_bytes, recovered.max_timestamp});
    writer->next_offset_ = recovered.next_offset;
    writer->indexed_any_ = !recovered.offset_index.empty();
    if (writer->indexed_any_) {
      writer->last_indexed_position_ = recovered.offset_index.back().position;
    }
    RTML_RETURN_IF_ERROR(writer->OpenActiveLocked(bases.back(), /*create=*/false));
  }
  writer->last_sync_ns_ = MonotonicNs();
  RTML_RETURN_IF_ERROR(writer->ApplyRetentionLocked());
  return writer;
}

Status PartitionWriter::OpenActiveLocked(int64_t base_offset, bool create) {
  const int flags = O_WRONLY | O_APPEND | (create ? O_CREAT | O_TRUNC : 0);
  log_path_ = SegmentPath(dir_, base_offset, "log");
  RTML_ASSIGN_OR_RETURN(log_, OpenFile(log_path_, flags));
  RTML_ASSIGN_OR_RETURN(index_, OpenFile(SegmentPath(dir_, base_offset, "index"),
                                         O_WRONLY | O_APPEND | O_CREAT | (create ? O_TRUNC : 0)));
  RTML_ASSIGN_OR_RETURN(time_index_,
                        OpenFile(SegmentPath(dir_, base_offset, "timeindex"),
                                 O_WRONLY | O_APPEND | O_CREAT | (create ? O_TRUNC : 0)));
  if (create) {
    segments_.push_back({base_offset, 0, -1});
    next_offset_ = base_offset;
    indexed_any_ = false;
    last_indexed_position_ = 0;
    if (options_.fsync != FsyncPolicy::kNever) RTML_RETURN_IF_ERROR(SyncDirectory(dir_));
  }
  return Status::Ok();
}

Result<int64_t> PartitionWriter::Append(const OutgoingRecord& record, int64_t timestamp_ms,
                                        int64_t linger_deadline_ns) {
  const size_t size = BatchBuilder::EncodedSize(record);
  if (size > kMaxRecordBytes) {
    return Status::InvalidArgument("record of " + std::to_string(size) + " bytes for " + name_ +
                                   " exceeds the limit of " + std::to_string(kMaxRecordBytes));
  }
  std::lock_guard<std::mutex> guard(mu_);
  if (closed_) return Status::IOError("partition " + name_ + " is closed");
  if (!batch_.empty() && batch_.size_bytes() + size > options_.batch_bytes) {
    RTML_RETURN_IF_ERROR(WriteBatchLocked());
  }
  if (batch_.empty()) {
    batch_.Reset(next_offset_);
    batch_deadline_ns_ = linger_deadline_ns;
  } else {
    batch_deadline_ns_ = std::min(batch_deadline_ns_, linger_deadline_ns);
  }
  batch_.Add(record, timestamp_ms);
  const int64_t offset = next_offset_++;
  if (batch_.size_bytes() >= options_.batch_bytes) RTML_RETURN_IF_ERROR(WriteBatchLocked());
  return offset;
}

Status PartitionWriter::WriteBatchLocked() {
  if (batch_.empty()) return Status::Ok();
  const int64_t base_offset = next_offset_ - batch_.record_count();
  const std::string_view data = batch_.Finish();
  if (segments_.back().size > 0 &&
      segments_.back().size + data.size() > static_cast<uint64_t>(options_.segment_bytes)) {
    RTML_RETURN_IF_ERROR(RollLocked(base_offset));
  }
  SegmentInfo& active = segments_.back();
  const uint64_t position = active.size;
  const Status written = WriteAll(log_.get(), data, log_path_);
  if (!written.ok()) {
    // Take back a partial write so the log stays a sequence of whole batches.
    (void)::ftruncate(log_.get(), static_cast<off_t>(position));
    next_offset_ = base_offset;
    batch_.Reset(next_offset_);
    return written;
  }
  active.size += data.size();
  active.max_timestamp = std::max(active.max_timestamp, batch_.max_timestamp());
  if (!indexed_any_ || position - last_indexed_position_ >= options_.index_interval_bytes) {
    RTML_RETURN_IF_ERROR(
        AppendIndexLocked(base_offset, static_cast<uint32_t>(position), active.max_timestamp));
  }
  batch_.Reset(next_offset_);
  dirty_ = true;
  if (options_.on_written) options_.on_written();  // readers can see the batch now
  if (options_.fsync == FsyncPolicy::kAlways) return SyncLocked();
  return Status::Ok();
}

Status PartitionWriter::AppendIndexLocked(int64_t base_offset, uint32_t position,
                                          int64_t max_timestamp) {
  const auto rel = static_cast<uint32_t>(base_offset - segments_.back().base_offset);
  const OffsetIndexEntry offset_entry{rel, position};
  const TimeIndexEntry time_entry{max_timestamp, rel, position};
  RTML_RETURN_IF_ERROR(WriteAll(
      index_.get(), {reinterpret_cast<const char*>(&offset_entry), sizeof(offset_entry)}, dir_));
  RTML_RETURN_IF_ERROR(WriteAll(
      time_index_.get(), {reinterpret_cast<const char*>(&time_entry), sizeof(time_entry)}, dir_));
  last_indexed_position_ = position;
  indexed_any_ = true;
  return Status::Ok();
}

Status PartitionWriter::RollLocked(int64_t new_base_offset) {
  // Everything before the active segment is synced, so only it can have a torn tail.
  if (options_.fsync != FsyncPolicy::kNever) {
    RTML_RETURN_IF_ERROR(SyncLocked());
    RTML_RETURN_IF_ERROR(SyncFile(index_.get(), dir_));
    RTML_RETURN_IF_ERROR(SyncFile(time_index_.get(), dir_));
  }
  RTML_RETURN_IF_ERROR(OpenActiveLocked(new_base_offset, /*create=*/true));
  next_offset_ = new_base_offset + batch_.record_count();
  return ApplyRetentionLocked();
}

Status PartitionWriter::SyncLocked() {
  if (!dirty_) return Status::Ok();
  RTML_RETURN_IF_ERROR(SyncFile(log_.get(), log_path_));
  dirty_ = false;
  last_sync_ns_ = MonotonicNs();
  return Status::Ok();
}

Status PartitionWriter::ApplyRetentionLocked() {
  last_retention_ns_ = MonotonicNs();
  const int64_t now_ms = WallClockMs();
  uint64_t total = 0;
  for (const SegmentInfo& s : segments_) total += s.size;
  while (segments_.size() > 1) {
    const SegmentInfo& oldest = segments_.front();
    const bool too_old = options_.retention_ms != kUnlimited && oldest.max_timestamp >= 0 &&
                         oldest.max_timestamp < now_ms - options_.retention_ms;
    const bool too_big = options_.retention_bytes != kUnlimited &&
                         total - oldest.size >= static_cast<uint64_t>(options_.retention_bytes);
    if (!too_old && !too_big) break;
    // The .log goes last: a reader lists segments by their .log files.
    for (const char* ext : {"index", "timeindex", "log"}) {
      std::error_code ec;
      std::filesystem::remove(SegmentPath(dir_, oldest.base_offset, ext), ec);
      if (ec) return Status::IOError("delete old segment of " + name_ + ": " + ec.message());
    }
    total -= oldest.size;
    segments_.erase(segments_.begin());
  }
  return Status::Ok();
}

Status PartitionWriter::Flush() {
  std::lock_guard<std::mutex> guard(mu_);
  if (!deferred_error_.ok()) return std::exchange(deferred_error_, Status::Ok());
  if (closed_) return Status::Ok();
  return WriteBatchLocked();
}

Status PartitionWriter::Tick(int64_t now_ns) {
  std::unique_lock<std::mutex> lock(mu_);
  if (closed_) return Status::Ok();
  if (!batch_.empty() && now_ns >= batch_deadline_ns_) {
    const Status written = WriteBatchLocked();
    if (!written.ok()) {
      if (deferred_error_.ok()) deferred_error_ = written;
      return written;
    }
  }
  if (now_ns - last_retention_ns_ >= kRetentionCheckNs)
    RTML_RETURN_IF_ERROR(ApplyRetentionLocked());
  if (options_.fsync != FsyncPolicy::kInterval || !dirty_ ||
      now_ns - last_sync_ns_ < options_.fsync_interval_ms * 1'000'000) {
    return Status::Ok();
  }
  // Sync a duplicate of the descriptor without the lock, so producers keep appending
  // during a slow fdatasync (and a roll may close the original meanwhile).
  FileHandle log(::dup(log_.get()));
  if (!log.valid()) return Status::FromErrno("dup " + log_path_.string(), errno);
  const std::filesystem::path path = log_path_;
  dirty_ = false;
  last_sync_ns_ = now_ns;
  lock.unlock();
  const Status synced = SyncFile(log.get(), path);
  if (!synced.ok()) {
    lock.lock();
    dirty_ = true;
    if (deferred_error_.ok()) deferred_error_ = synced;
  }
  return synced;
}

int64_t PartitionWriter::start_offset() const {
  std::lock_guard<std::mutex> guard(mu_);
  return segments_.front().base_offset;
}

int64_t PartitionWriter::next_offset() const {
  std::lock_guard<std::mutex> guard(mu_);
  return next_offset_;
}

uint64_t PartitionWriter::size_bytes() const {
  std::lock_guard<std::mutex> guard(mu_);
  uint64_t total = 0;
  for (const SegmentInfo& s : segments_) total += s.size;
  return total;
}

Status PartitionWriter::Close() {
  std::lock_guard<std::mutex> guard(mu_);
  if (closed_) return Status::Ok();
  Status status = WriteBatchLocked();
  if (status.ok() && options_.fsync != FsyncPolicy::kNever) {
    status = SyncLocked();
    if (status.ok()) status = SyncFile(index_.get(), dir_);
    if (status.ok()) status = SyncFile(time_index_.get(), dir_);
  }
  closed_ = true;
  log_ = FileHandle();
  index_ = FileHandle();
  time_index_ = FileHandle();
  lock_ = FileLock();
  return status;
}

}  // namespace rtml::stream::file
