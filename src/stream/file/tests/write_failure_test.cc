// A write that fails (here: the file size limit, standing in for a full disk) is
// reported to the producer and leaves the log a sequence of whole batches.
#include <sys/resource.h>

#include <csignal>
#include <thread>

#include <gtest/gtest.h>

#include "file_broker.h"
#include "log_test_util.h"

namespace rtml::stream {
namespace {

using namespace std::chrono_literals;

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    std::signal(SIGXFSZ, SIG_IGN);  // make write() fail with EFBIG instead of killing us
    getrlimit(RLIMIT_FSIZE, &saved_);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &saved_); }

 private:
  rlimit saved_{};
};

TEST(WriteFailure, BackgroundWriteErrorSurfacesInFlushAndTheLogStaysWhole) {
  rtml::testing::TempDir dir;
  BrokerOptions options;
  options.fsync = FsyncPolicy::kNever;
  ASSERT_OK_AND_ASSIGN(auto broker, OpenFileBroker(dir.str(), "file://" + dir.str(), options));
  ASSERT_OK(broker->CreateTopic({.name = "t", .partitions = 1}));
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer({.linger = 1ms}));
  const std::string value(1000, 'v');
  for (int i = 0; i < 10; ++i) ASSERT_OK(producer->Produce("t", {.value = value}));
  ASSERT_OK(producer->Flush());
  const auto segment = dir.path() / "topics/t/0" / "00000000000000000000.log";
  const auto size_before = std::filesystem::file_size(segment);
  {
    FileSizeLimit limit(size_before + 4000);  // room for part of the next batch only
    for (int i = 0; i < 10; ++i) ASSERT_OK(producer->Produce("t", {.value = value}));
    std::this_thread::sleep_for(100ms);  // the ticker writes the lingering batch, and fails
    const Status flushed = producer->Flush();
    EXPECT_EQ(flushed.code(), StatusCode::kIOError) << flushed.ToString();
    EXPECT_NE(flushed.message().find("File too large"), std::string::npos) << flushed.ToString();
    EXPECT_OK(producer->Flush());  // reported once
  }
  EXPECT_EQ(std::filesystem::file_size(segment), size_before);  // partial write taken back
  for (int i = 0; i < 3; ++i) ASSERT_OK(producer->Produce("t", {.value = "after"}));
  ASSERT_OK(producer->Flush());
  ASSERT_OK_AND_ASSIGN(auto d, broker->DescribeTopic("t"));
  EXPECT_EQ(d.partitions[0].end_offset, 13);  // the failed batch's offsets are reused
}

}  // namespace
}  // namespace rtml::stream
