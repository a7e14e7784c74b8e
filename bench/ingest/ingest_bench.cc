// rtml_ingest_bench: how fast Binance trade frames from the real captures are
// parsed, validated, and written to the embedded file:// log through TradeSink.
//
// All trade frames of the ten captures in <data>/binance (78,638 frames; <data> is
// $RTML_REAL_DATA, else the shared/data folder beside the checkout) are loaded into
// memory first, with their receive times; each iteration goes over all of them in
// capture order on one thread. Spot, USD-M and COIN-M frames get their own exchange
// name, so their ids (contiguous per market) do not mix. Every benchmark checks its
// answer (counts, no gaps, no rejects) and fails with SkipWithError if it is wrong.
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "rtml/ingest/binance_parser.h"
#include "rtml/ingest/trade_sink.h"
#include "rtml/ingest/trade_validator.h"
#include "rtml/stream/broker.h"

namespace rtml::bench {
namespace {

namespace fs = std::filesystem;
using ingest::BinanceParser;
using ingest::Trade;

constexpr int64_t kExpectedFrames = 78'638;  // the README's counts, summed
constexpr double kMinSeconds = 2.0;

struct Catalog {
  const char* name;
  const char* measures;
};
constexpr Catalog kCatalog[] = {
    {"Parse", "BinanceParser::Parse of every trade frame into a reused Trade. items/s = frames/s"},
    {"ParseValidate",
     "Parse + TradeValidator::Check (rules, dedup, gaps), a fresh validator per pass. "
     "items/s = trades/s"},
    {"EndToEnd/fsync=interval",
     "Parse + TradeSink::Accept (validate, trade JSON, Produce to a fresh file:// log, key = "
     "pair) + Flush() per pass; fsync at most once a second (the default). items/s = trades/s"},
    {"EndToEnd/fsync=always", "the same, fsync after every batch written"},
};

struct Frame {
  int market;  // index into kMarkets
  int64_t received_ns;
  size_t offset;  // into g_text
  size_t size;
};

constexpr const char* kMarkets[] = {"binance", "binance-usdm", "binance-coinm"};
constexpr const char* kFiles[] = {"spot_btcusdt_20240808.gz",   "spot_btcusdt_20240809.gz",
                                  "spot_ethusdt_20240808.gz",   "spot_ethusdt_20240809.gz",
                                  "usdm_btcusdt_20240808.gz",   "usdm_ethusdt_20240808.gz",
                                  "cm_btcusd_perp_20240808.gz", "cm_btcusd_perp_20240809.gz",
                                  "cm_ethusd_perp_20240808.gz", "cm_ethusd_perp_20240809.gz"};

std::string g_text;  // every trade frame, back to back
std::vector<Frame> g_frames;
fs::path g_data_dir;

fs::path RealDataDir() {
  if (const char* env = std::getenv("RTML_REAL_DATA"); env != nullptr && *env != '\0') return env;
  return fs::path(RTML_SOURCE_DIR) / ".." / "shared" / "data";
}

bool LoadFrames(const fs::path& dir) {
  for (const char* name : kFiles) {
    const std::string file_name = name;
    const int market = file_name.starts_with("usdm_") ? 1 : file_name.starts_with("cm_") ? 2 : 0;
    gzFile file = gzopen((dir / name).c_str(), "rb");
    if (file == nullptr) {
      std::fprintf(stderr, "cannot open %s\n", (dir / name).c_str());
      return false;
    }
    std::string text;
    char buf[1 << 16];
    int n;
    while ((n = gzread(file, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    gzclose(file);
    size_t start = 0;
    for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
      const std::string_view line(text.data() + start, end - start);
      if (line.find("@trade\"") == std::string_view::npos) continue;
      const size_t space = line.find(' ');
      g_frames.push_back(Frame{market, std::stoll(std::string(line.substr(0, space))),
                               g_text.size(), line.size() - space - 1});
      g_text.append(line.substr(space + 1));
    }
  }
  return static_cast<int64_t>(g_frames.size()) == kExpectedFrames;
}

std::string_view FrameText(const Frame& frame) {
  return std::string_view(g_text).substr(frame.offset, frame.size);
}

struct Parsers {
  BinanceParser spot{{.exchange = kMarkets[0]}};
  BinanceParser usdm{{.exchange = kMarkets[1]}};
  BinanceParser coinm{{.exchange = kMarkets[2]}};
  BinanceParser& For(int market) { return market == 0 ? spot : market == 1 ? usdm : coinm; }
};

void BM_Parse(benchmark::State& state) {
  Parsers parsers;
  Trade trade;
  for (auto _ : state) {
    int64_t trades = 0;
    for (const Frame& frame : g_frames) {
      Result<BinanceParser::Frame> kind =
          parsers.For(frame.market).Parse(FrameText(frame), frame.received_ns, &trade);
      trades += kind.ok() && *kind == BinanceParser::Frame::kTrade;
    }
    benchmark::DoNotOptimize(trade);
    if (trades != kExpectedFrames) {
      state.SkipWithError("not every frame parsed as a trade");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * kExpectedFrames);
}

void BM_ParseValidate(benchmark::State& state) {
  Parsers parsers;
  Trade trade;
  for (auto _ : state) {
    ingest::TradeValidator validator;
    for (const Frame& frame : g_frames) {
      Result<BinanceParser::Frame> kind =
          parsers.For(frame.market).Parse(FrameText(frame), frame.received_ns, &trade);
      if (kind.ok()) benchmark::DoNotOptimize(validator.Check(trade));
    }
    const ingest::TradeCounters& counters = validator.counters();
    if (counters.accepted != kExpectedFrames || counters.gaps != 0 || counters.rejected != 0) {
      state.SkipWithError("wrong counts: expected every trade accepted, no gaps");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * kExpectedFrames);
}

void BM_EndToEnd(benchmark::State& state, stream::FsyncPolicy fsync) {
  Parsers parsers;
  Trade trade;
  int pass = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const fs::path dir = g_data_dir / ("pass-" + std::to_string(pass++));
    Result<std::unique_ptr<stream::Broker>> broker =
        stream::OpenBroker("file://" + dir.string(), {.fsync = fsync});
    std::unique_ptr<stream::Producer> producer;
    if (broker.ok() && (*broker)->CreateTopic({.name = "trades"}).ok() &&
        (*broker)->CreateTopic({.name = "trades.dlq"}).ok()) {
      Result<std::unique_ptr<stream::Producer>> made = (*broker)->NewProducer();
      if (made.ok()) producer = std::move(made).value();
    }
    if (producer == nullptr) {
      state.SkipWithError("cannot set up the file:// broker");
      return;
    }
    ingest::TradeSink sink(*producer);
    state.ResumeTiming();

    for (const Frame& frame : g_frames) {
      const std::string_view text = FrameText(frame);
      Result<BinanceParser::Frame> kind =
          parsers.For(frame.market).Parse(text, frame.received_ns, &trade);
      const Status status = kind.ok() ? sink.Accept(trade, text, "bench")
                                      : sink.Reject(text, kind.status().message(), "bench");
      if (!status.ok()) {
        state.SkipWithError(status.ToString().c_str());
        return;
      }
    }
    const Status flushed = sink.Flush();

    state.PauseTiming();
    Result<stream::TopicDescription> topic = (*broker)->DescribeTopic("trades");
    if (!flushed.ok() || !topic.ok() || topic->partitions[0].end_offset != kExpectedFrames ||
        sink.counters().accepted != kExpectedFrames || sink.dead_letters() != 0) {
      state.SkipWithError("the log does not hold every trade exactly once");
      return;
    }
    producer.reset();
    broker->reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kExpectedFrames);
}

void PrintCatalog(const fs::path& real_data) {
  std::printf("rtml_ingest_bench: Binance trade frames of the real captures, one thread\n");
  for (const Catalog& entry : kCatalog) std::printf("  %-24s %s\n", entry.name, entry.measures);
  std::printf("Frames: %zu (%zu bytes) from %s\nLog directory: %s\n\n", g_frames.size(),
              g_text.size(), real_data.c_str(), g_data_dir.c_str());
  std::fflush(stdout);
}

}  // namespace
}  // namespace rtml::bench

int main(int argc, char** argv) {
  using namespace rtml::bench;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const fs::path real_data = RealDataDir();
  if (!LoadFrames(real_data / "binance")) {
    std::fprintf(stderr,
                 "rtml_ingest_bench: expected %lld trade frames in %s/binance, found %zu. Set "
                 "RTML_REAL_DATA to the shared/data folder.\n",
                 static_cast<long long>(kExpectedFrames), real_data.c_str(), g_frames.size());
    return 1;
  }
  g_data_dir = "/tmp/rtml-ingest-bench-" + std::to_string(::getpid());
  fs::create_directories(g_data_dir);
  PrintCatalog(real_data);

  benchmark::RegisterBenchmark(kCatalog[0].name, BM_Parse)
      ->UseRealTime()
      ->MinTime(kMinSeconds)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(kCatalog[1].name, BM_ParseValidate)
      ->UseRealTime()
      ->MinTime(kMinSeconds)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(kCatalog[2].name, BM_EndToEnd, rtml::stream::FsyncPolicy::kInterval)
      ->UseRealTime()
      ->MinTime(kMinSeconds)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(kCatalog[3].name, BM_EndToEnd, rtml::stream::FsyncPolicy::kAlways)
      ->UseRealTime()
      ->MinTime(kMinSeconds)
      ->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  fs::remove_all(g_data_dir, ec);
  return 0;
}
