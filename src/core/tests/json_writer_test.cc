#include "rtml/core/json_writer.h"

#include <gtest/gtest.h>

namespace rtml {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  json::AppendString(out, s);
  return out;
}

TEST(JsonWriter, EscapesControlAndQuoteCharacters) {
  EXPECT_EQ(Quoted("plain"), "\"plain\"");
  EXPECT_EQ(Quoted("a\"b\\c\nd\te\x01"), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
}

TEST(JsonWriter, KeepsUtf8AndEscapesInvalidBytes) {
  EXPECT_EQ(Quoted("\xE2\x82\xAC"), "\"\xE2\x82\xAC\"");  // euro sign
  EXPECT_EQ(Quoted("x\xFFy"), "\"x\\u00ffy\"");           // not UTF-8
  EXPECT_EQ(Quoted("\xE2\x82"), "\"\\u00e2\\u0082\"");    // truncated sequence
  for (const char* s : {"x\xFFy", "\xE2\x82", "ok"}) EXPECT_TRUE(json::IsValidJson(Quoted(s)));
}

TEST(JsonWriter, ValidatesJson) {
  EXPECT_TRUE(json::IsValidJson(R"({"a":1,"b":[true,null]})"));
  EXPECT_TRUE(json::IsValidJson("  42 "));
  EXPECT_FALSE(json::IsValidJson(R"({"a":1)"));
  EXPECT_FALSE(json::IsValidJson(""));
  EXPECT_FALSE(json::IsValidJson("{} {}"));
}

}  // namespace
}  // namespace rtml
