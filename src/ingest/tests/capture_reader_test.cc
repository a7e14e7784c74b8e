#include "rtml/ingest/capture_reader.h"

#include <fstream>

#include "testing.h"

namespace rtml::ingest {
namespace {

using Kind = CaptureRecord::Kind;

class CaptureReaderTest : public ::testing::Test {
 protected:
  std::string WritePlain(const std::string& name, const std::string& content) {
    const std::string path = (dir_.path() / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::string WriteGzip(const std::string& name, const std::string& content) {
    const std::string path = (dir_.path() / name).string();
    rtml::testing::WriteGzipFile(path, content);
    return path;
  }

  // Every record of the file; fails the test if the file cannot be read.
  std::vector<CaptureRecord> ReadAll(const std::string& path, CaptureReaderOptions options = {}) {
    std::vector<CaptureRecord> records;
    Result<std::unique_ptr<CaptureReader>> reader = CaptureReader::Open(path, options);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return records;
    CaptureRecord record;
    for (;;) {
      Result<bool> more = (*reader)->Next(&record);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      CaptureRecord copy = record;
      lines_.emplace_back(record.line);
      records.push_back(std::move(copy));
    }
    return records;
  }

  rtml::testing::TempDir dir_;
  std::vector<std::string> lines_;  // copies of each record's line, in order
};

constexpr std::string_view kTradeFrame =
    R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT",)"
    R"("t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,)"
    R"("M":true}})";
constexpr std::string_view kBookFrame =
    R"({"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"1","B":"2",)"
    R"("a":"3","A":"4"}})";

TEST_F(CaptureReaderTest, BinanceCaptureWithBadLines) {
  const std::string content =
      "1723161254087891268 " + std::string(kBookFrame) + "\n" + "1723161254087896568 " +
      std::string(kTradeFrame) + "\r\n" + "\n" + "not-a-time " + std::string(kTradeFrame) + "\n" +
      "1723161254087896999 {\"stream\":\"btcusdt@trade\",\"data\":{\"e\"\n" +
      "1723161254087897000 " + std::string(kTradeFrame);  // no final \n
  for (const std::string& path :
       {WriteGzip("capture.gz", content), WritePlain("capture.txt", content)}) {
    lines_.clear();
    const std::vector<CaptureRecord> records = ReadAll(path);
    ASSERT_EQ(records.size(), 5u) << path;
    EXPECT_EQ(records[0].kind, Kind::kOther);
    EXPECT_EQ(records[0].received_ns, 1723161254087891268);
    EXPECT_EQ(records[1].kind, Kind::kTrade);
    EXPECT_EQ(records[1].line_number, 2);
    EXPECT_EQ(records[1].trade.trade_id, 3735683259);
    EXPECT_EQ(records[1].trade.exchange, "binance");
    EXPECT_EQ(records[1].trade.received_ns, 1723161254087896568);
    EXPECT_EQ(lines_[1], "1723161254087896568 " + std::string(kTradeFrame));  // no \r
    EXPECT_EQ(records[2].kind, Kind::kBad);
    EXPECT_EQ(records[2].line_number, 4);  // the empty line 3 is skipped
    EXPECT_EQ(records[2].error, "expected '<receive time ns> <frame>'");
    EXPECT_EQ(records[3].kind, Kind::kBad);
    EXPECT_EQ(records[3].line_number, 5);
    EXPECT_TRUE(records[3].error.starts_with("not valid JSON")) << records[3].error;
    EXPECT_EQ(records[3].received_ns, 1723161254087896999);
    EXPECT_EQ(records[4].kind, Kind::kTrade);
    EXPECT_EQ(records[4].line_number, 6);
  }
}

TEST_F(CaptureReaderTest, LinesLongerThanTheBuffer) {
  std::string big = "1 {\"stream\":\"x@depth\",\"data\":{\"b\":[";
  for (int i = 0; i < 200'000; ++i) big += "[\"1.0\",\"2.0\"],";
  big += "[\"1\",\"2\"]]}}";
  const std::string path = WriteGzip("big.gz", big + "\n2 " + std::string(kTradeFrame) + "\n");
  const std::vector<CaptureRecord> records = ReadAll(path);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].kind, Kind::kOther) << records[0].error;
  EXPECT_EQ(lines_[0].size(), big.size());
  EXPECT_EQ(records[1].kind, Kind::kTrade);
}

TEST_F(CaptureReaderTest, ExchangeOptionNamesCaptureTrades) {
  const std::string path = WritePlain("usdm.txt", "5 " + std::string(kTradeFrame) + "\n");
  const std::vector<CaptureRecord> records = ReadAll(path, {.exchange = "binance-usdm"});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].trade.exchange, "binance-usdm");
}

TEST_F(CaptureReaderTest, TradeJsonLines) {
  const std::string path = WriteGzip(
      "trades.jsonl.gz",
      R"({"exchange":"kraken","pair":"BTC/USD","trade_id":1,"price":26500.5,"qty":0.5,)"
      R"("side":"buy","ts_ms":1695628177708,"received_ns":1695628177800000000})"
      "\n"
      R"({"pair":"BTC/USD","trade_id":2,"price":26500.5,"qty":0.5,"side":"sell","ts_ms":1695628177709})"
      "\n"
      R"({"pair":"BTC/USD","trade_id":3,"price":"x","qty":0.5,"side":"sell","ts_ms":1})"
      "\n");
  const std::vector<CaptureRecord> records = ReadAll(path, {.exchange = "sim"});
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].kind, Kind::kTrade);
  EXPECT_EQ(records[0].trade.exchange, "kraken");
  EXPECT_EQ(records[0].received_ns, 1695628177800000000);
  EXPECT_EQ(records[1].kind, Kind::kTrade);
  EXPECT_EQ(records[1].trade.exchange, "sim");                   // the default
  EXPECT_EQ(records[1].trade.received_ns, 1695628177709000000);  // from ts_ms
  EXPECT_EQ(records[2].kind, Kind::kBad);
  EXPECT_EQ(records[2].error, "trade JSON: field 'price' is not a number");

  const std::vector<CaptureRecord> no_default = ReadAll(path);
  EXPECT_EQ(no_default[1].kind, Kind::kBad);
  EXPECT_EQ(no_default[1].error, "no exchange: the line names none and no default was given");
}

TEST_F(CaptureReaderTest, TradeCsvInAnyColumnOrder) {
  const std::string path =
      WritePlain("trades.csv",
                 "ts_ms, side ,price,qty,pair,trade_id,note,exchange\n"
                 "1695628177708,buy,26500.5,0.5,BTC/USD,1,hello,kraken\n"
                 "1695628177709,s,26500.25,1e-3,\"BTC/USD\",2,\"with, comma and \"\"quotes\"\"\",\n"
                 "1695628177710,sell,abc,1,BTC/USD,3,,kraken\n"
                 "1695628177711,hold,1,1,BTC/USD,4,,kraken\n"
                 "1695628177712,buy,1,1,BTC/USD,5\n"
                 "1695628177713,buy,1,1,BTC/USD,6.5,,kraken\n");
  const std::vector<CaptureRecord> records = ReadAll(path, {.exchange = "sim"});
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(records[0].kind, Kind::kTrade) << records[0].error;
  EXPECT_EQ(records[0].trade, (Trade{.exchange = "kraken",
                                     .pair = "BTC/USD",
                                     .trade_id = 1,
                                     .price = 26500.5,
                                     .qty = 0.5,
                                     .side = Side::kBuy,
                                     .ts_ms = 1695628177708,
                                     .received_ns = 1695628177708000000}));
  EXPECT_EQ(records[0].line_number, 2);
  EXPECT_EQ(records[1].kind, Kind::kTrade) << records[1].error;
  EXPECT_EQ(records[1].trade.exchange, "sim");
  EXPECT_EQ(records[1].trade.side, Side::kSell);
  EXPECT_EQ(records[1].trade.qty, 0.001);
  EXPECT_EQ(records[2].error, "column 'price' value \"abc\" is not a number");
  EXPECT_EQ(records[3].error, "column 'side' value \"hold\" is not buy or sell");
  EXPECT_EQ(records[4].error, "has 6 fields, the header 8");
  EXPECT_EQ(records[5].error, "column 'trade_id' value \"6.5\" is not an integer");
}

TEST_F(CaptureReaderTest, CsvWithReceiveTimes) {
  const std::string path = WritePlain("r.csv",
                                      "exchange,pair,trade_id,price,qty,side,ts_ms,received_ns\n"
                                      "binance,BTCUSDT,7,1,2,buy,1000,1000500000\n");
  const std::vector<CaptureRecord> records = ReadAll(path);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].received_ns, 1000500000);
}

TEST_F(CaptureReaderTest, FileLevelErrors) {
  Result<std::unique_ptr<CaptureReader>> missing =
      CaptureReader::Open((dir_.path() / "nope.gz").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIOError);
  EXPECT_NE(missing.status().message().find("nope.gz"), std::string::npos);

  const std::string header = WritePlain("h.csv", "pair,price,qty\nBTC,1,1\n");
  Result<std::unique_ptr<CaptureReader>> bad_header = CaptureReader::Open(header);
  ASSERT_FALSE(bad_header.ok());
  EXPECT_NE(bad_header.status().message().find("lacks column(s) trade_id, side, ts_ms"),
            std::string::npos)
      << bad_header.status().message();

  // A gzip file cut short: the lines before the cut are read, then an error.
  std::string content;
  for (int i = 0; i < 20000; ++i)
    content += std::to_string(i + 1) + " " + std::string(kTradeFrame) + "\n";
  const std::string whole = WriteGzip("whole.gz", content);
  std::ifstream in(whole, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string cut = WritePlain("cut.gz", bytes.substr(0, bytes.size() / 2));
  ASSERT_OK_AND_ASSIGN(auto reader, CaptureReader::Open(cut));
  CaptureRecord record;
  int read = 0;
  Result<bool> more = true;
  while ((more = reader->Next(&record)).ok() && *more) ++read;
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), StatusCode::kIOError);
  EXPECT_NE(more.status().message().find("truncated"), std::string::npos)
      << more.status().message();
  EXPECT_GT(read, 0);
}

TEST_F(CaptureReaderTest, EmptyFile) {
  EXPECT_TRUE(ReadAll(WritePlain("empty", "")).empty());
  EXPECT_TRUE(ReadAll(WriteGzip("blank.gz", "\n\n  \n")).empty());
}

}  // namespace
}  // namespace rtml::ingest
