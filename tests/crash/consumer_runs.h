// What the runs of rtml_crash_consumer processed (its output file) and committed,
// and the checks of the consumer group's at-least-once contract against the log.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "crash_log.h"
#include "rtml/core/result.h"

namespace rtml::crash {

// One run of the consumer, as the test saw it.
struct ConsumerRun {
  // The group's committed offsets (kNoOffset if none) before the run started,
  // read from the .offset files; by partition.
  std::vector<int64_t> committed_before;
  // From its stdout: the positions of each "commit" line, by partition.
  std::vector<std::vector<int64_t>> commits;
  // From the output file (empty if it was killed before writing its start line).
  bool started = false;
  std::vector<int64_t> start;  // first position by partition
  struct Processed {
    int32_t partition;
    int64_t offset;
    std::string value;
  };
  std::vector<Processed> processed;
};

// The committed offsets of `group` for `topic`, straight from the group's .offset
// files (docs/file-log-format.md), without opening a broker.
Result<std::vector<int64_t>> ReadCommitted(const std::filesystem::path& dir,
                                           const std::string& group, const std::string& topic,
                                           int32_t partitions);

// Fills `started`, `start` and `processed` of runs[id] from the output file, whose
// "start run=<id> ..." lines name the run. Corruption for a malformed line.
Status ParseConsumerOutput(std::string_view text, std::vector<ConsumerRun>& runs);

// Parses "commit <p>:<position> ..." lines of a run's stdout.
std::vector<std::vector<int64_t>> ParseCommitLines(std::string_view text, int32_t partitions);

// Violations of the group contract, for runs in the order they ran and the
// committed offsets at the end:
//  - a run starts each partition at the committed offset (0 if none): no gap;
//  - within a run a partition is processed at consecutive offsets;
//  - committed offsets never move backwards, and never past what was processed;
//  - every processed value is the log's record at that offset;
//  - together the runs processed every offset of the log (after the final run).
std::vector<std::string> CheckConsumerRuns(const CrashLog& log,
                                           const std::vector<ConsumerRun>& runs,
                                           const std::vector<int64_t>& final_committed,
                                           size_t* reprocessed);

}  // namespace rtml::crash
