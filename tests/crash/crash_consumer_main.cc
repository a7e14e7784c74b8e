// rtml_crash_consumer: a consumer-group member that "processes" records by
// appending them to an output file, for crash_test.cc. Runs until killed (or,
// with --until-caught-up=1, until it has committed the end of every partition).
//
// Processing is at-least-once: each polled batch is appended and fsynced to --out
// before Commit(), so a kill may lose a commit but never a processed record.
// Output file lines (a torn last line from a kill is cut off at the next start):
//   start run=<--run> <p>:<position> ...   this run's first position per partition
//   <p> <offset> <value>         one processed record
// Lines on stdout: "truncated=<bytes>", then "commit <p>:<offset> ..." after each
// Commit(). Exit codes: 2 bad flags, 3 cannot join, 4 consuming failed.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "crash_args.h"
#include "crash_record.h"
#include "file_broker.h"
#include "file_util.h"
#include "rtml/stream/consumer.h"

namespace rtml::crash {
namespace {

void Say(const std::string& line) {
  const std::string text = line + "\n";
  (void)stream::file::WriteAll(STDOUT_FILENO, text, "stdout");
}

int Fail(int code, const Status& status) {
  std::fprintf(stderr, "rtml_crash_consumer: %s\n", status.ToString().c_str());
  return code;
}

// Opens the output for appending, first cutting a line a kill left half-written.
Result<stream::file::FileHandle> OpenOutput(const std::filesystem::path& path) {
  RTML_ASSIGN_OR_RETURN(auto fd, stream::file::OpenFile(path, O_RDWR | O_CREAT | O_APPEND));
  RTML_ASSIGN_OR_RETURN(const std::string content, stream::file::ReadWholeFile(path));
  const size_t keep = content.rfind('\n') == std::string::npos ? 0 : content.rfind('\n') + 1;
  if (::ftruncate(fd.get(), static_cast<off_t>(keep)) != 0) {
    return Status::FromErrno("truncate " + path.string(), errno);
  }
  Say("truncated=" + std::to_string(content.size() - keep));
  return fd;
}

// "<p>:<position> ..." for every assigned partition.
Result<std::string> Positions(stream::Consumer& consumer) {
  std::string out;
  for (const stream::TopicPartition& tp : consumer.Assignment()) {
    RTML_ASSIGN_OR_RETURN(const int64_t position, consumer.Position(tp));
    out += (out.empty() ? "" : " ") + std::to_string(tp.partition) + ":" + std::to_string(position);
  }
  return out;
}

// Appends and syncs what `records` says, then commits their positions.
Status Process(std::span<const stream::ConsumedRecord> records, int out_fd,
               const std::filesystem::path& out_path, stream::Consumer& consumer) {
  std::string text;
  for (const stream::ConsumedRecord& r : records) {
    text += std::to_string(r.partition) + " " + std::to_string(r.offset) + " ";
    text.append(r.value);
    text += '\n';
  }
  RTML_RETURN_IF_ERROR(stream::file::WriteAll(out_fd, text, out_path));
  RTML_RETURN_IF_ERROR(stream::file::SyncFile(out_fd, out_path));
  RTML_RETURN_IF_ERROR(consumer.Commit());
  RTML_ASSIGN_OR_RETURN(const std::string positions, Positions(consumer));
  Say("commit " + positions);
  return Status::Ok();
}

Result<bool> CaughtUp(stream::Consumer& consumer) {
  RTML_ASSIGN_OR_RETURN(const auto lags, consumer.Lag());
  for (const stream::PartitionLag& lag : lags) {
    if (lag.lag != 0) return false;
  }
  return true;
}

int Run(int argc, char** argv) {
  auto args = CrashArgs::Parse(argc, argv,
                               {{"dir", ""},
                                {"topic", "crash"},
                                {"group", "crashers"},
                                {"out", ""},
                                {"batch", "500"},
                                {"until-caught-up", "0"},
                                {"run", "0"}});
  if (!args.ok()) return Fail(2, args.status());
  auto batch = args->GetInt("batch");
  if (!batch.ok() || *batch <= 0) return Fail(2, Status::InvalidArgument("--batch must be > 0"));
  const std::string dir = args->Get("dir");
  const std::string topic = args->Get("topic");
  const std::filesystem::path out_path = args->Get("out");

  auto out = OpenOutput(out_path);
  if (!out.ok()) return Fail(3, out.status());
  auto broker = stream::OpenFileBroker(dir, "file://" + dir, {});
  if (!broker.ok()) return Fail(3, broker.status());
  auto consumer = (*broker)->NewConsumer({.group = args->Get("group")});
  if (!consumer.ok()) return Fail(3, consumer.status());
  if (Status s = (*consumer)->Subscribe({topic}); !s.ok()) return Fail(3, s);
  if ((*consumer)->Assignment().size() != static_cast<size_t>(kPartitions)) {
    return Fail(3, Status::Busy("another member holds partitions of group " + args->Get("group")));
  }
  auto positions = Positions(**consumer);
  if (!positions.ok()) return Fail(3, positions.status());
  const std::string marker = "start run=" + args->Get("run") + " " + *positions + "\n";
  if (Status s = stream::file::WriteAll(out->get(), marker, out_path); !s.ok()) return Fail(4, s);
  if (Status s = stream::file::SyncFile(out->get(), out_path); !s.ok()) return Fail(4, s);

  for (;;) {
    auto records = (*consumer)->Poll(std::chrono::milliseconds(100), static_cast<size_t>(*batch));
    if (!records.ok()) return Fail(4, records.status());
    if (!records->empty()) {
      if (Status s = Process(*records, out->get(), out_path, **consumer); !s.ok())
        return Fail(4, s);
    } else if (args->Get("until-caught-up") == "1") {
      auto done = CaughtUp(**consumer);
      if (!done.ok()) return Fail(4, done.status());
      if (*done) return 0;
    }
  }
}

}  // namespace
}  // namespace rtml::crash

int main(int argc, char** argv) { return rtml::crash::Run(argc, argv); }
