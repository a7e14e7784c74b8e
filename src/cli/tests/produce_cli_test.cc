// rtml produce: JSON lines in, records out, checked through consume and the API.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "cli_runner.h"
#include "rtml/core/clock.h"
#include "rtml/core/json_writer.h"
#include "rtml/stream/partitioner.h"

namespace rtml::cli {
namespace {

using testing::CliResult;
using testing::CliRunner;

std::vector<std::string> Sorted(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  return lines;
}

// End offsets of every partition of `topic`.
std::vector<int64_t> EndOffsets(const CliRunner& cli, const std::string& topic) {
  auto broker = cli.OpenBroker();
  std::vector<int64_t> ends;
  if (broker == nullptr) return ends;
  Result<stream::TopicDescription> description = broker->DescribeTopic(topic);
  EXPECT_TRUE(description.ok()) << description.status().ToString();
  if (!description.ok()) return ends;
  for (const auto& p : description->partitions) ends.push_back(p.end_offset);
  return ends;
}

std::string ConsumedLine(const std::string& topic, int32_t partition, int64_t offset,
                         int64_t timestamp, const std::string& key, const std::string& value,
                         const std::string& headers = "{}") {
  std::string key_json;
  json::AppendString(key_json, key);
  return "{\"topic\":\"" + topic + "\",\"partition\":" + std::to_string(partition) +
         ",\"offset\":" + std::to_string(offset) + ",\"timestamp\":" + std::to_string(timestamp) +
         ",\"key\":" + key_json + ",\"value\":" + value + ",\"headers\":" + headers + "}";
}

TEST(ProduceCliTest, RoundTripWithKeysTimestampsAndExactValues) {
  CliRunner cli;
  constexpr int32_t kPartitions = 4;
  ASSERT_EQ(cli.Run("topics create trades --partitions 4").exit_code, 0);

  const std::vector<std::string> pairs = {"BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT"};
  std::string input;
  std::vector<std::string> expected;
  std::map<int32_t, int64_t> next_offset;
  for (int i = 0; i < 40; ++i) {
    const std::string& pair = pairs[static_cast<size_t>(i * 7 % 5)];
    const int64_t ts = 1'723'161'600'000 + i * 1000;
    // Values keep their exact text: spacing, number formatting, key order.
    const std::string value = "{\"pair\": \"" + pair +
                              "\",\"price\":61000.50,\"ts_ms\":" + std::to_string(ts) +
                              ",\"i\":" + std::to_string(i) + "}";
    input += "  " + value + " \n";
    const int32_t partition = stream::PartitionForKey(pair, kPartitions);
    expected.push_back(
        ConsumedLine("trades", partition, next_offset[partition]++, ts, pair, value));
  }
  CliResult result = cli.Run("produce trades --key-field pair --timestamp-field ts_ms", input);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "produced 40 records to trades (0 lines skipped)\n");

  result = cli.Run("consume trades --from-beginning");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(Sorted(rtml::testing::SplitLines(result.out)), Sorted(expected));
}

TEST(ProduceCliTest, IsoTimestampsNumberAndBoolKeysAndHeadersFromAFile) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  const std::string path = cli.WriteFile("input.jsonl",
                                         "{\"k\":42,\"at\":\"2024-08-08T23:54:00Z\"}\n"
                                         "{\"k\":1.50,\"at\":\"2024-08-09T02:00:00.250+02:00\"}\n"
                                         "{\"k\":true,\"at\":1723161600000}\r\n");
  CliResult result = cli.Run("produce t --file " + path +
                             " --key-field k --timestamp-field at --header source=test "
                             "--header run=1");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, "produced 3 records to t (0 lines skipped)\n");
  result = cli.Run("consume t --from-beginning");
  const std::string headers = "{\"source\":\"test\",\"run\":\"1\"}";
  EXPECT_EQ(result.out,
            ConsumedLine("t", 0, 0, 1'723'161'240'000, "42",
                         "{\"k\":42,\"at\":\"2024-08-08T23:54:00Z\"}", headers) +
                "\n" +
                ConsumedLine("t", 0, 1, 1'723'161'600'250, "1.50",
                             "{\"k\":1.50,\"at\":\"2024-08-09T02:00:00.250+02:00\"}", headers) +
                "\n" +
                ConsumedLine("t", 0, 2, 1'723'161'600'000, "true",
                             "{\"k\":true,\"at\":1723161600000}", headers) +
                "\n");
}

TEST(ProduceCliTest, MissingTimestampMeansNow) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  const int64_t before = WallClockMs();
  ASSERT_EQ(cli.Run("produce t --timestamp-field ts", "{\"x\":1}\n{\"ts\":null}\n").exit_code, 0);
  const int64_t after = WallClockMs();
  auto broker = cli.OpenBroker();
  ASSERT_NE(broker, nullptr);
  ASSERT_OK_AND_ASSIGN(auto consumer, broker->NewConsumer());
  ASSERT_OK(consumer->Assign({{"t", 0}}));
  ASSERT_OK_AND_ASSIGN(auto records, consumer->Poll(std::chrono::seconds(5), 10));
  ASSERT_EQ(records.size(), 2u);
  for (const auto& record : records) {
    EXPECT_GE(record.timestamp_ms, before);
    EXPECT_LE(record.timestamp_ms, after);
    EXPECT_FALSE(record.key.has_value());
  }
}

TEST(ProduceCliTest, MalformedLinesAreReportedSkippedAndCounted) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  const std::string input =
      "{\"k\":\"a\",\"n\":1}\n"    // 1 ok
      "\n"                         // 2 empty: ignored, not counted
      "{\"k\":\"b\",\"n\":2\n"     // 3 truncated
      "not json\n"                 // 4
      "{\"n\":4}\n"                // 5 no key
      "   \t \n"                   // 6 blank
      "[1,2]\n"                    // 7 not an object
      "{\"k\":null}\n"             // 8 null key
      "{\"k\":\"c\",\"ts\":-5}\n"  // 9 bad timestamp
      "{\"k\":\"d\",\"n\":9}";     // 10 ok, no final newline
  CliResult result = cli.Run("produce t --key-field k --timestamp-field ts", input);
  EXPECT_EQ(result.exit_code, 0);
  const std::vector<std::string> err = rtml::testing::SplitLines(result.err);
  ASSERT_EQ(err.size(), 7u) << result.err;
  EXPECT_TRUE(err[0].starts_with("<stdin>:3: not valid JSON: ")) << err[0];
  EXPECT_TRUE(err[1].starts_with("<stdin>:4: not valid JSON: ")) << err[1];
  EXPECT_EQ(err[2], "<stdin>:5: no key field 'k'");
  EXPECT_EQ(err[3], "<stdin>:7: expected a JSON object (to read its key/timestamp field)");
  EXPECT_EQ(err[4], "<stdin>:8: key field 'k' is not a string, number or bool");
  EXPECT_EQ(err[5],
            "<stdin>:9: timestamp field 'ts' is not a non-negative integer of ms since the epoch "
            "or an ISO-8601 string");
  EXPECT_EQ(err[6], "produced 2 records to t (6 lines skipped)");

  result = cli.Run("consume t --from-beginning");
  const std::vector<std::string> out = rtml::testing::SplitLines(result.out);
  ASSERT_EQ(out.size(), 2u) << result.out;
  EXPECT_NE(out[0].find("\"key\":\"a\",\"value\":{\"k\":\"a\",\"n\":1}"), std::string::npos);
  EXPECT_NE(out[1].find("\"key\":\"d\",\"value\":{\"k\":\"d\",\"n\":9}"), std::string::npos);
}

TEST(ProduceCliTest, BadLinesNameTheInputFile) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  const std::string path = cli.WriteFile("in.jsonl", "1\n2\n{\n");
  const CliResult result = cli.Run("produce t --file " + path);
  EXPECT_EQ(result.exit_code, 0);
  const std::vector<std::string> err = rtml::testing::SplitLines(result.err);
  ASSERT_EQ(err.size(), 2u);
  EXPECT_TRUE(err[0].starts_with(path + ":3: not valid JSON: ")) << err[0];
  EXPECT_EQ(err[1], "produced 2 records to t (1 line skipped)");
}

TEST(ProduceCliTest, StrictWritesNothingAndExitsTwo) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t --partitions 2").exit_code, 0);
  std::string input;
  for (int i = 0; i < 5000; ++i) input += "{\"k\":\"" + std::to_string(i) + "\"}\n";
  input += "{\"no_key\":1}\n";  // line 5001
  input += "also bad\n";
  CliResult result = cli.Run("produce t --key-field k --strict", input);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "<stdin>:5001: no key field 'k'\n"
            "rtml produce: --strict: stopped at the first bad line; nothing was produced\n");
  EXPECT_EQ(EndOffsets(cli, "t"), (std::vector<int64_t>{0, 0}));

  // The same input without the bad lines goes through entirely.
  input.resize(input.find("{\"no_key\""));
  result = cli.Run("produce t --key-field k --strict", input);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, "produced 5000 records to t (0 lines skipped)\n");
  const std::vector<int64_t> ends = EndOffsets(cli, "t");
  ASSERT_EQ(ends.size(), 2u);
  EXPECT_EQ(ends[0] + ends[1], 5000);
}

TEST(ProduceCliTest, UnknownTopicSuggestsCreatingIt) {
  CliRunner cli;
  const CliResult result = cli.Run("produce nope", "1\n");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "rtml produce: topic 'nope' does not exist; create it with 'rtml topics create nope "
            "--partitions N' or pass --create-partitions N\n");
  EXPECT_EQ(cli.Run("topics list --json").out, "[]\n");
}

TEST(ProduceCliTest, CreatePartitionsCreatesAMissingTopic) {
  CliRunner cli;
  CliResult result = cli.Run("produce fresh --create-partitions 3 --key-field k",
                             "{\"k\":\"x\"}\n{\"k\":\"y\"}\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "produced 2 records to fresh (0 lines skipped)\n");
  EXPECT_TRUE(cli.Run("topics list --json")
                  .out.starts_with("[{\"name\":\"fresh\",\"partitions\":3,\"records\":2,"));
  // An existing topic is used as it is.
  result = cli.Run("produce fresh --create-partitions 5", "1\n");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(EndOffsets(cli, "fresh").size(), 3u);
}

TEST(ProduceCliTest, ExplicitPartition) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t --partitions 3").exit_code, 0);
  CliResult result = cli.Run("produce t --partition 2 --key-field k",
                             "{\"k\":\"a\"}\n{\"k\":\"b\"}\n{\"k\":\"c\"}\n");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(EndOffsets(cli, "t"), (std::vector<int64_t>{0, 0, 3}));
  result = cli.Run("produce t --partition 3", "1\n");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "rtml produce: flag --partition: topic 't' has 3 partition(s), numbered from 0\n");
}

TEST(ProduceCliTest, InputAndUsageErrors) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  CliResult result = cli.Run("produce t --file /nonexistent/input.jsonl");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "rtml produce: cannot open /nonexistent/input.jsonl: No such file or directory\n");
  result = cli.Run("produce");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "rtml produce: expected a topic name\n");
  result = cli.Run("produce t --header novalue");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "rtml produce: flag --header: 'novalue' is not KEY=VALUE\n");
  result = cli.Run("produce t --partition -1");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "rtml produce: flag --partition: '-1' is not an integer from 0 to 2147483647\n");
}

TEST(ProduceCliTest, EmptyInput) {
  CliRunner cli;
  ASSERT_EQ(cli.Run("topics create t").exit_code, 0);
  const CliResult result = cli.Run("produce t", "");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, "produced 0 records to t (0 lines skipped)\n");
}

}  // namespace
}  // namespace rtml::cli
