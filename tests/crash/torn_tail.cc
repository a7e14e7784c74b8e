#include "torn_tail.h"

#include <fcntl.h>

#include "crash_record.h"
#include "file_util.h"
#include "record_batch.h"
#include "segment.h"

namespace rtml::crash {
namespace {

// Far above anything a test's writers reach.
constexpr int64_t kNeverSent = 1'000'000'000'000;

}  // namespace

std::string BatchForTornTail(int64_t base_offset, int count) {
  stream::file::BatchBuilder builder;
  builder.Reset(base_offset);
  for (int i = 0; i < count; ++i) {
    const CrashRecord record(kNeverSent + i);
    builder.Add(record.Outgoing(), kBaseTimestampMs);
  }
  return std::string(builder.Finish());
}

Status AppendToActiveSegment(const std::filesystem::path& dir, std::string_view bytes) {
  RTML_ASSIGN_OR_RETURN(const std::vector<int64_t> bases, stream::file::ListSegments(dir));
  if (bases.empty()) return Status::NotFound(dir.string() + " has no segment");
  const auto path = stream::file::SegmentPath(dir, bases.back(), "log");
  RTML_ASSIGN_OR_RETURN(auto fd, stream::file::OpenFile(path, O_WRONLY | O_APPEND));
  return stream::file::WriteAll(fd.get(), bytes, path);
}

}  // namespace rtml::crash
