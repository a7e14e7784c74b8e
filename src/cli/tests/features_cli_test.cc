// rtml features compute on the real month of 1-minute candles: every value equals
// the indicators run here over the same candles, warm-up cells are empty (CSV) or
// null (JSON lines), and bad names and bad files are refused with clear errors.
#include <simdjson.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "rtml/process/candle_file.h"
#include "rtml/process/indicators/indicator.h"

namespace rtml::cli {
namespace {

using process::Candle;
using process::Indicator;
using testing::CliResult;
using testing::CliRunner;

constexpr size_t kRealRows = 45'031;
const std::vector<std::string> kFeatures = {"rsi_14", "macd_12_26_9", "bbands_20_2"};
const std::vector<std::string> kOutputs = {"rsi_14",
                                           "macd_12_26_9",
                                           "macd_signal_12_26_9",
                                           "macd_hist_12_26_9",
                                           "bbands_upper_20_2",
                                           "bbands_middle_20_2",
                                           "bbands_lower_20_2"};

std::string RealCandlesPath() {
  return (rtml::testing::RealDataDir() / "ohlcv/ftx_btc-perp_20211231-20220201_1m.csv.gz").string();
}

std::vector<std::string> Split(const std::string& line, char separator) {
  std::vector<std::string> fields(1);
  for (const char c : line) {
    if (c == separator) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// The real candles and, per row, every output of kFeatures, computed here.
class FeaturesCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_REAL_DATA(rtml::testing::RealDataDir());
    Result<std::vector<Candle>> candles =
        process::ReadCandleFile(RealCandlesPath(), {.pair = "BTC-PERP"});
    ASSERT_TRUE(candles.ok()) << candles.status().ToString();
    candles_ = std::move(candles).value();
    std::vector<std::unique_ptr<Indicator>> indicators;
    for (const std::string& name : kFeatures) {
      Result<std::unique_ptr<Indicator>> indicator = process::MakeIndicator(name);
      ASSERT_TRUE(indicator.ok()) << indicator.status().ToString();
      indicators.push_back(std::move(indicator).value());
    }
    values_.clear();
    for (const Candle& candle : candles_) {
      std::vector<double>& row = values_.emplace_back();
      for (auto& indicator : indicators) {
        indicator->Update(candle);
        for (size_t i = 0; i < indicator->output_names().size(); ++i) {
          row.push_back(indicator->value(i));
        }
      }
    }
  }
  void SetUp() override { ASSERT_EQ(candles_.size(), kRealRows); }

  static std::vector<Candle> candles_;
  static std::vector<std::vector<double>> values_;  // [row][output in kOutputs order]
  CliRunner cli_;
};
std::vector<Candle> FeaturesCliTest::candles_;
std::vector<std::vector<double>> FeaturesCliTest::values_;

TEST_F(FeaturesCliTest, CsvOfTheRealMonth) {
  const std::string path = cli_.dir().str() + "/features.csv";
  const CliResult result = cli_.Run("features compute --input '" + RealCandlesPath() +
                                    "' --features rsi_14,macd_12_26_9 --features bbands_20_2 "
                                    "--output '" +
                                    path + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "");
  // macd_12_26_9 warms up longest: 33 bars.
  EXPECT_NE(result.err.find("features compute: 45031 rows of 60s candles, 3 features (7 "
                            "columns), 33 warm-up rows, "),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(", to " + path + "\n"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  const std::vector<std::string> lines = rtml::testing::SplitLines(testing::ReadFileOrEmpty(path));
  ASSERT_EQ(lines.size(), kRealRows + 1);
  std::string header = "timestamp,open,high,low,close,volume";
  for (const std::string& name : kOutputs) header += "," + name;
  EXPECT_EQ(lines[0], header);
  EXPECT_EQ(lines[1], "2021-12-31T23:01:00.000Z,46319,46385,46319,46377,2300413.7295,,,,,,,");
  for (size_t row = 0; row < kRealRows; ++row) {
    const std::vector<std::string> cells = Split(lines[row + 1], ',');
    ASSERT_EQ(cells.size(), 6 + kOutputs.size()) << lines[row + 1];
    EXPECT_EQ(std::stod(cells[4]), candles_[row].close);
    for (size_t output = 0; output < kOutputs.size(); ++output) {
      const std::string& cell = cells[6 + output];
      const double expected = values_[row][output];
      if (std::isnan(expected)) {
        ASSERT_EQ(cell, "") << kOutputs[output] << " row " << row;
      } else {
        ASSERT_EQ(std::stod(cell), expected) << kOutputs[output] << " row " << row;
      }
    }
  }
  // TA-Lib's warm-up: rsi_14 is empty for exactly the first 14 rows.
  for (size_t row = 0; row < 16; ++row) {
    EXPECT_EQ(Split(lines[row + 1], ',')[6].empty(), row < 14) << "row " << row;
  }
}

TEST_F(FeaturesCliTest, JsonLinesAreFeatureRecords) {
  const CliResult result = cli_.Run("features compute --input '" + RealCandlesPath() +
                                    "' --features rsi_14,macd_12_26_9,bbands_20_2 --format jsonl "
                                    "--pair BTC-PERP");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = rtml::testing::SplitLines(result.out);
  ASSERT_EQ(lines.size(), kRealRows);
  simdjson::dom::parser parser;
  for (size_t row = 0; row < kRealRows; ++row) {
    Result<Candle> candle = process::ParseCandleJson(lines[row]);
    ASSERT_TRUE(candle.ok()) << candle.status().ToString() << ": " << lines[row];
    ASSERT_EQ(*candle, candles_[row]);
    simdjson::dom::object record;
    ASSERT_EQ(parser.parse(lines[row]).get(record), simdjson::SUCCESS) << lines[row];
    for (size_t output = 0; output < kOutputs.size(); ++output) {
      const simdjson::dom::element value = record[kOutputs[output]].value();
      const double expected = values_[row][output];
      if (std::isnan(expected)) {
        ASSERT_TRUE(value.is_null()) << kOutputs[output] << " row " << row;
      } else {
        ASSERT_EQ(value.get_double().value(), expected) << kOutputs[output] << " row " << row;
      }
    }
  }
}

TEST(FeaturesCliErrorsTest, UnknownFeatureIsRefusedBeforeReading) {
  CliRunner cli;
  // The input does not exist: the name is checked first.
  const CliResult result =
      cli.Run("features compute --input /nonexistent.csv --features rsi_14,foo_3");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("rtml features compute: --features: indicator \"foo_3\": unknown "
                            "kind \"foo\"; known kinds: "),
            std::string::npos)
      << result.err;
  EXPECT_NE(cli.Run("features compute --input /nonexistent.csv --features rsi_0")
                .err.find("indicator \"rsi_0\""),
            std::string::npos);
  EXPECT_EQ(cli.Run("features compute --input x.csv").exit_code, 2);
  EXPECT_EQ(cli.Run("features compute --features rsi_14").exit_code, 2);
  EXPECT_EQ(cli.Run("features compute --input x.csv --features rsi_14 --format xml").exit_code, 2);
}

TEST(FeaturesCliErrorsTest, BadFilesNameTheLine) {
  CliRunner cli;
  const std::string header = "timestamp,open,high,low,close,volume\n";
  const std::string good = "2022-01-01T00:00:00Z,1,1,1,1,1\n2022-01-01T00:01:00Z,1,1,1,1,1\n";
  const std::string bad =
      cli.WriteFile("bad.csv", header + good + "2022-01-01T00:02:00Z,1,1,1,abc,1\n");
  const std::string output = cli.dir().str() + "/out.csv";
  CliResult result =
      cli.Run("features compute --input '" + bad + "' --features ema_2 --output '" + output + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "rtml features compute: " + bad + ":4: column 'close' is not a number: 'abc'\n");
  EXPECT_FALSE(std::filesystem::exists(output));
  EXPECT_FALSE(std::filesystem::exists(output + ".tmp"));

  const std::string unordered =
      cli.WriteFile("unordered.csv", header + good + "2022-01-01T00:01:00Z,1,1,1,1,1\n");
  result = cli.Run("features compute --input '" + unordered + "' --features ema_2");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "rtml features compute: " + unordered +
                            ":4: timestamp 2022-01-01T00:01:00.000Z repeats the previous row's "
                            "(rows must be in time order, each timestamp once)\n");

  const std::string no_volume = cli.WriteFile("short.csv", "timestamp,open,high,low,close\n");
  result = cli.Run("features compute --input '" + no_volume + "' --features ema_2");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(no_volume + ":1: the CSV header lacks column(s) volume"),
            std::string::npos)
      << result.err;

  result = cli.Run("features compute --input /nonexistent.csv --features ema_2");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot open /nonexistent.csv"), std::string::npos) << result.err;
}

TEST(FeaturesCliErrorsTest, SmallFileToStdout) {
  CliRunner cli;
  const std::string input = cli.WriteFile(
      "small.jsonl", R"({"timestamp":1640995200,"open":1,"high":2,"low":1,"close":2,"volume":5})"
                     "\n"
                     R"({"timestamp":1640995260,"open":2,"high":3,"low":2,"close":3,"volume":5})"
                     "\n");
  const CliResult result = cli.Run("features compute --input '" + input + "' --features sma_2");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out,
            "timestamp,open,high,low,close,volume,sma_2\n"
            "2022-01-01T00:00:00.000Z,1,2,1,2,5,\n"
            "2022-01-01T00:01:00.000Z,2,3,2,3,5,2.5\n");
  EXPECT_NE(result.err.find("2 rows of 60s candles, 1 feature (1 column), 1 warm-up row,"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("to stdout"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace rtml::cli
