#include "writer_runs.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "crash_record.h"
#include "segment.h"

namespace rtml::crash {
namespace {

// Value of "name=<digits>" in `line`, or nullopt.
std::optional<int64_t> Field(std::string_view line, std::string_view name) {
  const std::string key = std::string(name) + "=";
  const size_t at = line.find(key);
  if (at == std::string_view::npos || (at > 0 && line[at - 1] != ' ')) return std::nullopt;
  const char* begin = line.data() + at + key.size();
  int64_t value = 0;
  const auto [ptr, err] = std::from_chars(begin, line.data() + line.size(), value);
  if (err != std::errc()) return std::nullopt;
  return value;
}

// The first n >= from that lands on `partition`.
int64_t NextOnPartition(int64_t from, int32_t partition) {
  for (int64_t n = from; n < from + 7; ++n) {
    if (PartitionOf(n) == partition) return n;
  }
  return std::numeric_limits<int64_t>::max();  // no key of the 7 lands there
}

}  // namespace

WriterRun ParseWriterRun(std::string_view text) {
  WriterRun run;
  while (true) {
    const size_t eol = text.find('\n');
    if (eol == std::string_view::npos) break;
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol + 1);
    if (line.starts_with("recovered ")) {
      RecoveryLine r;
      r.partition = static_cast<int32_t>(Field(line, "partition").value_or(-1));
      r.segment = Field(line, "segment").value_or(-1);
      r.size = static_cast<uint64_t>(Field(line, "size").value_or(0));
      r.dropped = static_cast<uint64_t>(Field(line, "dropped").value_or(0));
      const size_t reason = line.find(" reason=");
      if (reason != std::string_view::npos) r.reason = line.substr(reason + 8);
      run.recovered.push_back(r);
    } else if (auto start = Field(line, "start"); start.has_value() && line.starts_with("start=")) {
      run.start = start;
    } else if (auto flushed = Field(line, "flushed"); flushed && line.starts_with("flushed=")) {
      run.flushed = std::max(run.flushed, *flushed);
    }
  }
  return run;
}

std::vector<SegmentTail> ActiveSegments(const std::filesystem::path& topic_dir,
                                        int32_t partitions) {
  std::vector<SegmentTail> tails(static_cast<size_t>(partitions));
  for (int32_t p = 0; p < partitions; ++p) {
    const auto dir = topic_dir / std::to_string(p);
    auto bases = stream::file::ListSegments(dir);
    if (!bases.ok() || bases->empty()) continue;
    SegmentTail& tail = tails[static_cast<size_t>(p)];
    tail.base = bases->back();
    std::error_code ec;
    tail.size = std::filesystem::file_size(stream::file::SegmentPath(dir, tail.base, "log"), ec);
  }
  return tails;
}

std::vector<std::string> CheckRecovery(const WriterRun& run, const std::vector<SegmentTail>& before,
                                       uint64_t max_torn_bytes) {
  std::vector<std::string> bad;
  for (const RecoveryLine& r : run.recovered) {
    const std::string where = "recovery of partition " + std::to_string(r.partition) + ": ";
    if (r.partition < 0 || static_cast<size_t>(r.partition) >= before.size()) {
      bad.push_back(where + "unknown partition");
      continue;
    }
    const SegmentTail& tail = before[static_cast<size_t>(r.partition)];
    if (r.segment != tail.base) {
      bad.push_back(where + "recovered segment " + std::to_string(r.segment) + ", newest was " +
                    std::to_string(tail.base));
    }
    if (r.size + r.dropped != tail.size) {
      bad.push_back(where + "kept " + std::to_string(r.size) + " + dropped " +
                    std::to_string(r.dropped) + " bytes of a segment of " +
                    std::to_string(tail.size));
    }
    if (r.dropped > max_torn_bytes) {
      bad.push_back(where + "dropped " + std::to_string(r.dropped) + " bytes, more than a batch");
    }
    const std::string want =
        r.dropped > 0 ? "incomplete batch at byte " + std::to_string(r.size) : "";
    if (r.reason != want)
      bad.push_back(where + "reason '" + r.reason + "', expected '" + want + "'");
  }
  return bad;
}

std::vector<std::string> CheckWriterRuns(const CrashLog& log, const std::vector<WriterRun>& runs) {
  std::vector<std::string> bad;
  for (size_t p = 0; p < log.seqs.size(); ++p) {
    const auto& seqs = log.seqs[p];
    for (size_t i = 1; i < seqs.size(); ++i) {
      if (seqs[i] <= seqs[i - 1]) {
        bad.push_back("partition " + std::to_string(p) + " offset " + std::to_string(i) +
                      ": n=" + std::to_string(seqs[i]) + " after n=" + std::to_string(seqs[i - 1]));
      }
    }
  }
  if (!bad.empty()) return bad;  // the checks below rely on the order

  std::vector<const WriterRun*> started;
  for (const WriterRun& run : runs) {
    if (run.start.has_value()) started.push_back(&run);
  }
  for (size_t r = 0; r < started.size(); ++r) {
    const int64_t start = *started[r]->start;
    const int64_t next_start =
        r + 1 < started.size() ? *started[r + 1]->start : std::numeric_limits<int64_t>::max();
    const int64_t flushed = started[r]->flushed;
    const std::string run_name = "run starting at n=" + std::to_string(start);
    int64_t highest_before = -1;
    for (const auto& seqs : log.seqs) {
      const auto it = std::lower_bound(seqs.begin(), seqs.end(), start);
      if (it != seqs.begin()) highest_before = std::max(highest_before, *std::prev(it));
    }
    if (start != highest_before + 1) {
      bad.push_back(run_name + ": the log before it ended at n=" + std::to_string(highest_before));
    }
    if (flushed >= next_start) {
      bad.push_back(run_name + ": flushed n=" + std::to_string(flushed) +
                    " but the next run started at n=" + std::to_string(next_start));
    }
    for (size_t p = 0; p < log.seqs.size(); ++p) {
      const auto& seqs = log.seqs[p];
      const auto partition = static_cast<int32_t>(p);
      auto it = std::lower_bound(seqs.begin(), seqs.end(), start);
      const auto end = std::lower_bound(seqs.begin(), seqs.end(), next_start);
      int64_t expected = NextOnPartition(start, partition);
      for (; it != end; ++it) {
        if (*it != expected) {
          bad.push_back(run_name + ", partition " + std::to_string(p) + " offset " +
                        std::to_string(it - seqs.begin()) + ": n=" + std::to_string(*it) +
                        ", expected n=" + std::to_string(expected) + " (not a prefix)");
          break;
        }
        expected = NextOnPartition(expected + 1, partition);
      }
      if (it == end && expected <= flushed) {
        bad.push_back(run_name + ", partition " + std::to_string(p) +
                      ": n=" + std::to_string(expected) +
                      " is missing but n=" + std::to_string(flushed) + " was reported flushed");
      }
    }
  }
  return bad;
}

}  // namespace rtml::crash
