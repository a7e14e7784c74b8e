#include "table.h"

#include <gtest/gtest.h>

namespace rtml::cli {
namespace {

TEST(TableTest, AlignsColumnsWithoutTrailingSpaces) {
  Table table({"NAME", "PARTITIONS", "SIZE"});
  table.AddRow({"trades", "3", "1.5KiB"});
  table.AddRow({"candles_1m", "12", ""});
  EXPECT_EQ(table.Render(),
            "NAME        PARTITIONS  SIZE\n"
            "trades      3           1.5KiB\n"
            "candles_1m  12\n");
}

TEST(TableTest, HeaderOnly) { EXPECT_EQ(Table({"A", "B"}).Render(), "A  B\n"); }

}  // namespace
}  // namespace rtml::cli
