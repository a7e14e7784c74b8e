#include "rtml/ingest/dead_letter.h"

#include "rtml/core/json_writer.h"
#include "testing.h"

namespace rtml::ingest {
namespace {

TEST(DeadLetterTest, JsonFormFromAFile) {
  const DeadLetter letter{.source = "replay:spot_btcusdt_20240808.gz:17",
                          .error = "field 'p' is not a string",
                          .raw = "1723161254087896568 {\"stream\":\"btcusdt@trade\"}",
                          .received_ns = 1723161254087896568};
  std::string json;
  AppendDeadLetterJson(letter, json);
  EXPECT_EQ(json,
            R"({"source":"replay:spot_btcusdt_20240808.gz:17","partition":null,"offset":null,)"
            R"("error":"field 'p' is not a string",)"
            R"("raw":"1723161254087896568 {\"stream\":\"btcusdt@trade\"}",)"
            R"("received_ns":1723161254087896568})");
  ASSERT_OK_AND_ASSIGN(DeadLetter back, ParseDeadLetterJson(json));
  EXPECT_EQ(back, letter);
}

TEST(DeadLetterTest, JsonFormFromATopicWithBinaryBytes) {
  const DeadLetter letter{.source = "topic:trades.raw",
                          .partition = 3,
                          .offset = 123456789012,
                          .error = "not valid JSON",
                          .raw = std::string("\x00\x01{\"a\xff\n", 7),
                          .received_ns = 5};
  std::string json;
  AppendDeadLetterJson(letter, json);
  EXPECT_TRUE(json::IsValidJson(json)) << json;
  EXPECT_NE(json.find(R"("partition":3,"offset":123456789012)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("raw":"\u0000\u0001{\"a\u00ff\n")"), std::string::npos) << json;
  ASSERT_OK_AND_ASSIGN(DeadLetter back, ParseDeadLetterJson(json));
  EXPECT_EQ(back.partition, 3);
  EXPECT_EQ(back.offset, 123456789012);
  EXPECT_EQ(back.raw, std::string("\x00\x01{\"a\xc3\xbf\n", 8));  // 0xff came back as U+00FF
}

TEST(DeadLetterTest, ParseNamesTheBadField) {
  Result<DeadLetter> letter =
      ParseDeadLetterJson(R"({"source":"x","error":"e","raw":"r","partition":null})");
  ASSERT_FALSE(letter.ok());
  EXPECT_EQ(letter.status().message(), "dead letter JSON: field 'offset' is missing");
}

}  // namespace
}  // namespace rtml::ingest
