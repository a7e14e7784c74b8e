#include "rfc3339.h"

#include "testing.h"

namespace rtml::ingest {
namespace {

TEST(Rfc3339Test, KrakenTimestamps) {
  EXPECT_EQ(ParseRfc3339Ms("2023-09-25T07:49:37.708706Z"), 1695628177708);
  EXPECT_EQ(ParseRfc3339Ms("2022-12-25T09:30:59.123456Z"), 1671960659123);
  EXPECT_EQ(ParseRfc3339Ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339Ms("1970-01-01T00:00:00.9999Z"), 999);  // truncated, not rounded
  EXPECT_EQ(ParseRfc3339Ms("2024-02-29T23:59:59.5Z"), 1709251199500);
  EXPECT_EQ(ParseRfc3339Ms("2024-08-09T01:54:00+02:00"), 1723161240000);
  EXPECT_EQ(ParseRfc3339Ms("2024-08-08t20:54:00.25-03:00"), 1723161240250);
  EXPECT_EQ(ParseRfc3339Ms("1969-12-31T23:59:59Z"), -1000);
}

TEST(Rfc3339Test, RejectsMalformedOrOutOfRange) {
  for (const char* text :
       {"", "2023-09-25", "2023-09-25T07:49:37", "2023-09-25T07:49:37.Z", "2023-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z", "2023-09-25T24:00:00Z", "2023-09-25T07:60:00Z",
        "2023-09-25T07:49:37.708706", "2023-09-25T07:49:37Zx", "2023-9-25T07:49:37Z",
        "2023-09-25T07:49:37+0200", "x023-09-25T07:49:37Z"}) {
    EXPECT_EQ(ParseRfc3339Ms(text), std::nullopt) << text;
  }
}

TEST(Rfc3339Test, DaysFromCivil) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
}

}  // namespace
}  // namespace rtml::ingest
