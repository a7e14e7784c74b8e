// rtml_process_memory_bench: the memory of one pair's state in the candles and
// features operators - its candle aggregation (1 s, 60 s and 300 s windows, emit
// final, grace 0) and its 20 indicators on the 60 s candles - two ways:
//   1. SaveState() bytes: a checkpoint's size per pair (aggregator: the state of
//      10,000 pairs minus an empty one, divided; indicators: the sum of the 20
//      states after warm-up).
//   2. Process memory growth over --pairs pairs (default 10,000), divided: resident
//      set size (VmRSS) and the heap in use (glibc mallinfo2: uordblks + hblkhd),
//      before and after building their state, in this fresh process.
// Every pair is in steady state: its earlier windows have closed (so the aggregator
// knows it) and one window per size is open; its indicators took 300 real 1 m bars
// (the FTX BTC-PERP month), longer than any of their periods.
//
// Usage: rtml_process_memory_bench [--pairs=N]
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "market_data.h"
#include "rtml/process/candle_aggregator.h"
#include "rtml/process/indicators/indicator.h"

namespace rtml::bench {
namespace {

using process::CandleAggregator;
using process::Indicator;

constexpr int kWarmBars = 300;
constexpr int kTradesPerWindow = 5;

struct Memory {
  int64_t rss = 0;   // bytes resident
  int64_t heap = 0;  // bytes allocated through malloc and still in use
};

Memory Measure() {
  Memory memory;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) memory.rss = std::atoll(line.c_str() + 6) * 1024;
  }
  const struct mallinfo2 info = mallinfo2();
  memory.heap = static_cast<int64_t>(info.uordblks + info.hblkhd);
  return memory;
}

std::string PairName(int pair) {
  char name[16];
  std::snprintf(name, sizeof name, "P%05dUSDT", pair);  // 10 bytes: a short string, as real ones
  return name;
}

// Each pair's trades of one 1 s window starting at `t_ms`, real prices and sizes.
Status AddRound(CandleAggregator& aggregator, int pairs, int64_t t_ms,
                const std::vector<ingest::Trade>& real, int64_t* next_id) {
  std::vector<process::CandleUpdate> updates;
  std::vector<process::LateRecord> late;
  ingest::Trade trade = real.front();
  for (int k = 0; k < kTradesPerWindow; ++k) {
    for (int pair = 0; pair < pairs; ++pair) {
      const ingest::Trade& like =
          real[static_cast<size_t>(pair * kTradesPerWindow + k) % real.size()];
      trade.pair = PairName(pair);
      trade.trade_id = (*next_id)++;
      trade.price = like.price;
      trade.qty = like.qty;
      trade.side = like.side;
      trade.ts_ms = t_ms + 100 * k;
      updates.clear();
      RTML_RETURN_IF_ERROR(aggregator.Add(trade, &updates, &late));
    }
  }
  if (!late.empty()) return Status::Internal("late trades");
  return Status::Ok();
}

// An aggregator holding `pairs` pairs in steady state: a window of each size closed
// (300 s earlier), one of each size open.
Result<CandleAggregator> AggregatorWith(int pairs, const std::vector<ingest::Trade>& real) {
  RTML_ASSIGN_OR_RETURN(CandleAggregator aggregator, CandleAggregator::Create({}));
  constexpr int64_t kT0 = 1'723'161'600'000;  // a multiple of 300 s
  int64_t next_id = 1;
  RTML_RETURN_IF_ERROR(AddRound(aggregator, pairs, kT0 - 300'000, real, &next_id));
  RTML_RETURN_IF_ERROR(AddRound(aggregator, pairs, kT0, real, &next_id));  // closes the first
  if (aggregator.open_windows() != 3LL * pairs) {
    return Status::Internal("expected 3 open windows per pair, found " +
                            std::to_string(aggregator.open_windows()));
  }
  return aggregator;
}

using Features = std::vector<std::unique_ptr<Indicator>>;

Result<Features> WarmFeatures(const std::vector<process::Candle>& bars, size_t first) {
  Features features;
  for (const std::string& name : FeatureNames()) {
    RTML_ASSIGN_OR_RETURN(std::unique_ptr<Indicator> indicator, process::MakeIndicator(name));
    for (int i = 0; i < kWarmBars; ++i) indicator->Update(bars[(first + i) % bars.size()]);
    if (!indicator->ready()) return Status::Internal(name + " not warm");
    features.push_back(std::move(indicator));
  }
  return features;
}

double Per(int64_t bytes, int count) {
  return static_cast<double>(bytes) / static_cast<double>(count);
}

int Run(int pairs) {
  const std::filesystem::path data = RealDataDir();
  Result<std::vector<ingest::Trade>> real = LoadSpotTrades(data);
  Result<std::vector<process::Candle>> bars = LoadOhlcvCandles(data);
  if (!real.ok() || !bars.ok()) {
    std::fprintf(stderr, "rtml_process_memory_bench: %s (set RTML_REAL_DATA)\n",
                 (real.ok() ? bars.status() : real.status()).ToString().c_str());
    return 1;
  }

  // 1. Checkpoint bytes.
  Result<CandleAggregator> empty = CandleAggregator::Create({});
  Result<CandleAggregator> one = AggregatorWith(1, *real);
  Result<Features> features = WarmFeatures(*bars, 0);
  if (!empty.ok() || !one.ok() || !features.ok()) {
    std::fprintf(stderr, "rtml_process_memory_bench: cannot build the state\n");
    return 1;
  }
  const int64_t empty_state = static_cast<int64_t>(empty->SaveState().size());
  const int64_t one_state = static_cast<int64_t>(one->SaveState().size());
  int64_t indicator_state = 0;
  std::printf(
      "rtml_process_memory_bench: %d pairs; 1 s, 60 s, 300 s candles (final, grace 0) "
      "and 20 indicators on the 60 s candles per pair\n\n",
      pairs);
  // Per indicator: its state bytes, and its heap (1,000 warm ones, divided).
  constexpr int kInstances = 1000;
  std::printf("%-20s %12s %12s\n", "per indicator", "SaveState()", "heap in use");
  for (size_t n = 0; n < features->size(); ++n) {
    const Indicator& indicator = *(*features)[n];
    const size_t size = indicator.SaveState().size();
    indicator_state += static_cast<int64_t>(size);
    malloc_trim(0);
    const Memory before = Measure();
    std::vector<std::unique_ptr<Indicator>> many(kInstances);
    for (auto& instance : many) {
      Result<std::unique_ptr<Indicator>> made = process::MakeIndicator(FeatureNames()[n]);
      if (!made.ok()) return 1;
      instance = std::move(made).value();
      for (int i = 0; i < kWarmBars; ++i) instance->Update((*bars)[i]);
    }
    const double heap = Per(Measure().heap - before.heap -
                                kInstances * static_cast<int64_t>(sizeof(many[0])),  // `many`
                            kInstances);
    std::printf("%-20s %12zu %12.0f\n", FeatureNames()[n].c_str(), size, heap);
  }

  // 2. Process memory, in the order: baseline, aggregator of all pairs, indicators.
  malloc_trim(0);
  const Memory base = Measure();
  Result<CandleAggregator> all = AggregatorWith(pairs, *real);
  if (!all.ok()) {
    std::fprintf(stderr, "rtml_process_memory_bench: %s\n", all.status().ToString().c_str());
    return 1;
  }
  const Memory with_aggregator = Measure();
  std::vector<Features> per_pair;
  per_pair.reserve(static_cast<size_t>(pairs));
  for (int pair = 0; pair < pairs; ++pair) {
    Result<Features> made = WarmFeatures(*bars, static_cast<size_t>(pair) * 7);
    if (!made.ok()) {
      std::fprintf(stderr, "rtml_process_memory_bench: %s\n", made.status().ToString().c_str());
      return 1;
    }
    per_pair.push_back(std::move(made).value());
  }
  const Memory with_features = Measure();
  const int64_t all_state = static_cast<int64_t>(all->SaveState().size());

  std::printf("\n%-44s %12s %12s %12s\n", "per pair, bytes", "aggregator", "indicators", "both");
  std::printf("%-44s %12.0f %12lld %12.0f\n", "SaveState(), 1 pair (aggregator minus empty)",
              Per(one_state - empty_state, 1), static_cast<long long>(indicator_state),
              Per(one_state - empty_state, 1) + static_cast<double>(indicator_state));
  std::printf("%-44s %12.0f %12s %12s\n", "SaveState(), all pairs / pairs",
              Per(all_state - empty_state, pairs), "", "");
  const double agg_rss = Per(with_aggregator.rss - base.rss, pairs);
  const double ind_rss = Per(with_features.rss - with_aggregator.rss, pairs);
  const double agg_heap = Per(with_aggregator.heap - base.heap, pairs);
  const double ind_heap = Per(with_features.heap - with_aggregator.heap, pairs);
  std::printf("%-44s %12.0f %12.0f %12.0f\n", "RSS growth / pairs", agg_rss, ind_rss,
              agg_rss + ind_rss);
  std::printf("%-44s %12.0f %12.0f %12.0f\n", "heap in use growth / pairs (mallinfo2)", agg_heap,
              ind_heap, agg_heap + ind_heap);
  std::printf(
      "\n(indicators include the bench's own containers: a vector of 20 pointers per pair "
      "and its entry in a vector of them, %zu bytes)\nRSS: %.1f MB before, %.1f MB after\n",
      FeatureNames().size() * sizeof(std::unique_ptr<Indicator>) + sizeof(Features),
      static_cast<double>(base.rss) / 1e6, static_cast<double>(with_features.rss) / 1e6);
  return 0;
}

}  // namespace
}  // namespace rtml::bench

int main(int argc, char** argv) {
  int pairs = 10'000;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--pairs=", 8) == 0 && std::atoi(argv[i] + 8) > 0) {
      pairs = std::atoi(argv[i] + 8);
    } else {
      std::fprintf(stderr, "usage: rtml_process_memory_bench [--pairs=N]\n");
      return 2;
    }
  }
  return rtml::bench::Run(pairs);
}
