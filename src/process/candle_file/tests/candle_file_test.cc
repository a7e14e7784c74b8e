#include "rtml/process/candle_file.h"

#include <fstream>

#include "testing.h"

namespace rtml::process {
namespace {

constexpr int64_t kMinute0 = 1'640'991'660'000;  // 2021-12-31T23:01:00Z

class CandleFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& content, bool gzip = false) {
    const std::string path = (dir_.path() / name).string();
    if (gzip) {
      rtml::testing::WriteGzipFile(path, content);
    } else {
      std::ofstream(path, std::ios::binary) << content;
    }
    return path;
  }

  // The candles of `content`; fails the test if it cannot be read.
  std::vector<Candle> Read(const std::string& content, CandleFileOptions options = {}) {
    Result<std::vector<Candle>> candles = ReadCandleFile(Write("candles.csv", content), options);
    EXPECT_TRUE(candles.ok()) << candles.status().ToString();
    return candles.ok() ? *candles : std::vector<Candle>();
  }

  // The error reading `content` as <dir>/candles.csv gives, without the directory.
  std::string ErrorOf(const std::string& content, CandleFileOptions options = {}) {
    Result<std::vector<Candle>> candles = ReadCandleFile(Write("candles.csv", content), options);
    EXPECT_FALSE(candles.ok());
    if (candles.ok()) return "";
    EXPECT_EQ(candles.status().code(), StatusCode::kInvalidArgument);
    std::string message = candles.status().message();
    const std::string dir = dir_.str() + "/";
    if (message.starts_with(dir)) message.erase(0, dir.size());
    return message;
  }

  rtml::testing::TempDir dir_;
};

Candle Expected(int64_t start_ms, double open, double high, double low, double close,
                double volume) {
  return {.pair = "BTC-PERP",
          .candle_seconds = 60,
          .window_start_ms = start_ms,
          .window_end_ms = start_ms + 60'000,
          .open = open,
          .high = high,
          .low = low,
          .close = close,
          .volume = volume,
          .vwap = (high + low + close) / 3,
          .trade_count = 0};
}

TEST_F(CandleFileTest, CsvColumnsInAnyOrderWithExtras) {
  const std::vector<Candle> expected = {
      Expected(kMinute0, 46319, 46385, 46319, 46377, 2300413.5),
      Expected(kMinute0 + 60'000, 46377, 46411, 46370, 46411, 18),
      Expected(kMinute0 + 180'000, 46411, 46412, 46400, 46401, 0)};
  const std::string canonical =
      "timestamp,open,high,low,close,volume\n"
      "2021-12-31 23:01:00.000000,46319.0,46385.0,46319.0,46377.0,2300413.5\n"
      "2021-12-31 23:02:00.000000,46377.0,46411.0,46370.0,46411.0,18\n"
      "2021-12-31 23:04:00.000000,46411,46412,46400,46401,0\n";
  EXPECT_EQ(Read(canonical, {.pair = "BTC-PERP"}), expected);
  // Another order, other case, a byte order mark, extra and quoted columns, CRLF,
  // blank lines, spaces around fields.
  const std::string shuffled =
      "\xEF\xBB\xBFVolume,note,Close,TIMESTAMP,low,open,High\r\n"
      "2300413.5,\"a, note\",46377,\"2021-12-31T23:01:00Z\",46319,46319,46385\r\n"
      "\r\n"
      " 18 ,\"say \"\"hi\"\"\",46411,2021-12-31T23:02:00.000Z,46370,46377,46411\r\n"
      "0,,46401,2021-12-31T23:04:00+00:00,46400,46411,46412\r\n"
      "\n";
  EXPECT_EQ(Read(shuffled, {.pair = "BTC-PERP"}), expected);
}

TEST_F(CandleFileTest, GzipIsToldByItsMagicBytesNotItsName) {
  const std::string content =
      "timestamp,open,high,low,close,volume\n"
      "1640991660000,1,2,0.5,1.5,10\n"
      "1640991720000,1.5,2,1,1,0\n";
  Result<std::vector<Candle>> plain = ReadCandleFile(Write("plain.csv.gz", content));
  Result<std::vector<Candle>> gzip = ReadCandleFile(Write("packed.csv", content, true));
  ASSERT_OK(plain.status());
  ASSERT_OK(gzip.status());
  ASSERT_EQ(plain->size(), 2u);
  EXPECT_EQ(*plain, *gzip);
  EXPECT_EQ((*plain)[0].window_start_ms, kMinute0);
  EXPECT_EQ((*plain)[0].candle_seconds, 60);
  EXPECT_EQ((*plain)[0].pair, "");
}

TEST_F(CandleFileTest, IntegerTimestampsInSecondsOrMs) {
  const std::string seconds =
      "timestamp,open,high,low,close,volume\n1640991660,1,1,1,1,1\n1640991960,1,1,1,1,1\n";
  const std::vector<Candle> candles = Read(seconds);
  ASSERT_EQ(candles.size(), 2u);
  EXPECT_EQ(candles[0].window_start_ms, kMinute0);
  EXPECT_EQ(candles[0].candle_seconds, 300);
  EXPECT_EQ(candles[1].window_end_ms, kMinute0 + 600'000);

  // Small integers are seconds unless the unit says ms.
  const std::string small = "timestamp,open,high,low,close,volume\n0,1,1,1,1,1\n60000,1,1,1,1,1\n";
  EXPECT_EQ(Read(small)[0].candle_seconds, 60'000);
  const std::vector<Candle> ms = Read(small, {.epoch_unit = EpochUnit::kMilliseconds});
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[0].candle_seconds, 60);
  EXPECT_EQ(ms[1].window_start_ms, 60'000);
  EXPECT_EQ(Read(seconds, {.epoch_unit = EpochUnit::kSeconds})[1].window_start_ms,
            kMinute0 + 300'000);
}

TEST_F(CandleFileTest, OptionalVwapAndTradeCount) {
  const std::vector<Candle> candles = Read(
      "timestamp,open,high,low,close,volume,vwap,trade_count\n"
      "2022-01-01T00:00:00Z,1,3,1,2,10,2.25,7\n"
      "2022-01-01T00:01:00Z,2,2,2,2,0,2,0\n");
  ASSERT_EQ(candles.size(), 2u);
  EXPECT_EQ(candles[0].vwap, 2.25);
  EXPECT_EQ(candles[0].trade_count, 7);
  EXPECT_EQ(candles[1].trade_count, 0);
}

TEST_F(CandleFileTest, CandleSizeGivenOrInferred) {
  const std::string one_row = "timestamp,open,high,low,close,volume\n1640991660000,1,1,1,1,1\n";
  EXPECT_EQ(ErrorOf(one_row),
            "candles.csv:2: the only row: one timestamp cannot tell the candle size (give the "
            "candle size)");
  const std::vector<Candle> given = Read(one_row, {.candle_seconds = 3600});
  ASSERT_EQ(given.size(), 1u);
  EXPECT_EQ(given[0].candle_seconds, 3600);
  EXPECT_EQ(given[0].window_end_ms, kMinute0 + 3'600'000);

  EXPECT_EQ(ErrorOf("timestamp,open,high,low,close,volume\n"
                    "1640991660000,1,1,1,1,1\n1640991660500,1,1,1,1,1\n"),
            "candles.csv:3: the first two rows are 500 ms apart: the candle size must be whole "
            "seconds");
  // A header alone is a file without candles.
  EXPECT_EQ(Read("timestamp,open,high,low,close,volume\n").size(), 0u);
}

TEST_F(CandleFileTest, OhlcvJsonLines) {
  const std::vector<Candle> candles =
      Read(R"({"timestamp":"2021-12-31 23:01:00","open":46319,"high":"46385.0","low":46319,)"
           R"("close":46377,"volume":2300413.5,"other":[1,2]})"
           "\n\n"
           R"({"volume":18,"close":46411,"low":46370,"high":46411,"open":46377,)"
           R"("timestamp":1640991720000})"
           "\n",
           {.pair = "BTC-PERP"});
  EXPECT_EQ(candles,
            (std::vector<Candle>{Expected(kMinute0, 46319, 46385, 46319, 46377, 2300413.5),
                                 Expected(kMinute0 + 60'000, 46377, 46411, 46370, 46411, 18)}));
}

TEST_F(CandleFileTest, CandleJsonLinesAreTakenAsTheyAre) {
  Candle first = Expected(kMinute0, 1, 2, 0.5, 1.5, 10);
  first.pair = "ETHUSDT";
  first.vwap = 1.25;
  first.trade_count = 12;
  Candle second = first;
  second.window_start_ms += 60'000;
  second.window_end_ms += 60'000;
  std::string content;
  for (const Candle& candle : {first, second}) {
    AppendCandleJson(candle, content);
    content += "\n";
  }
  Result<std::unique_ptr<CandleFileReader>> reader =
      CandleFileReader::Open(Write("candles.jsonl", content));
  ASSERT_OK(reader.status());
  EXPECT_EQ((*reader)->format(), CandleFileFormat::kCandleJson);
  Candle candle;
  ASSERT_TRUE(*(*reader)->Next(&candle));
  EXPECT_EQ(candle, first);
  EXPECT_EQ((*reader)->candle_seconds(), 60);
  ASSERT_TRUE(*(*reader)->Next(&candle));
  EXPECT_EQ(candle, second);
  EXPECT_EQ((*reader)->line_number(), 2);
  EXPECT_FALSE(*(*reader)->Next(&candle));

  EXPECT_EQ(ErrorOf(content, {.pair = "BTCUSDT"}),
            "candles.csv:1: pair 'ETHUSDT' where the pair option has 'BTCUSDT' (one pair per "
            "file)");
  Candle other_size = second;
  other_size.candle_seconds = 300;
  std::string mixed;
  for (const Candle& c : {first, other_size}) {
    AppendCandleJson(c, mixed);
    mixed += "\n";
  }
  EXPECT_EQ(ErrorOf(mixed),
            "candles.csv:2: candle_seconds 300 where the first candle has 60 (one candle size "
            "per file)");
}

TEST_F(CandleFileTest, BadRowsNameFileAndLine) {
  const std::string header = "timestamp,open,high,low,close,volume\n";
  const std::string good = "2022-01-01T00:00:00Z,1,1,1,1,1\n2022-01-01T00:01:00Z,1,1,1,1,1\n";
  EXPECT_EQ(ErrorOf(header + good + "2022-01-01T00:02:00Z,1,1,1,abc,1\n"),
            "candles.csv:4: column 'close' is not a number: 'abc'");
  EXPECT_EQ(ErrorOf(header + good + "2022-01-01T00:02:00Z,1,1,1,1,nan\n"),
            "candles.csv:4: column 'volume' is not a number: 'nan'");
  EXPECT_EQ(ErrorOf(header + good + "2022-01-01T00:02:00Z,1,1,,1,1\n"),
            "candles.csv:4: column 'low' is not a number: ''");
  EXPECT_EQ(ErrorOf(header + good + "\n2022-01-01T00:02:00Z,1,1,1,1\n"),
            "candles.csv:5: the row has 5 fields, the header 6");
  EXPECT_EQ(ErrorOf(header + "yesterday,1,1,1,1,1\n"),
            "candles.csv:2: column 'timestamp' is not a time: 'yesterday' (expected ISO-8601 "
            "like 2024-08-08T23:54:00Z, or ms or seconds since the epoch)");
  EXPECT_EQ(ErrorOf(header + good + "2022-02-30T00:00:00Z,1,1,1,1,1\n"),
            "candles.csv:4: column 'timestamp': '2022-02-30T00:00:00Z' is not an ISO-8601 time "
            "(day out of range; e.g. 2024-08-08T23:54:00Z)");
  EXPECT_EQ(ErrorOf(header + good + "2022-01-01T00:02:00Z,\"1,1,1,1,1\n"),
            "candles.csv:4: unclosed quote");
  EXPECT_EQ(ErrorOf("time,open,high,low,close\n1,1,1,1,1\n"),
            "candles.csv:1: the CSV header lacks column(s) timestamp, volume (it needs "
            "timestamp, open, high, low, close and volume, in any order); it reads "
            "'time,open,high,low,close'");
  EXPECT_EQ(ErrorOf("timestamp,open,high,low,close,volume,Close\n"),
            "candles.csv:1: the CSV header names column 'close' twice");
  EXPECT_EQ(ErrorOf("\n\n"), "candles.csv: empty file (expected a CSV header or JSON lines)");
  EXPECT_EQ(ErrorOf(R"({"timestamp":1,"open":1,"high":1,"low":1,"close":1})"),
            "candles.csv:1: field 'volume' is missing");
  EXPECT_EQ(
      ErrorOf(R"({"timestamp":1640991660,"open":1,"high":1,"low":1,"close":1,"volume":1})"
              "\n"
              R"({"timestamp":1640991720,"open":1,"high":null,"low":1,"close":1,"volume":1})"),
      "candles.csv:2: field 'high' is not a number: 'null'");
  EXPECT_TRUE(ErrorOf("{\"timestamp\":1,\n").starts_with("candles.csv:1: not valid JSON ("));
  EXPECT_EQ(ErrorOf("timestamp,open,high,low,close,volume,trade_count\n0,1,1,1,1,1,-3\n"),
            "candles.csv:2: column 'trade_count' is not a count: '-3'");
}

TEST_F(CandleFileTest, RowsOutOfOrderOrRepeated) {
  const std::string header = "timestamp,open,high,low,close,volume\n";
  EXPECT_EQ(ErrorOf(header + "2022-01-01T00:00:00Z,1,1,1,1,1\n2022-01-01T00:01:00Z,1,1,1,1,1\n"
                             "2022-01-01T00:03:00Z,1,1,1,1,1\n2022-01-01T00:02:00Z,1,1,1,1,1\n"),
            "candles.csv:5: timestamp 2022-01-01T00:02:00.000Z is before the previous row's, "
            "2022-01-01T00:03:00.000Z (rows must be in time order, each timestamp once)");
  EXPECT_EQ(ErrorOf(header + "2022-01-01T00:00:00Z,1,1,1,1,1\n2022-01-01T00:01:00Z,1,1,1,1,1\n"
                             "2022-01-01T00:01:00Z,1,1,1,1,1\n"),
            "candles.csv:4: timestamp 2022-01-01T00:01:00.000Z repeats the previous row's (rows "
            "must be in time order, each timestamp once)");
  // The first two rows, while the candle size is being inferred.
  EXPECT_EQ(ErrorOf(header + "2022-01-01T00:01:00Z,1,1,1,1,1\n2022-01-01T00:00:00Z,1,1,1,1,1\n"),
            "candles.csv:3: timestamp 2022-01-01T00:00:00.000Z is before the previous row's, "
            "2022-01-01T00:01:00.000Z (rows must be in time order, each timestamp once)");
}

TEST_F(CandleFileTest, MissingFileIsAnIoError) {
  const std::string path = (dir_.path() / "nope.csv").string();
  Result<std::vector<Candle>> candles = ReadCandleFile(path);
  ASSERT_FALSE(candles.ok());
  EXPECT_EQ(candles.status().code(), StatusCode::kIOError);
  EXPECT_NE(candles.status().message().find(path), std::string::npos);
}

// The real month of 1-minute BTC-PERP candles (gzip, "2021-12-31 23:01:00.000000").
TEST(CandleFileRealDataTest, ReadsTheFtxMonth) {
  const std::filesystem::path dir = rtml::testing::RealDataDir();
  ASSERT_REAL_DATA(dir);
  const std::string path = (dir / "ohlcv/ftx_btc-perp_20211231-20220201_1m.csv.gz").string();
  Result<std::unique_ptr<CandleFileReader>> reader =
      CandleFileReader::Open(path, {.pair = "BTC-PERP"});
  ASSERT_OK(reader.status());
  EXPECT_EQ((*reader)->format(), CandleFileFormat::kCsv);
  std::vector<Candle> candles;
  Candle candle;
  for (;;) {
    Result<bool> more = (*reader)->Next(&candle);
    ASSERT_OK(more.status());
    if (!*more) break;
    candles.push_back(candle);
  }
  ASSERT_EQ(candles.size(), 45'031u);
  EXPECT_EQ((*reader)->line_number(), 45'032);
  EXPECT_EQ((*reader)->candle_seconds(), 60);
  EXPECT_EQ(candles[0], Expected(kMinute0, 46319, 46385, 46319, 46377, 2300413.7295));
  EXPECT_EQ(candles.back().window_end_ms - candles.back().window_start_ms, 60'000);
}

}  // namespace
}  // namespace rtml::process
