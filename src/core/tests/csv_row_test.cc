// SplitCsvRow.
#include "rtml/core/csv_row.h"

#include <gtest/gtest.h>

namespace rtml {
namespace {

std::vector<std::string> Split(std::string_view row) {
  std::vector<std::string_view> fields;
  std::vector<std::string> unquoted;
  EXPECT_TRUE(SplitCsvRow(row, &fields, &unquoted)) << row;
  return {fields.begin(), fields.end()};
}

TEST(CsvRowTest, SplitsTrimsAndUnquotes) {
  EXPECT_EQ(Split("a,b,,c"), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(Split(" a ,\tb"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Split(R"("a, b" , "say ""hi""",)"),
            (std::vector<std::string>{"a, b", R"(say "hi")", ""}));
  EXPECT_EQ(Split(""), (std::vector<std::string>{""}));
}

TEST(CsvRowTest, RejectsBadQuotes) {
  std::vector<std::string_view> fields;
  std::vector<std::string> unquoted;
  EXPECT_FALSE(SplitCsvRow(R"(a,"b)", &fields, &unquoted));
  EXPECT_FALSE(SplitCsvRow(R"("a"b,c)", &fields, &unquoted));
}

}  // namespace
}  // namespace rtml
