// rtml topics: create, list, describe, delete against a real file:// broker.
#include <gtest/gtest.h>

#include "cli_runner.h"

namespace rtml::cli {
namespace {

using testing::CliResult;
using testing::CliRunner;

TEST(TopicsCliTest, CreateListDescribeDelete) {
  CliRunner cli;
  CliResult result = cli.Run("topics list");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "NAME  PARTITIONS  RECORDS  SIZE\n");

  result = cli.Run(
      "topics create trades --partitions 3 --retention 12h --retention-bytes 1GiB "
      "--segment-bytes 64MiB");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "created topic trades with 3 partitions\n");
  EXPECT_EQ(result.err, "");
  result = cli.Run("topics create candles");
  EXPECT_EQ(result.out, "created topic candles with 1 partition\n");

  result = cli.Run("topics list");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out,
            "NAME     PARTITIONS  RECORDS  SIZE\n"
            "candles  1           0        0B\n"
            "trades   3           0        0B\n");
  result = cli.Run("topics list --json");
  EXPECT_EQ(result.out,
            "[{\"name\":\"candles\",\"partitions\":1,\"records\":0,\"size_bytes\":0},"
            "{\"name\":\"trades\",\"partitions\":3,\"records\":0,\"size_bytes\":0}]\n");

  result = cli.Run("topics describe trades");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out,
            "NAME             trades\n"
            "PARTITIONS       3\n"
            "RETENTION        12h\n"
            "RETENTION BYTES  1GiB\n"
            "SEGMENT BYTES    64MiB\n"
            "\n"
            "PARTITION  START  END  RECORDS  SIZE\n"
            "0          0      0    0        0B\n"
            "1          0      0    0        0B\n"
            "2          0      0    0        0B\n");
  result = cli.Run("topics describe candles --json");
  EXPECT_EQ(result.out,
            "{\"name\":\"candles\",\"spec\":{\"partitions\":1,\"retention_ms\":604800000,"
            "\"retention_bytes\":-1,\"segment_bytes\":134217728,\"replication_factor\":-1},"
            "\"partitions\":[{\"partition\":0,\"start_offset\":0,\"end_offset\":0,"
            "\"size_bytes\":0}]}\n");

  result = cli.Run("topics delete candles");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "deleted topic candles\n");
  EXPECT_EQ(cli.Run("topics list --json").out,
            "[{\"name\":\"trades\",\"partitions\":3,\"records\":0,\"size_bytes\":0}]\n");
}

TEST(TopicsCliTest, RetentionForeverAndDescribeCountsRecords) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t --retention forever --retention-bytes unlimited").exit_code,
            0);
  ASSERT_EQ(cli.Run("produce t", "1\n2\n3\n").exit_code, 0);
  CliResult result = cli.Run("topics describe t");
  EXPECT_NE(result.out.find("RETENTION        forever\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("RETENTION BYTES  unlimited\n"), std::string::npos);
  EXPECT_NE(result.out.find("\n0          0      3    3        "), std::string::npos) << result.out;
  result = cli.Run("topics describe t --json");
  EXPECT_NE(result.out.find("\"retention_ms\":-1,\"retention_bytes\":-1"), std::string::npos);
  EXPECT_NE(result.out.find("{\"partition\":0,\"start_offset\":0,\"end_offset\":3,"),
            std::string::npos);
  EXPECT_NE(cli.Run("topics list --json").out.find("\"records\":3"), std::string::npos);
}

TEST(TopicsCliTest, ExplicitBrokerFlagWins) {
  CliRunner cli;
  const std::string other = "file://" + cli.dir().str() + "/other";
  ASSERT_EQ(cli.Run("topics create elsewhere --broker " + other).exit_code, 0);
  EXPECT_EQ(cli.Run("topics list --json").out, "[]\n");
  EXPECT_EQ(cli.Run("topics list --json --broker=" + other + " --fsync always").out,
            "[{\"name\":\"elsewhere\",\"partitions\":1,\"records\":0,\"size_bytes\":0}]\n");
}

TEST(TopicsCliTest, RuntimeErrorsExitOne) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  CliResult result = cli.Run("topics create t");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "rtml topics create: topic 't' already exists\n");

  result = cli.Run("topics describe nope");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.err.starts_with("rtml topics describe: ")) << result.err;
  EXPECT_NE(result.err.find("nope"), std::string::npos);
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1);

  result = cli.Run("topics delete nope");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.err.starts_with("rtml topics delete: ")) << result.err;
}

TEST(TopicsCliTest, UsageErrorsExitTwo) {
  CliRunner cli;
  const std::pair<std::string, std::string> cases[] = {
      {"topics create", "rtml topics create: expected a topic name\n"},
      {"topics create a b", "rtml topics create: unexpected argument 'b'\n"},
      {"topics create 'a b'",
       "rtml topics create: topic name 'a b' has a character other than letters, digits, '.', "
       "'_' and '-'\n"},
      {"topics create t --partitions 0",
       "rtml topics create: flag --partitions: '0' is not an integer from 1 to 1000000\n"},
      {"topics create t --retention 7",
       "rtml topics create: flag --retention: '7' is not a duration (expected a unit: ms, s, m, "
       "h, d or w; e.g. 30m, 12h, 7d, 1000ms), or 'forever'\n"},
      {"topics create t --retention-bytes 1.5GiB",
       "rtml topics create: flag --retention-bytes: '1.5GiB' is not a byte size (e.g. 1048576, "
       "512MiB, 1GiB, 10GB), or 'unlimited'\n"},
      {"topics create t --segment-bytes 0",
       "rtml topics create: flag --segment-bytes: must be greater than 0\n"},
      {"topics create t --fsync sometimes",
       "rtml topics create: flag --fsync: 'sometimes' is not one of always, interval, never\n"},
      {"topics create t --kafka-config nonsense",
       "rtml topics create: flag --kafka-config: 'nonsense' is not KEY=VALUE\n"},
      {"topics list extra", "rtml topics list: unexpected argument 'extra'\n"},
      {"topics describe", "rtml topics describe: expected a topic name\n"},
      {"topics delete", "rtml topics delete: expected a topic name\n"},
  };
  for (const auto& [args, err] : cases) {
    SCOPED_TRACE(args);
    const CliResult result = cli.Run(args);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.err, err);
    EXPECT_EQ(result.out, "");
  }
  // Nothing was created by any of them.
  EXPECT_EQ(cli.Run("topics list --json").out, "[]\n");
}

TEST(TopicsCliTest, MalformedBrokerUriIsAUsageError) {
  CliRunner cli;
  const CliResult result = cli.Run("topics list --broker nowhere://x");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(result.err.starts_with("rtml topics list: broker URI 'nowhere://x'")) << result.err;
}

}  // namespace
}  // namespace rtml::cli
