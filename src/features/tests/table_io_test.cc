// Label files in and training sets out: types, nulls, quoting, and errors that name
// the file, the line and the column.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtml/features/training_set.h"
#include "testing.h"

namespace rtml::features {
namespace {

using ::testing::HasSubstr;

const TrainingSetOptions kOptions{
    .groups = {{.name = "market",
                .key = {{"pair", ValueType::kString}, {"candle_seconds", ValueType::kInt64}},
                .event_time = "window_end_ms",
                .features = {{"close", ValueType::kDouble}}}}};

std::string WriteFile(const rtml::testing::TempDir& dir, const std::string& name,
                      const std::string& content) {
  const std::string path = dir.str() + "/" + name;
  std::ofstream(path) << content;
  return path;
}

TEST(TableIoTest, CsvLabelsAreTypedByTheGroupsAndByTheirValues) {
  rtml::testing::TempDir dir;
  const std::string path = WriteFile(dir, "labels.csv",
                                     "pair,candle_seconds,ts_ms,y,weight,note\r\n"
                                     "007,60,1000,1,0.5,\"a, b\"\n"
                                     "BTCUSD,60,2000,0,,\n");
  ASSERT_OK_AND_ASSIGN(Table labels, ReadLabelsFile(path, kOptions));
  ASSERT_EQ(labels.columns.size(), 6u);
  EXPECT_EQ(labels.columns[0].type, ValueType::kString);  // a key: "007" stays text
  EXPECT_EQ(labels.columns[2].type, ValueType::kInt64);   // the time
  EXPECT_EQ(labels.columns[3].type, ValueType::kInt64);   // inferred
  EXPECT_EQ(labels.columns[4].type, ValueType::kDouble);
  EXPECT_EQ(labels.columns[5].type, ValueType::kString);
  EXPECT_EQ(labels.rows[0][0], Value(std::string("007")));
  EXPECT_EQ(labels.rows[0][5], Value(std::string("a, b")));
  EXPECT_EQ(labels.rows[1][4], Value());  // empty is null

  std::ostringstream csv;
  ASSERT_OK(WriteTable(labels, TableFormat::kCsv, csv));
  EXPECT_EQ(csv.str(),
            "pair,candle_seconds,ts_ms,y,weight,note\n007,60,1000,1,0.5,\"a, b\"\n"
            "BTCUSD,60,2000,0,,\n");
  std::ostringstream jsonl;
  ASSERT_OK(WriteTable(labels, TableFormat::kJsonLines, jsonl));
  EXPECT_THAT(jsonl.str(), HasSubstr("{\"pair\":\"007\",\"candle_seconds\":60,\"ts_ms\":1000,"
                                     "\"y\":1,\"weight\":0.5,\"note\":\"a, b\"}\n"));
  EXPECT_THAT(jsonl.str(), HasSubstr("\"weight\":null"));
}

TEST(TableIoTest, JsonLinesLabelsKeepTheirJsonTypes) {
  rtml::testing::TempDir dir;
  const std::string path =
      WriteFile(dir, "labels.jsonl",
                "{\"pair\":\"A\",\"candle_seconds\":60,\"ts_ms\":5,\"y\":\"up\"}\n"
                "\n"
                "{\"pair\":\"B\",\"candle_seconds\":60,\"ts_ms\":6,\"extra\":1.5}\n");
  ASSERT_OK_AND_ASSIGN(Table labels, ReadLabelsFile(path, kOptions));
  ASSERT_EQ(labels.rows.size(), 2u);
  EXPECT_EQ(labels.columns[labels.ColumnIndex("y")].type, ValueType::kString);
  EXPECT_EQ(labels.rows[1][labels.ColumnIndex("y")], Value());
  EXPECT_EQ(labels.rows[1][labels.ColumnIndex("extra")], Value(1.5));
  EXPECT_EQ(labels.rows[0][labels.ColumnIndex("extra")], Value());
}

TEST(TableIoTest, BadLabelFilesNameTheLineAndColumn) {
  rtml::testing::TempDir dir;
  EXPECT_THAT(
      ReadLabelsFile(WriteFile(dir, "a.csv", "pair,candle_seconds,ts_ms\nA,sixty,1\n"), kOptions)
          .status()
          .message(),
      HasSubstr("a.csv:2: column 'candle_seconds': 'sixty' is not an int64"));
  EXPECT_THAT(
      ReadLabelsFile(WriteFile(dir, "b.csv", "pair,ts_ms\nA,1,2\n"), kOptions).status().message(),
      HasSubstr("b.csv:2: 3 fields, the header has 2"));
  EXPECT_THAT(
      ReadLabelsFile(WriteFile(dir, "c.jsonl", "{\"pair\":[1]}\n"), kOptions).status().message(),
      HasSubstr("c.jsonl:1: field 'pair' is not a number, string or null"));
  EXPECT_THAT(ReadLabelsFile(WriteFile(dir, "d.csv", ""), kOptions).status().message(),
              HasSubstr("empty"));
  EXPECT_FALSE(ReadLabelsFile(dir.str() + "/missing.csv", kOptions).ok());
}

}  // namespace
}  // namespace rtml::features
