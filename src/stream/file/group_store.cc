#include "group_store.h"

#include <charconv>

#include "rtml/stream/consumer.h"

namespace rtml::stream::file {

std::filesystem::path GroupStore::PartitionPath(const std::string& group, const TopicPartition& tp,
                                                std::string_view ext) const {
  return root_ / group / tp.topic / (std::to_string(tp.partition) + std::string(ext));
}

Result<FileLock> GroupStore::Claim(const std::string& group, const TopicPartition& tp) const {
  const auto path = PartitionPath(group, tp, ".lock");
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return Status::IOError("create " + path.parent_path().string() + ": " + ec.message());
  return FileLock::TryAcquire(path, "partition " + tp.topic + "/" + std::to_string(tp.partition) +
                                        " of group '" + group + "'");
}

Result<int64_t> GroupStore::Committed(const std::string& group, const TopicPartition& tp) const {
  const auto path = PartitionPath(group, tp, ".offset");
  auto content = ReadWholeFile(path);
  if (!content.ok()) {
    if (content.status().code() == StatusCode::kNotFound) return kNoOffset;
    return content.status();
  }
  int64_t offset = 0;
  const char* end = content->data() + content->size();
  const auto [ptr, err] = std::from_chars(content->data(), end, offset);
  if (err != std::errc() || offset < 0 || (ptr != end && *ptr != '\n')) {
    return Status::Corruption(path.string() + ": not a committed offset");
  }
  return offset;
}

Status GroupStore::Commit(const std::string& group, const TopicPartition& tp,
                          int64_t offset) const {
  const auto path = PartitionPath(group, tp, ".offset");
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return Status::IOError("create " + path.parent_path().string() + ": " + ec.message());
  return WriteFileAtomically(path, std::to_string(offset) + "\n", sync_);
}

}  // namespace rtml::stream::file
