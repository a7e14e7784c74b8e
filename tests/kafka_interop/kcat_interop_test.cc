// rtml and kcat (librdkafka's own CLI) against one mock Kafka cluster: each reads
// exactly what the other wrote, and a key lands on the same partition whichever
// client wrote it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mock_kafka_process.h"
#include "rtml/stream/partitioner.h"
#include "testing.h"

namespace rtml {
namespace {

using testing::MockKafkaProcess;
using testing::RunCommand;
using testing::TempDir;

constexpr int kPartitions = 5;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

void WriteFile(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const std::string& line : lines) out << line << "\n";
}

// What `rtml consume` printed for one record.
struct PrintedRecord {
  std::string topic;
  int64_t partition = -1;
  int64_t offset = -1;
  std::optional<std::string> key;
  std::string value_json;  // the "value" member (an object) as printed
};

PrintedRecord ParsePrinted(const std::string& line) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(line);
  simdjson::ondemand::document doc = parser.iterate(padded);
  PrintedRecord record;
  record.topic = std::string(std::string_view(doc["topic"]));
  record.partition = int64_t(doc["partition"]);
  record.offset = int64_t(doc["offset"]);
  simdjson::ondemand::value key = doc["key"];
  if (!key.is_null()) record.key = std::string(std::string_view(key));
  // The values in these tests are objects; raw_json() gives their text as printed.
  simdjson::ondemand::object value = doc["value"].get_object();
  record.value_json = std::string(std::string_view(value.raw_json()));
  while (!record.value_json.empty() && record.value_json.back() == ' ')
    record.value_json.pop_back();
  return record;
}

class KcatInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (RunCommand("command -v kcat >/dev/null").exit_code != 0)
      GTEST_SKIP() << "kcat not installed";
    ASSERT_OK_AND_ASSIGN(cluster_,
                         MockKafkaProcess::Start(RTML_MOCK_KAFKA_BIN, 3,
                                                 {"from-kcat:" + std::to_string(kPartitions),
                                                  "from-rtml:" + std::to_string(kPartitions)}));
    boot_ = cluster_->bootstrap_servers();
  }

  std::string Rtml() const { return "timeout 60 " + testing::RtmlBinary(); }

  TempDir dir_;
  std::unique_ptr<MockKafkaProcess> cluster_;
  std::string boot_;
};

TEST_F(KcatInteropTest, RtmlConsumesExactlyWhatKcatProduced) {
  // Keys repeat, so each key's records must share a partition.
  std::vector<std::string> input;
  std::map<std::string, std::string> expected_value;  // "key#n" -> value
  for (int n = 0; n < 60; ++n) {
    const std::string key = "user-" + std::to_string(n % 12);
    const std::string value =
        R"({"n":)" + std::to_string(n) + R"(,"s":"text )" + std::to_string(n) + R"("})";
    input.push_back(key + ":" + value);
    expected_value[key + "#" + std::to_string(n)] = value;
  }
  const std::string file = dir_.str() + "/kcat-in.txt";
  WriteFile(file, input);
  const auto produced = RunCommand("timeout 60 kcat -q -P -b " + boot_ +
                                   " -t from-kcat -K: -X partitioner=murmur2_random < " + file);
  ASSERT_EQ(produced.exit_code, 0) << produced.out;

  const auto consumed =
      RunCommand(Rtml() + " consume from-kcat --broker kafka://" + boot_ + " --from-beginning");
  ASSERT_EQ(consumed.exit_code, 0) << consumed.out;
  const std::vector<std::string> lines = Lines(consumed.out);
  ASSERT_EQ(lines.size(), input.size()) << consumed.out;

  std::map<std::string, std::string> got_value;
  std::map<int64_t, std::set<int64_t>> offsets;
  for (const std::string& line : lines) {
    const PrintedRecord record = ParsePrinted(line);
    EXPECT_EQ(record.topic, "from-kcat");
    ASSERT_TRUE(record.key.has_value()) << line;
    EXPECT_EQ(record.partition, stream::PartitionForKey(*record.key, kPartitions)) << line;
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(record.value_json);
    simdjson::ondemand::document value = parser.iterate(padded);
    const int64_t n = int64_t(value["n"]);
    got_value[*record.key + "#" + std::to_string(n)] = record.value_json;
    offsets[record.partition].insert(record.offset);
  }
  EXPECT_EQ(got_value, expected_value);
  // Every offset of every partition was printed once.
  size_t total = 0;
  for (const auto& [partition, seen] : offsets) {
    EXPECT_EQ(*seen.begin(), 0) << "partition " << partition;
    EXPECT_EQ(*seen.rbegin(), static_cast<int64_t>(seen.size()) - 1) << "partition " << partition;
    total += seen.size();
  }
  EXPECT_EQ(total, input.size());
}

TEST_F(KcatInteropTest, KcatConsumesExactlyWhatRtmlProduced) {
  std::vector<std::string> input;
  std::multiset<std::string> expected;  // "partition key value" as kcat prints it
  for (int n = 0; n < 60; ++n) {
    // String keys as-is, number keys as their text.
    const std::string key_json =
        n % 2 == 0 ? "\"user-" + std::to_string(n % 12) + "\"" : std::to_string(1000 + n % 7);
    const std::string key =
        n % 2 == 0 ? "user-" + std::to_string(n % 12) : std::to_string(1000 + n % 7);
    const std::string line = R"({"k":)" + key_json + R"(,"n":)" + std::to_string(n) + "}";
    input.push_back(line);
    expected.insert(std::to_string(stream::PartitionForKey(key, kPartitions)) + " " + key + " " +
                    line);
  }
  const std::string file = dir_.str() + "/rtml-in.jsonl";
  WriteFile(file, input);
  const auto produced = RunCommand(Rtml() + " produce from-rtml --broker kafka://" + boot_ +
                                   " --key-field k --file " + file);
  ASSERT_EQ(produced.exit_code, 0) << produced.out;

  const auto consumed =
      RunCommand("timeout 60 kcat -q -C -b " + boot_ + " -t from-rtml -e -f '%p %k %s\\n'");
  ASSERT_EQ(consumed.exit_code, 0) << consumed.out;
  const std::vector<std::string> lines = Lines(consumed.out);
  EXPECT_EQ(std::multiset<std::string>(lines.begin(), lines.end()), expected);
}

TEST_F(KcatInteropTest, AKeyLandsOnTheSamePartitionWhicheverClientWroteIt) {
  std::vector<std::string> kcat_lines;
  std::vector<std::string> rtml_lines;
  for (int n = 0; n < 40; ++n) {
    const std::string key = "pair-" + std::to_string(n);
    kcat_lines.push_back(key + ":" + std::to_string(n));
    rtml_lines.push_back(R"({"pair":")" + key + R"("})");
  }
  WriteFile(dir_.str() + "/k.txt", kcat_lines);
  WriteFile(dir_.str() + "/r.jsonl", rtml_lines);
  ASSERT_EQ(RunCommand("timeout 60 kcat -q -P -b " + boot_ +
                       " -t from-kcat -K: -X partitioner=murmur2_random < " + dir_.str() + "/k.txt")
                .exit_code,
            0);
  ASSERT_EQ(RunCommand(Rtml() + " produce from-rtml --broker kafka://" + boot_ +
                       " --key-field pair --file " + dir_.str() + "/r.jsonl")
                .exit_code,
            0);
  // Read both topics with kcat: the key -> partition maps must agree.
  auto partitions_of = [&](const std::string& topic) {
    const auto out =
        RunCommand("timeout 60 kcat -q -C -b " + boot_ + " -t " + topic + " -e -f '%k %p\\n'");
    EXPECT_EQ(out.exit_code, 0);
    std::map<std::string, std::string> by_key;
    for (const std::string& line : Lines(out.out)) {
      const size_t space = line.find(' ');
      by_key[line.substr(0, space)] = line.substr(space + 1);
    }
    return by_key;
  };
  const auto kcat_map = partitions_of("from-kcat");
  const auto rtml_map = partitions_of("from-rtml");
  ASSERT_EQ(kcat_map.size(), 40u);
  EXPECT_EQ(kcat_map, rtml_map);
  std::set<std::string> used;
  for (const auto& [key, partition] : kcat_map) used.insert(partition);
  EXPECT_GT(used.size(), 1u);  // the keys really spread
}

}  // namespace
}  // namespace rtml
