#include "json_line.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace rtml::cli {
namespace {

std::string ErrorOf(JsonLineParser& parser, std::string_view line) {
  ParsedLine parsed;
  const Status s = parser.Parse(line, &parsed);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << line;
  return s.message();
}

TEST(JsonLineTest, AnyJsonValueWithoutFields) {
  JsonLineParser parser("", "");
  ParsedLine parsed;
  ASSERT_OK(parser.Parse("  {\"a\": [1, 2]}\t\r", &parsed));
  EXPECT_EQ(parsed.value, "{\"a\": [1, 2]}");
  EXPECT_FALSE(parsed.key.has_value());
  EXPECT_EQ(parsed.timestamp_ms, -1);
  ASSERT_OK(parser.Parse("42", &parsed));
  EXPECT_EQ(parsed.value, "42");
  ASSERT_OK(parser.Parse("\"text\"", &parsed));
  ASSERT_OK(parser.Parse("[1,2]", &parsed));
}

TEST(JsonLineTest, RejectsWhatIsNotOneJsonValue) {
  JsonLineParser parser("", "");
  EXPECT_TRUE(ErrorOf(parser, "not json").starts_with("not valid JSON: "));
  EXPECT_TRUE(ErrorOf(parser, "{\"a\":1").starts_with("not valid JSON: "));
  EXPECT_TRUE(ErrorOf(parser, "{\"a\":1} {\"b\":2}").starts_with("not valid JSON: "));
  EXPECT_TRUE(ErrorOf(parser, "{'a':1}").starts_with("not valid JSON: "));
  EXPECT_TRUE(ErrorOf(parser, "\"\xff\"").starts_with("not valid JSON: "));
}

TEST(JsonLineTest, KeyFromEachScalarType) {
  JsonLineParser parser("k", "");
  ParsedLine parsed;
  ASSERT_OK(parser.Parse(R"({"k":"BTCUSDT","x":1})", &parsed));
  EXPECT_EQ(parsed.key, "BTCUSDT");
  ASSERT_OK(parser.Parse(R"({"k":"a\"b\u00e9"})", &parsed));
  EXPECT_EQ(parsed.key, "a\"b\xc3\xa9");
  ASSERT_OK(parser.Parse(R"({"k":""})", &parsed));
  EXPECT_EQ(parsed.key, "");
  ASSERT_OK(parser.Parse(R"({"k":42})", &parsed));
  EXPECT_EQ(parsed.key, "42");
  ASSERT_OK(parser.Parse(R"({"k":-7})", &parsed));
  EXPECT_EQ(parsed.key, "-7");
  ASSERT_OK(parser.Parse(R"({"k":18446744073709551615})", &parsed));
  EXPECT_EQ(parsed.key, "18446744073709551615");
  // Floats keep the text as written, not a reprinted value.
  ASSERT_OK(parser.Parse(R"({"x":{"k":0}, "k" : 1.50 , "y":2})", &parsed));
  EXPECT_EQ(parsed.key, "1.50");
  ASSERT_OK(parser.Parse(R"({"k":1e3})", &parsed));
  EXPECT_EQ(parsed.key, "1e3");
  ASSERT_OK(parser.Parse(R"({"k":true})", &parsed));
  EXPECT_EQ(parsed.key, "true");
  ASSERT_OK(parser.Parse(R"({"k":false})", &parsed));
  EXPECT_EQ(parsed.key, "false");
}

TEST(JsonLineTest, KeyErrors) {
  JsonLineParser parser("pair", "");
  EXPECT_EQ(ErrorOf(parser, R"({"price":1})"), "no key field 'pair'");
  EXPECT_EQ(ErrorOf(parser, R"({"pair":null})"),
            "key field 'pair' is not a string, number or bool");
  EXPECT_EQ(ErrorOf(parser, R"({"pair":{"a":1}})"),
            "key field 'pair' is not a string, number or bool");
  EXPECT_EQ(ErrorOf(parser, R"({"pair":[1]})"), "key field 'pair' is not a string, number or bool");
  EXPECT_EQ(ErrorOf(parser, R"([{"pair":"x"}])"),
            "expected a JSON object (to read its key/timestamp field)");
  EXPECT_EQ(ErrorOf(parser, R"("pair")"),
            "expected a JSON object (to read its key/timestamp field)");
}

TEST(JsonLineTest, Timestamps) {
  JsonLineParser parser("", "ts");
  ParsedLine parsed;
  ASSERT_OK(parser.Parse(R"({"ts":1723161600000})", &parsed));
  EXPECT_EQ(parsed.timestamp_ms, 1'723'161'600'000);
  EXPECT_FALSE(parsed.key.has_value());
  ASSERT_OK(parser.Parse(R"({"ts":"2024-08-08T23:54:00Z"})", &parsed));
  EXPECT_EQ(parsed.timestamp_ms, 1'723'161'240'000);
  ASSERT_OK(parser.Parse(R"({"ts":0})", &parsed));
  EXPECT_EQ(parsed.timestamp_ms, 0);
  // Missing or null: the producer's clock.
  ASSERT_OK(parser.Parse(R"({"ts":null})", &parsed));
  EXPECT_EQ(parsed.timestamp_ms, -1);
  ASSERT_OK(parser.Parse(R"({"other":5})", &parsed));
  EXPECT_EQ(parsed.timestamp_ms, -1);
}

TEST(JsonLineTest, TimestampErrors) {
  JsonLineParser parser("", "ts");
  const std::string not_a_time =
      "timestamp field 'ts' is not a non-negative integer of ms since the epoch or an ISO-8601 "
      "string";
  EXPECT_EQ(ErrorOf(parser, R"({"ts":1.5})"), not_a_time);
  EXPECT_EQ(ErrorOf(parser, R"({"ts":-1})"), not_a_time);
  EXPECT_EQ(ErrorOf(parser, R"({"ts":true})"), not_a_time);
  EXPECT_EQ(ErrorOf(parser, R"({"ts":"yesterday"})"),
            "timestamp field 'ts': 'yesterday' is not an ISO-8601 time (expected YYYY-MM-DD; "
            "e.g. 2024-08-08T23:54:00Z)");
  EXPECT_EQ(ErrorOf(parser, R"({"ts":"1969-12-31T23:59:59Z"})"),
            "timestamp field 'ts' is before 1970");
}

TEST(JsonLineTest, KeyAndTimestampTogether) {
  JsonLineParser parser("pair", "ts");
  ParsedLine parsed;
  ASSERT_OK(parser.Parse(R"({"pair":"ETH","ts":5,"price":"1"})", &parsed));
  EXPECT_EQ(parsed.key, "ETH");
  EXPECT_EQ(parsed.timestamp_ms, 5);
  // A failure of one line leaves nothing behind for the next.
  ParsedLine reused;
  EXPECT_FALSE(parser.Parse(R"({"ts":5})", &reused).ok());
  JsonLineParser ts_only("", "ts");
  ASSERT_OK(ts_only.Parse(R"({"x":1})", &reused));
  EXPECT_FALSE(reused.key.has_value());
  EXPECT_EQ(reused.timestamp_ms, -1);
}

}  // namespace
}  // namespace rtml::cli
