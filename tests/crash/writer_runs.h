// What each run of rtml_crash_writer claimed (its stdout), and the checks that hold
// a crash-tested log to those claims.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crash_log.h"

namespace rtml::crash {

struct RecoveryLine {
  int32_t partition = 0;
  int64_t segment = 0;  // base offset of the active segment it recovered
  uint64_t size = 0;    // that segment's size after recovery
  uint64_t dropped = 0;
  std::string reason;
};

struct WriterRun {
  std::vector<RecoveryLine> recovered;
  std::optional<int64_t> start;  // first n it produced; nullopt if killed before
  int64_t flushed = -1;          // highest n it reported flushed; -1 if none
};

// Parses the writer's stdout. A last line without '\n' (cut by the kill) is ignored.
WriterRun ParseWriterRun(std::string_view text);

// The active (newest) segment of a partition as a test saw it before a writer ran.
struct SegmentTail {
  int64_t base = 0;
  uint64_t size = 0;
};
std::vector<SegmentTail> ActiveSegments(const std::filesystem::path& topic_dir, int32_t partitions);

// Violations of "recovery dropped exactly the torn tail": the recovered segment is
// the one seen before, size + dropped equals its size then, at most `max_torn_bytes`
// (one batch) were dropped, and the reason is "incomplete batch at byte <size>"
// exactly when bytes were dropped (a SIGKILL can only cut a write short).
std::vector<std::string> CheckRecovery(const WriterRun& run, const std::vector<SegmentTail>& before,
                                       uint64_t max_torn_bytes);

// Violations of the crash contract, for runs in the order they ran:
//  - per partition, n strictly increases with the offset (so no n is there twice);
//  - each run resumed at 1 + the highest n left by the runs before it;
//  - per partition, the records of each run are a prefix of the n it sends there
//    (no gap, nothing after a lost record of the same run);
//  - every n up to the highest a run reported flushed is present.
std::vector<std::string> CheckWriterRuns(const CrashLog& log, const std::vector<WriterRun>& runs);

}  // namespace rtml::crash
