// CrashLog: the sequence numbers a crash-tested log holds, read back through the
// public Broker/Consumer API with every record checked against crash_record.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::crash {

struct CrashLog {
  // seqs[p][offset]: n of the record at that offset of partition p.
  std::vector<std::vector<int64_t>> seqs;

  size_t TotalRecords() const;
};

// Reads every partition of `topic` in the file:// log in `dir` from offset 0 to its
// end. Corruption if an offset is missing or repeated, a record is not exactly what
// CrashRecord(n) produces, or the log is damaged.
Result<CrashLog> ReadCrashLog(const std::string& dir, const std::string& topic);

}  // namespace rtml::crash
