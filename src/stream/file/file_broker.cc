#include "file_broker.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>

#include <cerrno>
#include <chrono>

#include "file_consumer.h"
#include "file_producer.h"
#include "partition_reader.h"
#include "rtml/core/clock.h"
#include "rtml/core/log.h"
#include "topic_config.h"

namespace rtml::stream {

Result<std::unique_ptr<Broker>> OpenFileBroker(const std::string& dir, std::string uri,
                                               const BrokerOptions& options) {
  const std::filesystem::path root(dir);
  std::error_code ec;
  std::filesystem::create_directories(root / "topics", ec);
  if (!ec) std::filesystem::create_directories(root / "groups", ec);
  if (ec) {
    return Status::IOError("broker " + uri + ": cannot create data directory " + dir + ": " +
                           ec.message());
  }
  return std::unique_ptr<Broker>(new file::FileBroker(root, std::move(uri), options));
}

namespace file {
namespace {

constexpr auto kTickPeriod = std::chrono::milliseconds(2);

PartitionWriterOptions WriterOptions(const BrokerOptions& broker, const TopicSpec& spec) {
  PartitionWriterOptions options;
  options.fsync = broker.fsync;
  options.fsync_interval_ms = broker.fsync_interval.count();
  options.segment_bytes = spec.segment_bytes;
  options.retention_ms = spec.retention_ms;
  options.retention_bytes = spec.retention_bytes;
  return options;
}

uint64_t LogBytes(const std::filesystem::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".log") total += entry.file_size(ec);
  }
  return total;
}

}  // namespace

FileBroker::FileBroker(std::filesystem::path root, std::string uri, const BrokerOptions& options)
    : root_(std::move(root)),
      uri_(std::move(uri)),
      options_(options),
      groups_(root_ / "groups", options.fsync != FsyncPolicy::kNever) {
  ticker_ = std::thread([this] { TickLoop(); });
}

FileBroker::~FileBroker() {
  {
    std::lock_guard<std::mutex> guard(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  ticker_.join();
  for (auto& [name, topic] : topics_) {
    std::lock_guard<std::mutex> guard(topic->mu_);
    for (auto& writer : topic->writers_) {
      if (writer == nullptr) continue;
      const Status closed = writer->Close();
      if (!closed.ok()) LogWarning("closing " + name + ": " + closed.ToString());
    }
  }
}

void FileBroker::TickLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, kTickPeriod, [this] { return stop_; })) {
    std::vector<std::shared_ptr<TopicState>> topics;
    topics.reserve(topics_.size());
    for (auto& [name, topic] : topics_) topics.push_back(topic);
    lock.unlock();
    const int64_t now = MonotonicNs();
    for (auto& topic : topics) {
      std::lock_guard<std::mutex> guard(topic->mu_);
      for (auto& writer : topic->writers_) {
        if (writer == nullptr) continue;
        const Status ticked = writer->Tick(now);
        if (!ticked.ok()) LogWarning(ticked.ToString());
      }
    }
    lock.lock();
  }
}

void FileBroker::WaitForBatch(const std::function<bool()>& written,
                              std::chrono::nanoseconds timeout) {
  std::unique_lock<std::mutex> lock(batch_mu_);
  batch_written_.wait_for(lock, timeout, written);
}

std::filesystem::path FileBroker::TopicDir(std::string_view topic) const {
  return root_ / "topics" / std::string(topic);
}

Status FileBroker::CreateTopic(const TopicSpec& spec) {
  RTML_RETURN_IF_ERROR(ValidateTopicSpec(spec));
  const auto dir = TopicDir(spec.name);
  if (std::filesystem::exists(dir)) {
    return Status::AlreadyExists("topic '" + spec.name + "' already exists");
  }
  // The topic is built whole under a hidden name (ListTopics skips dot names), then
  // renamed into place: a process killed halfway leaves no half-made topic, and of
  // two processes creating the same topic, one rename wins.
  static std::atomic<uint64_t> attempt{0};
  const auto staging = root_ / "topics" /
                       ("." + spec.name + ".creating-" + std::to_string(::getpid()) + "-" +
                        std::to_string(attempt.fetch_add(1)));
  std::error_code ec;
  std::filesystem::remove_all(staging, ec);
  for (int32_t p = 0; p < spec.partitions; ++p) {
    std::filesystem::create_directories(staging / std::to_string(p), ec);
    if (ec)
      return Status::IOError("create " + (staging / std::to_string(p)).string() + ": " +
                             ec.message());
  }
  const bool sync = options_.fsync != FsyncPolicy::kNever;
  RTML_RETURN_IF_ERROR(WriteFileAtomically(staging / "topic.conf", EncodeTopicConfig(spec), sync));
  if (::rename(staging.c_str(), dir.c_str()) != 0) {
    const int error = errno;
    std::filesystem::remove_all(staging, ec);
    if (error == EEXIST || error == ENOTEMPTY) {
      return Status::AlreadyExists("topic '" + spec.name + "' already exists");
    }
    return Status::FromErrno("create topic directory " + dir.string(), error);
  }
  return sync ? SyncDirectory(root_ / "topics") : Status::Ok();
}

Result<std::vector<std::string>> FileBroker::ListTopics() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root_ / "topics", ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with('.') && std::filesystem::exists(entry.path() / "topic.conf")) {
      names.push_back(name);
    }
  }
  if (ec) return Status::IOError("list topics in " + root_.string() + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::shared_ptr<TopicState>> FileBroker::Topic(std::string_view topic) {
  {
    std::lock_guard<std::mutex> guard(mu_);
    if (auto it = topics_.find(topic); it != topics_.end()) return it->second;
  }
  RTML_RETURN_IF_ERROR(ValidateTopicName(topic));
  const auto conf_path = TopicDir(topic) / "topic.conf";
  auto text = ReadWholeFile(conf_path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("topic '" + std::string(topic) + "' does not exist in " + uri_ +
                              " (create it with: rtml topics create " + std::string(topic) + ")");
    }
    return text.status();
  }
  RTML_ASSIGN_OR_RETURN(TopicSpec spec, DecodeTopicConfig(topic, *text, conf_path.string()));
  auto state = std::make_shared<TopicState>(std::move(spec), TopicDir(topic));
  state->writers_.resize(static_cast<size_t>(state->spec().partitions));
  std::lock_guard<std::mutex> guard(mu_);
  return topics_.try_emplace(std::string(topic), std::move(state)).first->second;
}

Result<PartitionWriter*> FileBroker::Writer(TopicState& topic, int32_t partition) {
  std::lock_guard<std::mutex> guard(topic.mu_);
  if (topic.deleted()) return Status::NotFound("topic '" + topic.spec().name + "' was deleted");
  auto& slot = topic.writers_[static_cast<size_t>(partition)];
  if (slot == nullptr) {
    RecoveryReport report;
    const std::string name = topic.spec().name + "/" + std::to_string(partition);
    PartitionWriterOptions options = WriterOptions(options_, topic.spec());
    std::atomic<uint64_t>* const written = &topic.batches_written_[static_cast<size_t>(partition)];
    options.on_written = [this, written] {
      written->fetch_add(1, std::memory_order_release);
      std::lock_guard<std::mutex> waiting(batch_mu_);
      batch_written_.notify_all();
    };
    RTML_ASSIGN_OR_RETURN(
        slot, PartitionWriter::Open(topic.PartitionDir(partition), name, options, &report));
    if (report.dropped_bytes > 0) {
      LogWarning("recovered partition " + name + ": dropped " +
                 std::to_string(report.dropped_bytes) + " bytes of torn tail (" + report.reason +
                 ")");
    }
  }
  return slot.get();
}

Result<TopicDescription> FileBroker::DescribeTopic(std::string_view topic) {
  RTML_ASSIGN_OR_RETURN(std::shared_ptr<TopicState> state, Topic(topic));
  TopicDescription description;
  description.spec = state->spec();
  for (int32_t p = 0; p < state->spec().partitions; ++p) {
    PartitionInfo info;
    info.partition = p;
    const auto dir = state->PartitionDir(p);
    RTML_ASSIGN_OR_RETURN(auto reader,
                          PartitionReader::Open(dir, std::string(topic) + "/" + std::to_string(p)));
    RTML_ASSIGN_OR_RETURN(info.start_offset, reader->StartOffset());
    RTML_ASSIGN_OR_RETURN(info.end_offset, reader->EndOffset());
    info.size_bytes = static_cast<int64_t>(LogBytes(dir));
    description.partitions.push_back(info);
  }
  return description;
}

Status FileBroker::DeleteTopic(std::string_view topic) {
  RTML_ASSIGN_OR_RETURN(std::shared_ptr<TopicState> state, Topic(topic));
  {
    std::lock_guard<std::mutex> guard(state->mu_);
    for (auto& writer : state->writers_) {
      // Closed, not destroyed: producers may still point at it; it refuses appends.
      if (writer != nullptr) RTML_RETURN_IF_ERROR(writer->Close());
    }
    // Hold every partition's writer lock while the topic goes, so no writer of
    // another process is cut off mid-batch.
    std::vector<FileLock> locks;
    for (int32_t p = 0; p < state->spec().partitions; ++p) {
      const std::string name = std::string(topic) + "/" + std::to_string(p);
      auto lock = FileLock::TryAcquire(state->PartitionDir(p) / "writer.lock", "partition " + name);
      if (!lock.ok())
        return lock.status().WithContext("cannot delete topic '" + std::string(topic) + "'");
      locks.push_back(std::move(lock).value());
    }
    state->deleted_.store(true, std::memory_order_release);
    // Renaming first makes the deletion atomic for everyone listing topics.
    const auto doomed =
        root_ / "topics" / ("." + std::string(topic) + ".deleted-" + std::to_string(MonotonicNs()));
    std::error_code ec;
    std::filesystem::rename(TopicDir(topic), doomed, ec);
    if (ec) return Status::IOError("delete topic '" + std::string(topic) + "': " + ec.message());
    std::filesystem::remove_all(doomed, ec);
    if (ec)
      LogWarning("deleted topic '" + std::string(topic) + "' left files in " + doomed.string());
  }
  std::lock_guard<std::mutex> guard(mu_);
  topics_.erase(topics_.find(topic));
  return Status::Ok();
}

Result<std::vector<PartitionLag>> FileBroker::GroupLag(std::string_view group,
                                                       std::string_view topic) {
  RTML_ASSIGN_OR_RETURN(TopicDescription description, DescribeTopic(topic));
  std::vector<PartitionLag> lags;
  for (const PartitionInfo& info : description.partitions) {
    PartitionLag lag;
    lag.topic = std::string(topic);
    lag.partition = info.partition;
    RTML_ASSIGN_OR_RETURN(lag.committed,
                          groups_.Committed(std::string(group), {lag.topic, info.partition}));
    lag.end_offset = info.end_offset;
    lag.lag = info.end_offset - std::max(lag.committed, info.start_offset);
    lags.push_back(lag);
  }
  return lags;
}

Result<std::unique_ptr<Producer>> FileBroker::NewProducer(const ProducerOptions& options) {
  return std::unique_ptr<Producer>(new FileProducer(this, options));
}

Result<std::unique_ptr<Consumer>> FileBroker::NewConsumer(const ConsumerOptions& options) {
  return std::unique_ptr<Consumer>(new FileConsumer(this, options));
}

}  // namespace file
}  // namespace rtml::stream
