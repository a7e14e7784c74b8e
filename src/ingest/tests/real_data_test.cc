// Conformance on real Binance captures (../shared/data/binance, or the folder named
// by $RTML_REAL_DATA): every trade frame parses, counts match the data's README,
// ids are contiguous, and spot-checked trades have the right side, price and time.
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "rtml/ingest/capture_reader.h"
#include "rtml/ingest/trade_validator.h"
#include "testing.h"

namespace rtml::ingest {
namespace {

namespace fs = std::filesystem;

// The number of trade frames in each capture, as the data's README states them.
const std::map<std::string, int64_t>& ExpectedTrades() {
  static const std::map<std::string, int64_t> kExpected = {
      {"spot_btcusdt_20240808.gz", 9757},   {"spot_btcusdt_20240809.gz", 10147},
      {"spot_ethusdt_20240808.gz", 6106},   {"spot_ethusdt_20240809.gz", 8409},
      {"usdm_btcusdt_20240808.gz", 21313},  {"usdm_ethusdt_20240808.gz", 14076},
      {"cm_btcusd_perp_20240808.gz", 2286}, {"cm_btcusd_perp_20240809.gz", 2949},
      {"cm_ethusd_perp_20240808.gz", 1732}, {"cm_ethusd_perp_20240809.gz", 1863},
  };
  return kExpected;
}

// Futures reuse spot symbols with other ids: keep them apart by exchange name.
std::string ExchangeFor(const std::string& file) {
  if (file.starts_with("usdm_")) return "binance-usdm";
  if (file.starts_with("cm_")) return "binance-coinm";
  return "binance";
}

// Counts "@trade\"" in the decompressed file: an independent count, by plain zlib.
int64_t CountTradeFrames(const fs::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return -1;
  std::string text;
  char buf[1 << 16];
  int n;
  while ((n = gzread(file, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  gzclose(file);
  int64_t count = 0;
  for (size_t at = text.find("@trade\""); at != std::string::npos;
       at = text.find("@trade\"", at + 1)) {
    ++count;
  }
  return count;
}

class RealDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = rtml::testing::RealDataDir() / "binance";
    ASSERT_REAL_DATA(dir_);
  }

  fs::path dir_;
};

TEST_F(RealDataTest, EveryTradeFrameOfEveryCaptureParses) {
  TradeValidator validator;
  int64_t total = 0;
  int files = 0;
  for (const auto& [name, expected] : ExpectedTrades()) {
    const fs::path path = dir_ / name;
    ASSERT_TRUE(fs::exists(path)) << path;
    ++files;
    EXPECT_EQ(CountTradeFrames(path), expected) << name << ": the README's count";

    ASSERT_OK_AND_ASSIGN(auto reader,
                         CaptureReader::Open(path.string(), {.exchange = ExchangeFor(name)}));
    EXPECT_EQ(reader->format(), CaptureFormat::kBinanceCapture);
    CaptureRecord record;
    int64_t trades = 0;
    int64_t lines = 0;
    for (;;) {
      ASSERT_OK_AND_ASSIGN(const bool more, reader->Next(&record));
      if (!more) break;
      ++lines;
      ASSERT_NE(record.kind, CaptureRecord::Kind::kBad)
          << name << ":" << record.line_number << ": " << record.error;
      const bool trade_frame = record.line.find("@trade\"") != std::string_view::npos;
      ASSERT_EQ(record.kind == CaptureRecord::Kind::kTrade, trade_frame)
          << name << ":" << record.line_number;
      if (!trade_frame) continue;
      ++trades;
      Result<TradeValidator::Verdict> verdict = validator.Check(record.trade);
      ASSERT_TRUE(verdict.ok()) << name << ":" << record.line_number << ": "
                                << verdict.status().message();
      ASSERT_EQ(*verdict, TradeValidator::Verdict::kAccept) << name << ":" << record.line_number;
    }
    EXPECT_EQ(trades, expected) << name;
    EXPECT_GT(lines, trades) << name;  // depth and bookTicker frames were read and skipped
    total += trades;
  }
  EXPECT_EQ(files, 10);
  EXPECT_EQ(total, 78'638);
  // Ids are contiguous within each market, across the two days.
  EXPECT_EQ(validator.counters(),
            (TradeCounters{.accepted = total, .rejected = 0, .duplicates = 0, .gaps = 0}));
  EXPECT_EQ(validator.tracked_pairs(), 6u);
}

TEST_F(RealDataTest, SpotChecksOfSidePriceAndTime) {
  std::map<int64_t, Trade> spot;
  for (const char* name : {"spot_btcusdt_20240808.gz", "spot_btcusdt_20240809.gz"}) {
    ASSERT_OK_AND_ASSIGN(auto reader, CaptureReader::Open((dir_ / name).string()));
    CaptureRecord record;
    for (;;) {
      ASSERT_OK_AND_ASSIGN(const bool more, reader->Next(&record));
      if (!more) break;
      if (record.kind == CaptureRecord::Kind::kTrade) spot[record.trade.trade_id] = record.trade;
    }
  }
  ASSERT_EQ(spot.size(), 19'904u);
  EXPECT_EQ(spot.begin()->first, 3735683259);
  EXPECT_EQ(spot.rbegin()->first, 3735703162);
  EXPECT_EQ(spot.rbegin()->first - spot.begin()->first + 1, 19'904);

  // First trade of the 8th: m=true, the taker sold.
  EXPECT_EQ(spot[3735683259], (Trade{.exchange = "binance",
                                     .pair = "BTCUSDT",
                                     .trade_id = 3735683259,
                                     .price = 61837.63,
                                     .qty = 0.02,
                                     .side = Side::kSell,
                                     .ts_ms = 1723161255342,
                                     .received_ns = 1723161254087896568}));
  // First buyer-taker trade: m=false.
  EXPECT_EQ(spot[3735683305], (Trade{.exchange = "binance",
                                     .pair = "BTCUSDT",
                                     .trade_id = 3735683305,
                                     .price = 61828.02,
                                     .qty = 0.0081,
                                     .side = Side::kBuy,
                                     .ts_ms = 1723161255856,
                                     .received_ns = 1723161254585058867}));
  // The seam between the two files, and the very last trade.
  EXPECT_EQ(spot[3735693015].ts_ms, 1723161601271);
  EXPECT_EQ(spot[3735693016].received_ns, 1723161600164378285);
  EXPECT_EQ(spot[3735693016].qty, 0.00017);
  EXPECT_EQ(spot[3735703162], (Trade{.exchange = "binance",
                                     .pair = "BTCUSDT",
                                     .trade_id = 3735703162,
                                     .price = 61602.02,
                                     .qty = 0.00536,
                                     .side = Side::kBuy,
                                     .ts_ms = 1723161905800,
                                     .received_ns = 1723161904525430833}));
}

TEST_F(RealDataTest, FuturesSpotCheck) {
  ASSERT_OK_AND_ASSIGN(auto reader,
                       CaptureReader::Open((dir_ / "usdm_ethusdt_20240808.gz").string(),
                                           {.exchange = "binance-usdm"}));
  CaptureRecord record;
  for (;;) {
    ASSERT_OK_AND_ASSIGN(const bool more, reader->Next(&record));
    ASSERT_TRUE(more) << "trade 4308073522 not found";
    if (record.kind == CaptureRecord::Kind::kTrade && record.trade.trade_id == 4308073522) break;
  }
  EXPECT_EQ(record.trade, (Trade{.exchange = "binance-usdm",
                                 .pair = "ETHUSDT",
                                 .trade_id = 4308073522,
                                 .price = 2680.95,
                                 .qty = 0.01,
                                 .side = Side::kBuy,
                                 .ts_ms = 1723161405979,
                                 .received_ns = 1723161404709336600}));
}

}  // namespace
}  // namespace rtml::ingest
