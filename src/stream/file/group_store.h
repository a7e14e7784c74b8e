// GroupStore: committed offsets and partition ownership of consumer groups in the
// file:// log (docs/file-log-format.md, "Consumer groups"). Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "file_util.h"
#include "rtml/core/result.h"
#include "rtml/stream/topic.h"

namespace rtml::stream::file {

class GroupStore {
 public:
  GroupStore(std::filesystem::path root, bool sync) : root_(std::move(root)), sync_(sync) {}

  // Makes the caller the group's owner of `tp`; Busy if another member owns it.
  Result<FileLock> Claim(const std::string& group, const TopicPartition& tp) const;

  // The committed offset, or kNoOffset (-1) if the group never committed one.
  Result<int64_t> Committed(const std::string& group, const TopicPartition& tp) const;

  // Stores `offset` (the next offset to read) atomically.
  Status Commit(const std::string& group, const TopicPartition& tp, int64_t offset) const;

 private:
  std::filesystem::path PartitionPath(const std::string& group, const TopicPartition& tp,
                                      std::string_view ext) const;

  const std::filesystem::path root_;  // DIR/groups
  const bool sync_;
};

}  // namespace rtml::stream::file
