// Parsing and printing of durations, byte sizes and time specs.
#include <gtest/gtest.h>

#include "byte_size.h"
#include "rtml/core/duration.h"
#include "testing.h"
#include "timestamp.h"

namespace rtml::cli {
namespace {

template <typename T>
std::string ErrorOf(const Result<T>& result) {
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  return result.ok() ? "" : result.status().message();
}

TEST(DurationTest, ParsesEachUnit) {
  EXPECT_EQ(*ParseDurationMs("1000ms"), 1000);
  EXPECT_EQ(*ParseDurationMs("45s"), 45'000);
  EXPECT_EQ(*ParseDurationMs("30m"), 1'800'000);
  EXPECT_EQ(*ParseDurationMs("12h"), 43'200'000);
  EXPECT_EQ(*ParseDurationMs("7d"), 604'800'000);
  EXPECT_EQ(*ParseDurationMs("2w"), 1'209'600'000);
  EXPECT_EQ(*ParseDurationMs("0s"), 0);
}

TEST(DurationTest, ParsesCompounds) {
  EXPECT_EQ(*ParseDurationMs("1h30m"), 5'400'000);
  EXPECT_EQ(*ParseDurationMs("1m500ms"), 60'500);
}

TEST(DurationTest, RejectsMalformed) {
  EXPECT_EQ(ErrorOf(ParseDurationMs("7")),
            "'7' is not a duration (expected a unit: ms, s, m, h, d or w; e.g. 30m, 12h, 7d, "
            "1000ms)");
  EXPECT_EQ(ErrorOf(ParseDurationMs("")),
            "'' is not a duration (empty; e.g. 30m, 12h, 7d, 1000ms)");
  ErrorOf(ParseDurationMs("d"));
  ErrorOf(ParseDurationMs("7x"));
  ErrorOf(ParseDurationMs("-1h"));
  ErrorOf(ParseDurationMs("1.5h"));
  ErrorOf(ParseDurationMs("7d "));
  ErrorOf(ParseDurationMs("9999999999999999w"));
  ErrorOf(ParseDurationMs("99999999999999999999ms"));
}

TEST(DurationTest, Retention) {
  EXPECT_EQ(*ParseRetentionMs("forever"), -1);
  EXPECT_EQ(*ParseRetentionMs("unlimited"), -1);
  EXPECT_EQ(*ParseRetentionMs("7d"), 604'800'000);
  EXPECT_EQ(ErrorOf(ParseRetentionMs("always")),
            "'always' is not a duration (expected a number; e.g. 30m, 12h, 7d, 1000ms), or "
            "'forever'");
}

TEST(DurationTest, FormatsInTheLargestWholeUnit) {
  EXPECT_EQ(FormatDurationMs(604'800'000), "1w");
  EXPECT_EQ(FormatDurationMs(7 * 86'400'000LL * 2 + 86'400'000), "15d");
  EXPECT_EQ(FormatDurationMs(43'200'000), "12h");
  EXPECT_EQ(FormatDurationMs(90'000), "90s");
  EXPECT_EQ(FormatDurationMs(1500), "1500ms");
  EXPECT_EQ(FormatDurationMs(0), "0ms");
  EXPECT_EQ(FormatDurationMs(-1), "forever");
}

TEST(ByteSizeTest, ParsesUnits) {
  EXPECT_EQ(*ParseByteSize("1048576"), 1 << 20);
  EXPECT_EQ(*ParseByteSize("100B"), 100);
  EXPECT_EQ(*ParseByteSize("4KiB"), 4096);
  EXPECT_EQ(*ParseByteSize("512MiB"), 512LL << 20);
  EXPECT_EQ(*ParseByteSize("1GiB"), 1LL << 30);
  EXPECT_EQ(*ParseByteSize("2TiB"), 2LL << 40);
  EXPECT_EQ(*ParseByteSize("10GB"), 10'000'000'000LL);
  EXPECT_EQ(*ParseByteSize("1kb"), 1000);
  EXPECT_EQ(*ParseByteSize("1gib"), 1LL << 30);
}

TEST(ByteSizeTest, RejectsMalformed) {
  EXPECT_EQ(ErrorOf(ParseByteSize("1.5GiB")),
            "'1.5GiB' is not a byte size (e.g. 1048576, 512MiB, 1GiB, 10GB)");
  ErrorOf(ParseByteSize("GiB"));
  ErrorOf(ParseByteSize("-1"));
  ErrorOf(ParseByteSize("1 GiB"));
  ErrorOf(ParseByteSize("1PiB"));
  ErrorOf(ParseByteSize("99999999TiB"));
  ErrorOf(ParseByteSize(""));
}

TEST(ByteSizeTest, Limits) {
  EXPECT_EQ(*ParseByteLimit("unlimited"), -1);
  EXPECT_EQ(*ParseByteLimit("1GiB"), 1LL << 30);
  ErrorOf(ParseByteLimit("none"));
}

TEST(ByteSizeTest, Formats) {
  EXPECT_EQ(FormatByteLimit(128LL << 20), "128MiB");
  EXPECT_EQ(FormatByteLimit(1LL << 30), "1GiB");
  EXPECT_EQ(FormatByteLimit(1000), "1000B");
  EXPECT_EQ(FormatByteLimit(0), "0B");
  EXPECT_EQ(FormatByteLimit(-1), "unlimited");
  EXPECT_EQ(FormatByteSizeShort(0), "0B");
  EXPECT_EQ(FormatByteSizeShort(1023), "1023B");
  EXPECT_EQ(FormatByteSizeShort(1536), "1.5KiB");
  EXPECT_EQ(FormatByteSizeShort(5LL << 30), "5.0GiB");
  EXPECT_EQ(FormatByteSizeShort(-1), "-");
}

TEST(TimestampTest, TimeSpecs) {
  constexpr int64_t kNow = 1'723'161'600'000;
  EXPECT_EQ(*ParseTimeSpecMs("now", kNow), kNow);
  EXPECT_EQ(*ParseTimeSpecMs("1723161240000", kNow), 1'723'161'240'000);
  EXPECT_EQ(*ParseTimeSpecMs("2024-08-08T23:54:00Z", kNow), 1'723'161'240'000);
  EXPECT_EQ(*ParseTimeSpecMs("10m", kNow), kNow - 600'000);
  EXPECT_EQ(*ParseTimeSpecMs("10m ago", kNow), kNow - 600'000);
  EXPECT_EQ(*ParseTimeSpecMs("2h ago", kNow), kNow - 7'200'000);
  EXPECT_EQ(*ParseTimeSpecMs("1d", kNow), kNow - 86'400'000);
  EXPECT_EQ(ErrorOf(ParseTimeSpecMs("soon", kNow)),
            "'soon' is not a time (use an ISO-8601 time like 2024-08-08T23:54:00Z, ms since the "
            "epoch, or a duration ago like 10m, 2h, 1d)");
  ErrorOf(ParseTimeSpecMs("-5", kNow));
  ErrorOf(ParseTimeSpecMs("2024-02-30", kNow));
  ErrorOf(ParseTimeSpecMs("10m later", kNow));
}

}  // namespace
}  // namespace rtml::cli
