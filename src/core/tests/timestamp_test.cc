// ParseIso8601Ms and FormatIso8601Ms.
#include "rtml/core/timestamp.h"

#include <gtest/gtest.h>

namespace rtml {
namespace {

std::string ErrorOf(const Result<int64_t>& result) {
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  return result.ok() ? "" : result.status().message();
}

TEST(TimestampTest, FormatsIso8601AndReadsItBack) {
  EXPECT_EQ(FormatIso8601Ms(1'723'161'255'342), "2024-08-08T23:54:15.342Z");
  EXPECT_EQ(FormatIso8601Ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Ms(-1), "1969-12-31T23:59:59.999Z");
  for (const int64_t ms : {int64_t{1'723'161'255'342}, int64_t{951'782'400'001}}) {
    EXPECT_EQ(*ParseIso8601Ms(FormatIso8601Ms(ms)), ms);
  }
}

TEST(TimestampTest, ParsesIso8601) {
  EXPECT_EQ(*ParseIso8601Ms("2024-08-08T23:54:00Z"), 1'723'161'240'000);
  EXPECT_EQ(*ParseIso8601Ms("2024-08-09T00:00:00Z"), 1'723'161'600'000);
  EXPECT_EQ(*ParseIso8601Ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseIso8601Ms("2024-08-09"), 1'723'161'600'000);
  EXPECT_EQ(*ParseIso8601Ms("2024-08-09T00:00"), 1'723'161'600'000);
  EXPECT_EQ(*ParseIso8601Ms("2024-08-09 00:00:00"), 1'723'161'600'000);
  EXPECT_EQ(*ParseIso8601Ms("2024-08-09T00:00:00.5Z"), 1'723'161'600'500);
  EXPECT_EQ(*ParseIso8601Ms("2024-08-09T00:00:00.123456789Z"), 1'723'161'600'123);
  EXPECT_EQ(*ParseIso8601Ms("2024-08-09T02:00:00+02:00"), 1'723'161'600'000);
  EXPECT_EQ(*ParseIso8601Ms("2024-08-08T19:30:00-0430"), 1'723'161'600'000);
  EXPECT_EQ(*ParseIso8601Ms("2024-08-09T01:00:00+01"), 1'723'161'600'000);
  EXPECT_EQ(*ParseIso8601Ms("2024-02-29T00:00:00Z"), 1'709'164'800'000);
  EXPECT_EQ(*ParseIso8601Ms("2000-02-29T00:00:00Z"), 951'782'400'000);
  EXPECT_EQ(*ParseIso8601Ms("1969-12-31T23:59:59Z"), -1000);
}

TEST(TimestampTest, RejectsBadIso8601) {
  EXPECT_EQ(ErrorOf(ParseIso8601Ms("2023-02-29")),
            "'2023-02-29' is not an ISO-8601 time (day out of range; e.g. 2024-08-08T23:54:00Z)");
  ErrorOf(ParseIso8601Ms("1900-02-29"));
  ErrorOf(ParseIso8601Ms("2024-13-01"));
  ErrorOf(ParseIso8601Ms("2024-00-01"));
  ErrorOf(ParseIso8601Ms("2024-8-1"));
  ErrorOf(ParseIso8601Ms("2024-08-08T24:00:00Z"));
  ErrorOf(ParseIso8601Ms("2024-08-08T23:60:00Z"));
  ErrorOf(ParseIso8601Ms("2024-08-08T23:54:00Zjunk"));
  ErrorOf(ParseIso8601Ms("2024-08-08T23"));
  ErrorOf(ParseIso8601Ms("2024-08-08T23:54:00."));
  ErrorOf(ParseIso8601Ms("2024-08-08T23:54:00+25:00"));
  ErrorOf(ParseIso8601Ms("yesterday"));
}

}  // namespace
}  // namespace rtml
