#include "record_json.h"

#include <gtest/gtest.h>

#include <vector>

namespace rtml::cli {
namespace {

stream::ConsumedRecord MakeRecord(std::string_view value) {
  stream::ConsumedRecord record;
  record.topic = "trades";
  record.partition = 2;
  record.offset = 5;
  record.timestamp_ms = 1'723'161'600'000;
  record.key = "BTCUSDT";
  record.value = value;
  return record;
}

std::string Render(const stream::ConsumedRecord& record) {
  std::string out = "prefix|";
  AppendRecordJson(out, record);
  return out;
}

TEST(RecordJsonTest, JsonValueIsEmbedded) {
  EXPECT_EQ(Render(MakeRecord(R"({"price":61000.5})")),
            "prefix|{\"topic\":\"trades\",\"partition\":2,\"offset\":5,\"timestamp\":"
            "1723161600000,\"key\":\"BTCUSDT\",\"value\":{\"price\":61000.5},\"headers\":{}}\n");
}

TEST(RecordJsonTest, NoKeyIsNull) {
  stream::ConsumedRecord record = MakeRecord("7");
  record.key.reset();
  EXPECT_EQ(Render(record),
            "prefix|{\"topic\":\"trades\",\"partition\":2,\"offset\":5,\"timestamp\":"
            "1723161600000,\"key\":null,\"value\":7,\"headers\":{}}\n");
}

TEST(RecordJsonTest, EmptyKeyIsAnEmptyString) {
  stream::ConsumedRecord record = MakeRecord("null");
  record.key = "";
  EXPECT_EQ(Render(record),
            "prefix|{\"topic\":\"trades\",\"partition\":2,\"offset\":5,\"timestamp\":"
            "1723161600000,\"key\":\"\",\"value\":null,\"headers\":{}}\n");
}

TEST(RecordJsonTest, OtherValuesBecomeStrings) {
  stream::ConsumedRecord record = MakeRecord("plain \"text\"\n");
  record.key = "k\x01";
  EXPECT_EQ(Render(record),
            "prefix|{\"topic\":\"trades\",\"partition\":2,\"offset\":5,\"timestamp\":"
            "1723161600000,\"key\":\"k\\u0001\",\"value\":\"plain \\\"text\\\"\\n\","
            "\"headers\":{}}\n");
  EXPECT_NE(Render(MakeRecord("")).find("\"value\":\"\","), std::string::npos);
  EXPECT_NE(Render(MakeRecord("\xff")).find("\"value\":\"\\u00ff\","), std::string::npos);
}

TEST(RecordJsonTest, MultiLineJsonStaysOnOneLine) {
  const std::string out = Render(MakeRecord("\n{\r\n  \"a\": \"x\\ny\",\n  \"b\": [1,\n2]\n}\n"));
  EXPECT_NE(out.find("\"value\":{    \"a\": \"x\\ny\",   \"b\": [1, 2] },"), std::string::npos)
      << out;
  EXPECT_EQ(out.find('\n'), out.size() - 1);
}

TEST(RecordJsonTest, Headers) {
  stream::ConsumedRecord record = MakeRecord("1");
  const std::vector<stream::HeaderView> headers = {{"source", "kraken"}, {"trace\"id", "a\tb"}};
  record.headers = headers;
  EXPECT_EQ(Render(record),
            "prefix|{\"topic\":\"trades\",\"partition\":2,\"offset\":5,\"timestamp\":"
            "1723161600000,\"key\":\"BTCUSDT\",\"value\":1,\"headers\":{\"source\":\"kraken\","
            "\"trace\\\"id\":\"a\\tb\"}}\n");
}

}  // namespace
}  // namespace rtml::cli
