// rtml consume: start positions, limits, groups and --follow.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <set>
#include <sstream>
#include <thread>

#include "cli_runner.h"
#include "rtml/core/clock.h"

namespace rtml::cli {
namespace {

using testing::CliResult;
using testing::CliRunner;

// "p:o" for each printed record, in output order.
std::vector<std::string> Positions(const std::string& out) {
  std::vector<std::string> positions;
  for (const std::string& line : rtml::testing::SplitLines(out)) {
    const size_t p = line.find("\"partition\":");
    const size_t o = line.find(",\"offset\":");
    const size_t t = line.find(",\"timestamp\":");
    EXPECT_TRUE(p != std::string::npos && o != std::string::npos && t != std::string::npos) << line;
    if (p == std::string::npos || o == std::string::npos || t == std::string::npos) continue;
    positions.push_back(line.substr(p + 12, o - p - 12) + ":" + line.substr(o + 10, t - o - 10));
  }
  return positions;
}

std::string Line(int64_t offset, int64_t timestamp, const std::string& value,
                 const std::string& topic = "t", int32_t partition = 0) {
  return "{\"topic\":\"" + topic + "\",\"partition\":" + std::to_string(partition) +
         ",\"offset\":" + std::to_string(offset) + ",\"timestamp\":" + std::to_string(timestamp) +
         ",\"key\":null,\"value\":" + value + ",\"headers\":{}}\n";
}

// Appends records with values {"n":i} and timestamps 1000*(i+1) through the API.
void ProduceNumbered(const CliRunner& cli, const std::string& topic, int from, int to,
                     int32_t partition = stream::kAnyPartition) {
  auto broker = cli.OpenBroker();
  ASSERT_NE(broker, nullptr);
  ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
  for (int i = from; i < to; ++i) {
    const std::string value = "{\"n\":" + std::to_string(i) + "}";
    stream::OutgoingRecord record;
    record.value = value;
    record.timestamp_ms = 1000LL * (i + 1);
    record.partition = partition;
    ASSERT_OK(producer->Produce(topic, record));
  }
  ASSERT_OK(producer->Flush());
}

TEST(ConsumeCliTest, DefaultStartIsTheEnd) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t --partitions 2").exit_code, 0);
  ProduceNumbered(cli, "t", 0, 5);
  const CliResult result = cli.Run("consume t");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "");
}

TEST(ConsumeCliTest, FromBeginningPrintsEveryRecordExactly) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  ProduceNumbered(cli, "t", 0, 3);
  const CliResult result = cli.Run("consume t --from-beginning");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.out,
            Line(0, 1000, "{\"n\":0}") + Line(1, 2000, "{\"n\":1}") + Line(2, 3000, "{\"n\":2}"));
}

TEST(ConsumeCliTest, NonJsonValuesKeysAndHeaders) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  {
    auto broker = cli.OpenBroker();
    ASSERT_NE(broker, nullptr);
    ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
    const std::vector<stream::HeaderView> headers = {{"source", "kraken"}, {"h2", "v\"2"}};
    stream::OutgoingRecord record;
    record.key = "BTC\nUSDT";
    record.value = "plain text, \"quoted\"";
    record.headers = headers;
    record.timestamp_ms = 7;
    ASSERT_OK(producer->Produce("t", record));
    record.key = std::nullopt;
    record.value = "{\n  \"pretty\": true\n}\n";
    record.headers = {};
    ASSERT_OK(producer->Produce("t", record));
    ASSERT_OK(producer->Flush());
  }
  const CliResult result = cli.Run("consume t --from-beginning");
  EXPECT_EQ(result.out,
            "{\"topic\":\"t\",\"partition\":0,\"offset\":0,\"timestamp\":7,\"key\":\"BTC\\nUSDT\","
            "\"value\":\"plain text, \\\"quoted\\\"\",\"headers\":{\"source\":\"kraken\","
            "\"h2\":\"v\\\"2\"}}\n"
            "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"timestamp\":7,\"key\":null,"
            "\"value\":{   \"pretty\": true },\"headers\":{}}\n");
}

TEST(ConsumeCliTest, MaxStopsAfterNRecords) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  ProduceNumbered(cli, "t", 0, 2000);
  const CliResult result = cli.Run("consume t --from-beginning --max 1500");
  EXPECT_EQ(result.exit_code, 0);
  const std::vector<std::string> lines = rtml::testing::SplitLines(result.out);
  ASSERT_EQ(lines.size(), 1500u);
  EXPECT_EQ(lines.front() + "\n", Line(0, 1000, "{\"n\":0}"));
  EXPECT_EQ(lines.back() + "\n", Line(1499, 1'500'000, "{\"n\":1499}"));
  EXPECT_EQ(cli.Run("consume t --from-beginning --max 1").out, Line(0, 1000, "{\"n\":0}"));
}

TEST(ConsumeCliTest, OffsetOfOnePartitionOrOfAll) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t --partitions 2").exit_code, 0);
  ProduceNumbered(cli, "t", 0, 4, 0);  // partition 0: n = 0..3
  ProduceNumbered(cli, "t", 4, 7, 1);  // partition 1: n = 4..6

  CliResult result = cli.Run("consume t --partition 0 --offset 2");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, Line(2, 3000, "{\"n\":2}") + Line(3, 4000, "{\"n\":3}"));

  result = cli.Run("consume t --offset 1");
  const std::vector<std::string> positions = Positions(result.out);
  EXPECT_EQ(std::multiset<std::string>(positions.begin(), positions.end()),
            (std::multiset<std::string>{"0:1", "0:2", "0:3", "1:1", "1:2"}));

  result = cli.Run("consume t --partition 1 --from-beginning");
  EXPECT_EQ(Positions(result.out), (std::vector<std::string>{"1:0", "1:1", "1:2"}));
}

TEST(ConsumeCliTest, SinceSeeksByTimestamp) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  ProduceNumbered(cli, "t", 0, 5);  // timestamps 1000..5000
  EXPECT_EQ(cli.Run("consume t --since 3500").out,
            Line(3, 4000, "{\"n\":3}") + Line(4, 5000, "{\"n\":4}"));
  EXPECT_EQ(cli.Run("consume t --since 1970-01-01T00:00:04Z").out,
            Line(3, 4000, "{\"n\":3}") + Line(4, 5000, "{\"n\":4}"));
  EXPECT_EQ(cli.Run("consume t --since 1970-01-01T00:00:05.001Z").out, "");
}

TEST(ConsumeCliTest, SinceRelativeToNow) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  {
    auto broker = cli.OpenBroker();
    ASSERT_NE(broker, nullptr);
    ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
    const int64_t now = WallClockMs();
    const std::pair<int64_t, const char*> records[] = {{now - 3 * 86'400'000, "\"3 days ago\""},
                                                       {now - 2 * 3'600'000, "\"2 hours ago\""},
                                                       {now - 60'000, "\"1 minute ago\""}};
    for (const auto& [ts, value] : records) {
      stream::OutgoingRecord record;
      record.value = value;
      record.timestamp_ms = ts;
      ASSERT_OK(producer->Produce("t", record));
    }
    ASSERT_OK(producer->Flush());
  }
  auto values = [&](const std::string& since) {
    std::vector<std::string> out;
    for (const std::string& line :
         rtml::testing::SplitLines(cli.Run("consume t --since '" + since + "'").out)) {
      const size_t v = line.find("\"value\":");
      out.push_back(line.substr(v + 8, line.find(",\"headers\"") - v - 8));
    }
    return out;
  };
  EXPECT_EQ(values("1d ago"), (std::vector<std::string>{"\"2 hours ago\"", "\"1 minute ago\""}));
  EXPECT_EQ(values("10m"), (std::vector<std::string>{"\"1 minute ago\""}));
  EXPECT_EQ(values("1w ago").size(), 3u);
}

TEST(ConsumeCliTest, GroupResumesAfterItsLastCommit) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t --partitions 3").exit_code, 0);
  ProduceNumbered(cli, "t", 0, 30);

  std::vector<std::string> seen;
  CliResult result = cli.Run("consume t --group g --from-beginning --max 7");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::vector<std::string> batch = Positions(result.out);
  EXPECT_EQ(batch.size(), 7u);
  seen.insert(seen.end(), batch.begin(), batch.end());

  // --from-beginning only applies while the group has committed nothing.
  result = cli.Run("consume t --group g --from-beginning --max 11");
  batch = Positions(result.out);
  EXPECT_EQ(batch.size(), 11u);
  seen.insert(seen.end(), batch.begin(), batch.end());

  result = cli.Run("consume t --group g");
  batch = Positions(result.out);
  EXPECT_EQ(batch.size(), 12u);
  seen.insert(seen.end(), batch.begin(), batch.end());

  // Everything exactly once: no gap, no duplicate.
  const std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), 30u);
  EXPECT_EQ(seen.size(), 30u);
  EXPECT_EQ(cli.Run("consume t --group g").out, "");

  // The group's commits say the same.
  auto broker = cli.OpenBroker();
  ASSERT_NE(broker, nullptr);
  ASSERT_OK_AND_ASSIGN(auto lags, broker->GroupLag("g", "t"));
  ASSERT_EQ(lags.size(), 3u);
  for (const auto& lag : lags) {
    EXPECT_EQ(lag.committed, lag.end_offset);
    EXPECT_EQ(lag.lag, 0);
  }

  // New records: the group picks up exactly those.
  ProduceNumbered(cli, "t", 30, 35);
  EXPECT_EQ(Positions(cli.Run("consume t --group g").out).size(), 5u);
}

TEST(ConsumeCliTest, GroupWithAPartitionAndAnOffset) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t --partitions 2").exit_code, 0);
  ProduceNumbered(cli, "t", 0, 10, 1);
  EXPECT_EQ(Positions(cli.Run("consume t --group g --partition 1 --offset 4 --max 2").out),
            (std::vector<std::string>{"1:4", "1:5"}));
  // Committed at 6: the group continues there.
  EXPECT_EQ(Positions(cli.Run("consume t --group g --partition 1 --max 2").out),
            (std::vector<std::string>{"1:6", "1:7"}));
}

TEST(ConsumeCliTest, WithoutFollowStopsAtTheEndAsItWasAndCommitsOnlyWhatItPrinted) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  constexpr int kBacklog = 5000;
  ProduceNumbered(cli, "t", 0, kBacklog);

  // A writer keeps appending while the consumer runs, so the consumer's last polls
  // see records past the end it started with: it must not print them, and its
  // commit must not skip them.
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    auto broker = cli.OpenBroker();
    ASSERT_NE(broker, nullptr);
    ASSERT_OK_AND_ASSIGN(auto producer, broker->NewProducer());
    for (int i = kBacklog; !stop; ++i) {
      const std::string value = "{\"n\":" + std::to_string(i) + "}";
      stream::OutgoingRecord record;
      record.value = value;
      ASSERT_OK(producer->Produce("t", record));
      if (i % 10 == 0) {
        ASSERT_OK(producer->Flush());
        // Fast enough to outrun the snapshot, slow enough to keep the test light.
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      ++written;
    }
    ASSERT_OK(producer->Flush());
  });
  while (written < 100) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const CliResult first = cli.Run("consume t --group g --from-beginning");
  stop = true;
  writer.join();
  EXPECT_EQ(first.exit_code, 0) << first.err;

  const std::vector<std::string> a = Positions(first.out);
  ASSERT_GE(a.size(), static_cast<size_t>(kBacklog + 100));
  const std::vector<std::string> b = Positions(cli.Run("consume t --group g").out);
  // Together the two runs read offsets 0..end-1 once each, in order.
  std::vector<std::string> all = a;
  all.insert(all.end(), b.begin(), b.end());
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(all[i], "0:" + std::to_string(i))
        << "first run: " << a.front() << " .. " << a.back()
        << "; second run: " << (b.empty() ? "nothing" : b.front() + " .. " + b.back());
  }
  auto broker = cli.OpenBroker();
  ASSERT_NE(broker, nullptr);
  ASSERT_OK_AND_ASSIGN(auto description, broker->DescribeTopic("t"));
  EXPECT_EQ(static_cast<int64_t>(all.size()), description.partitions[0].end_offset);
  EXPECT_GT(b.size(), 0u) << "the writer added nothing after the first run's snapshot";
}

TEST(ConsumeCliTest, FollowPicksUpNewRecordsUntilSigterm) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t --partitions 2").exit_code, 0);
  ProduceNumbered(cli, "t", 0, 2);
  const CliRunner::Background consumer = cli.Start("consume t --from-beginning --follow --group f");
  ASSERT_GT(consumer.pid, 0);
  EXPECT_EQ(rtml::testing::SplitLines(testing::WaitForLines(consumer.out_path, 2)).size(), 2u);

  const CliResult produced =
      cli.Run("produce t --key-field k", "{\"k\":\"a\"}\n{\"k\":\"b\"}\n{\"k\":\"c\"}\n");
  ASSERT_EQ(produced.exit_code, 0);
  const std::string out = testing::WaitForLines(consumer.out_path, 5);
  EXPECT_EQ(testing::StopAndWait(consumer.pid, SIGTERM), 0);
  EXPECT_EQ(testing::ReadFileOrEmpty(consumer.err_path), "");

  const std::vector<std::string> lines = rtml::testing::SplitLines(out);
  ASSERT_EQ(lines.size(), 5u) << out;
  for (const char* key : {"\"key\":\"a\"", "\"key\":\"b\"", "\"key\":\"c\""}) {
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                            [&](const std::string& l) { return l.find(key) != std::string::npos; }),
              1)
        << key;
  }
  // It committed everything it printed before exiting.
  auto broker = cli.OpenBroker();
  ASSERT_NE(broker, nullptr);
  ASSERT_OK_AND_ASSIGN(auto lags, broker->GroupLag("f", "t"));
  int64_t committed = 0;
  for (const auto& lag : lags) committed += lag.committed;
  EXPECT_EQ(committed, 5);
}

TEST(ConsumeCliTest, SecondGroupMemberWaitsForPartitionsThenTakesOver) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t --partitions 2").exit_code, 0);
  ProduceNumbered(cli, "t", 0, 4);
  const CliRunner::Background first = cli.Start("consume t --group g --from-beginning --follow");
  ASSERT_GT(first.pid, 0);
  EXPECT_EQ(rtml::testing::SplitLines(testing::WaitForLines(first.out_path, 4)).size(), 4u);

  // The first member holds every partition: the second one can only wait.
  const CliRunner::Background second = cli.Start("consume t --group g");
  ASSERT_GT(second.pid, 0);
  EXPECT_EQ(testing::WaitForLines(second.err_path, 1),
            "rtml consume: waiting for group 'g' to assign partitions of 't'\n");
  EXPECT_EQ(testing::StopAndWait(first.pid, SIGTERM), 0);
  // Then it gets them, finds everything committed, and ends by itself.
  int status = 0;
  ASSERT_EQ(waitpid(second.pid, &status, 0), second.pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(testing::ReadFileOrEmpty(second.out_path), "");
}

TEST(ConsumeCliTest, FollowExitsCleanlyOnCtrlC) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  const CliRunner::Background consumer = cli.Start("consume t --follow");
  ASSERT_GT(consumer.pid, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(testing::StopAndWait(consumer.pid, SIGINT), 0);
  EXPECT_EQ(testing::ReadFileOrEmpty(consumer.out_path), "");
  EXPECT_EQ(testing::ReadFileOrEmpty(consumer.err_path), "");
}

TEST(ConsumeCliTest, StopsQuietlyWhenTheReaderGoesAway) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  ProduceNumbered(cli, "t", 0, 20'000);
  const std::string err_path = cli.dir().str() + "/pipe-err";
  // `head` exits after one line; rtml then gets EPIPE instead of dying of SIGPIPE.
  const rtml::testing::CommandResult result =
      rtml::testing::RunCommand("bash -c \"RTML_BROKER='" + cli.broker_uri() + "' '" +
                                rtml::testing::RtmlBinary() + "' consume t --from-beginning 2> '" +
                                err_path + "' | head -n 1 > /dev/null; echo \\${PIPESTATUS[0]}\"");
  EXPECT_EQ(result.out, "0\n");
  EXPECT_EQ(testing::ReadFileOrEmpty(err_path), "");
}

TEST(ConsumeCliTest, Errors) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t --partitions 2").exit_code, 0);
  const std::pair<std::string, std::pair<int, std::string>> cases[] = {
      {"consume", {2, "rtml consume: expected a topic name\n"}},
      {"consume t --from-beginning --offset 3",
       {2, "rtml consume: give at most one of --from-beginning, --offset, --since\n"}},
      {"consume t --since 5 --offset 3",
       {2, "rtml consume: give at most one of --from-beginning, --offset, --since\n"}},
      {"consume t --since soon",
       {2,
        "rtml consume: flag --since: 'soon' is not a time (use an ISO-8601 time like "
        "2024-08-08T23:54:00Z, ms since the epoch, or a duration ago like 10m, 2h, 1d)\n"}},
      {"consume t --max 0", {2, "rtml consume: flag --max: '0' is not a positive integer\n"}},
      {"consume t --offset -3",
       {2, "rtml consume: flag --offset: '-3' is not a non-negative integer\n"}},
      {"consume t --group ''", {2, "rtml consume: flag --group: the group name is empty\n"}},
      {"consume nope", {1, "rtml consume: topic 'nope' does not exist (see rtml topics list)\n"}},
      {"consume t --partition 2",
       {1, "rtml consume: flag --partition: topic 't' has 2 partition(s), numbered from 0\n"}},
  };
  for (const auto& [args, expected] : cases) {
    SCOPED_TRACE(args);
    const CliResult result = cli.Run(args);
    EXPECT_EQ(result.exit_code, expected.first);
    EXPECT_EQ(result.err, expected.second);
    EXPECT_EQ(result.out, "");
  }
}

}  // namespace
}  // namespace rtml::cli
