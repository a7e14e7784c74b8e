#include "record_batch.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rtml::stream::file {
namespace {

TEST(RecordBatch, RoundTripsKeysValuesHeadersAndTimestamps) {
  BatchBuilder builder;
  builder.Reset(100);
  const HeaderView h1[] = {{"trace", "abc"}, {"", ""}};
  builder.Add({.key = "BTCUSD", .value = R"({"p":1})", .headers = h1}, 1'700'000'000'000);
  builder.Add({.key = std::nullopt, .value = "", .headers = {}}, 1'699'999'999'000);  // older
  builder.Add({.key = "", .value = std::string(300, 'x'), .headers = {}}, 1'700'000'000'500);
  const std::string bytes(builder.Finish());

  ASSERT_TRUE(DecodeBatchHeader(bytes).ok());
  const BatchHeader header = *DecodeBatchHeader(bytes);
  EXPECT_EQ(header.base_offset, 100);
  EXPECT_EQ(header.record_count, 3u);
  EXPECT_EQ(header.max_timestamp, 1'700'000'000'500);
  EXPECT_EQ(header.length, bytes.size());
  ASSERT_TRUE(BatchChecksumMatches(header, bytes));

  std::vector<ConsumedRecord> records;
  std::vector<HeaderRange> ranges;
  std::vector<HeaderView> headers;
  ASSERT_TRUE(DecodeRecords(header, bytes, records, ranges, headers).ok());
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].offset, 100);
  EXPECT_EQ(records[0].key, std::optional<std::string_view>("BTCUSD"));
  EXPECT_EQ(records[0].value, R"({"p":1})");
  EXPECT_EQ(records[0].timestamp_ms, 1'700'000'000'000);
  ASSERT_EQ(ranges[0].count, 2u);
  EXPECT_EQ(headers[ranges[0].first].key, "trace");
  EXPECT_EQ(headers[ranges[0].first].value, "abc");
  EXPECT_FALSE(records[1].key.has_value());  // no key ...
  EXPECT_EQ(records[1].timestamp_ms, 1'699'999'999'000);
  EXPECT_EQ(records[2].key, std::optional<std::string_view>(""));  // ... differs from ""
  EXPECT_EQ(records[2].value, std::string(300, 'x'));
  EXPECT_EQ(records[2].offset, 102);
}

TEST(RecordBatch, EveryFlippedByteIsDetected) {
  BatchBuilder builder;
  builder.Reset(0);
  for (int i = 0; i < 20; ++i) builder.Add({.key = "k", .value = "value " + std::to_string(i)}, i);
  const std::string good(builder.Finish());
  for (size_t pos = 0; pos < good.size(); ++pos) {
    std::string bad = good;
    bad[pos] ^= 0x20;
    auto header = DecodeBatchHeader(bad);
    EXPECT_TRUE(!header.ok() || !BatchChecksumMatches(*header, bad)) << "flip at byte " << pos;
  }
}

}  // namespace
}  // namespace rtml::stream::file
