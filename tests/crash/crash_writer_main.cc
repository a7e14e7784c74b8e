// rtml_crash_writer: produces records 0, 1, 2, ... (crash_record.h) to a 3-partition
// topic of a file:// log until killed, for crash_test.cc.
//
// On start it recovers each partition and reports what recovery dropped, then
// resumes after the highest sequence number the log holds. Lines on stdout, each
// written once what it claims is true:
//   recovered partition=<p> segment=<base> size=<bytes> dropped=<bytes> reason=<text>
//   start=<first n this run produces>
//   flushed=<n>     every record up to n has been produced and Flush() returned OK
// Exit codes: 2 bad flags, 3 the log cannot be opened (e.g. Busy: another writer),
// 4 producing failed; 0 after --count records.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "crash_args.h"
#include "crash_record.h"
#include "file_broker.h"
#include "partition_writer.h"
#include "rtml/core/clock.h"
#include "segment.h"

namespace rtml::crash {
namespace {

// One unbuffered write per line, so a line the parent reads was really reached.
void Say(const std::string& line) {
  const std::string text = line + "\n";
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

int Fail(int code, const Status& status) {
  std::fprintf(stderr, "rtml_crash_writer: %s\n", status.ToString().c_str());
  return code;
}

Result<stream::FsyncPolicy> ParsePolicy(const std::string& name) {
  if (name == "always") return stream::FsyncPolicy::kAlways;
  if (name == "interval") return stream::FsyncPolicy::kInterval;
  if (name == "never") return stream::FsyncPolicy::kNever;
  return Status::InvalidArgument("--fsync=" + name + ": expected always, interval or never");
}

// Opens each partition as its writer would, so a torn tail from the previous run
// is dropped here and reported, then lets go of it for the producer.
Status RecoverAndReport(const std::filesystem::path& topic_dir, const std::string& topic,
                        stream::FsyncPolicy fsync) {
  for (int32_t p = 0; p < kPartitions; ++p) {
    const auto dir = topic_dir / std::to_string(p);
    stream::file::PartitionWriterOptions options;
    options.fsync = fsync;
    stream::file::RecoveryReport report;
    RTML_ASSIGN_OR_RETURN(auto writer, stream::file::PartitionWriter::Open(
                                           dir, topic + "/" + std::to_string(p), options, &report));
    RTML_ASSIGN_OR_RETURN(const std::vector<int64_t> bases, stream::file::ListSegments(dir));
    const int64_t base = bases.empty() ? 0 : bases.back();
    std::error_code ec;
    const auto size = std::filesystem::file_size(stream::file::SegmentPath(dir, base, "log"), ec);
    RTML_RETURN_IF_ERROR(writer->Close());
    Say("recovered partition=" + std::to_string(p) + " segment=" + std::to_string(base) +
        " size=" + std::to_string(ec ? 0 : size) +
        " dropped=" + std::to_string(report.dropped_bytes) + " reason=" + report.reason);
  }
  return Status::Ok();
}

// 1 + the highest n in the log (0 if empty): the last record of each partition says.
Result<int64_t> NextSeq(stream::Broker& broker, const std::string& topic) {
  int64_t next = 0;
  for (int32_t p = 0; p < kPartitions; ++p) {
    RTML_ASSIGN_OR_RETURN(auto consumer, broker.NewConsumer());
    RTML_RETURN_IF_ERROR(consumer->Assign({{topic, p}}));
    RTML_RETURN_IF_ERROR(consumer->Seek(topic, p, stream::SeekTarget::End()));
    RTML_ASSIGN_OR_RETURN(const int64_t end, consumer->Position({topic, p}));
    if (end == 0) continue;
    RTML_RETURN_IF_ERROR(consumer->Seek(topic, p, stream::SeekTarget::Offset(end - 1)));
    RTML_ASSIGN_OR_RETURN(auto records, consumer->Poll(std::chrono::seconds(5), 1));
    if (records.size() != 1 || records[0].offset != end - 1) {
      return Status::Internal("cannot read the last record of " + topic + "/" + std::to_string(p));
    }
    const auto n = ParseSeq(records[0].value);
    if (!n.has_value()) return Status::Corruption("last record of partition is not seq=<n>");
    next = std::max(next, *n + 1);
  }
  return next;
}

int Run(int argc, char** argv) {
  auto args = CrashArgs::Parse(argc, argv,
                               {{"dir", ""},
                                {"topic", "crash"},
                                {"fsync", "interval"},
                                {"flush-every", "1000"},
                                {"count", "-1"},
                                {"rate", "0"}});
  if (!args.ok()) return Fail(2, args.status());
  auto fsync = ParsePolicy(args->Get("fsync"));
  auto flush_every = args->GetInt("flush-every");
  auto count = args->GetInt("count");
  auto rate = args->GetInt("rate");  // records per second; 0: as fast as possible
  for (const Status& s : {fsync.status(), flush_every.status(), count.status(), rate.status()}) {
    if (!s.ok()) return Fail(2, s);
  }
  const std::string dir = args->Get("dir");
  const std::string topic = args->Get("topic");

  if (Status s = RecoverAndReport(std::filesystem::path(dir) / "topics" / topic, topic, *fsync);
      !s.ok()) {
    return Fail(3, s);
  }
  auto broker = stream::OpenFileBroker(dir, "file://" + dir, {.fsync = *fsync});
  if (!broker.ok()) return Fail(3, broker.status());
  auto start = NextSeq(**broker, topic);
  if (!start.ok()) return Fail(3, start.status());
  auto producer = (*broker)->NewProducer();
  if (!producer.ok()) return Fail(3, producer.status());
  Say("start=" + std::to_string(*start));

  const int64_t begun_ns = MonotonicNs();
  for (int64_t n = *start; *count < 0 || n < *start + *count; ++n) {
    const CrashRecord record(n);
    if (Status s = (*producer)->Produce(topic, record.Outgoing()); !s.ok()) return Fail(4, s);
    if ((n + 1) % *flush_every == 0) {
      if (Status s = (*producer)->Flush(); !s.ok()) return Fail(4, s);
      Say("flushed=" + std::to_string(n));
    }
    if (*rate > 0) {
      const int64_t due_ns = begun_ns + (n - *start + 1) * 1'000'000'000 / *rate;
      const int64_t ahead_ns = due_ns - MonotonicNs();
      if (ahead_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(ahead_ns));
    }
  }
  if (Status s = (*producer)->Flush(); !s.ok()) return Fail(4, s);
  if (*count > 0) Say("flushed=" + std::to_string(*start + *count - 1));
  return 0;
}

}  // namespace
}  // namespace rtml::crash

int main(int argc, char** argv) { return rtml::crash::Run(argc, argv); }
