// rtml_process_bench: the stream-processing operators on one thread, in memory (no
// broker): trades -> candles (1 s, 60 s, 300 s) -> 20 indicators on the 60 s candles,
// the cost of one feature-vector update per candle, and a breakdown of where the time
// of the candles and features stages goes (JSON in and out).
//
// Inputs are real (market_data.h): the 34,419 Binance spot trades, looped with
// shifted times, and the month of 1 m FTX BTC-PERP bars. Every benchmark checks its
// answer and fails with SkipWithError if it is wrong.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <benchmark/benchmark.h>

#include "market_data.h"
#include "rtml/process/candle_aggregator.h"
#include "rtml/process/indicators/indicator.h"
#include "rtml/process/operators.h"

namespace rtml::bench {
namespace {

using ingest::Trade;
using process::Candle;
using process::CandleAggregator;
using process::CandleUpdate;
using process::Indicator;

constexpr double kMinSeconds = 2.0;
constexpr int kWarmBars = 1'000;  // every indicator is ready long before

std::vector<Trade> g_trades;    // one pass, in event-time order
std::vector<Candle> g_candles;  // the 1 m bars

struct Catalog {
  const char* name;
  const char* measures;
};
constexpr Catalog kCatalog[] = {
    {"Operators/CandlesFeatures",
     "CandleAggregator::Add of every trade (1 s, 60 s, 300 s tumbling windows, emit final) + "
     "per closed 60 s candle the pair's 20 indicators' Update() and all 26 outputs read. "
     "items/s = trades/s"},
    {"Operators/CandlesOnly", "the same without the indicators. items/s = trades/s"},
    {"FeatureVector/Update",
     "one 60 s bar into 20 indicators (Update) + all 26 outputs read. time = per candle"},
    {"FeatureVector/ReplaceLast",
     "the same through ReplaceLast (a `current` candle changing). time = per candle"},
    {"Indicator/<name>/Update", "one indicator's Update() + its outputs read, per candle"},
    {"Breakdown/ParseTradeJson", "ingest::ParseTradeJson of a trade record's value, per trade"},
    {"Breakdown/CandlesOperator",
     "MakeCandlesOperator's Process(): trade JSON -> aggregator -> candle JSON records, per "
     "trade"},
    {"Breakdown/FeaturesOperator",
     "MakeFeaturesOperator's Process() (20 indicators, 60 s only) over the candle JSON records "
     "(every size) of 20 passes of the trades, a fresh operator per lap. items/s = records/s"},
};

struct FeatureSeries {
  std::vector<std::unique_ptr<Indicator>> indicators;
  std::vector<double> values;  // the feature vector, 26 outputs
};

bool MakeSeries(FeatureSeries* series) {
  series->indicators.clear();
  size_t outputs = 0;
  for (const std::string& name : FeatureNames()) {
    Result<std::unique_ptr<Indicator>> made = process::MakeIndicator(name);
    if (!made.ok()) return false;
    outputs += (*made)->output_names().size();
    series->indicators.push_back(std::move(made).value());
  }
  series->values.assign(outputs, 0.0);
  return true;
}

// Reads every output into the feature vector.
inline void ReadOutputs(FeatureSeries& series) {
  double* out = series.values.data();
  for (const auto& indicator : series.indicators) {
    const size_t n = indicator->output_names().size();
    for (size_t i = 0; i < n; ++i) *out++ = indicator->value(i);
  }
  benchmark::DoNotOptimize(series.values.data());
  benchmark::ClobberMemory();
}

bool AllReady(const FeatureSeries& series) {
  for (const auto& indicator : series.indicators) {
    if (!indicator->ready()) return false;
  }
  for (double value : series.values) {
    if (!std::isfinite(value)) return false;
  }
  return true;
}

// ---- 1. Operator throughput -------------------------------------------------------

void BM_Operators(benchmark::State& state, bool with_features) {
  Result<CandleAggregator> aggregator = CandleAggregator::Create({});
  if (!aggregator.ok()) {
    state.SkipWithError(aggregator.status().ToString().c_str());
    return;
  }
  TradeLoop loop(g_trades);
  std::unordered_map<std::string, FeatureSeries> series;  // by pair
  std::vector<CandleUpdate> updates;
  std::vector<process::LateRecord> late;
  int64_t candles[3] = {0, 0, 0};
  int64_t passes = 0;
  for (auto _ : state) {
    for (const Trade& trade : loop.pass()) {
      updates.clear();
      if (!aggregator->Add(trade, &updates, &late).ok() || !late.empty()) {
        state.SkipWithError("a trade was refused or late");
        return;
      }
      for (const CandleUpdate& update : updates) {
        const Candle& candle = update.candle;
        candles[candle.candle_seconds == 1 ? 0 : candle.candle_seconds == 60 ? 1 : 2]++;
        if (!with_features || candle.candle_seconds != 60) continue;
        auto [it, inserted] = series.try_emplace(candle.pair);
        if (inserted && !MakeSeries(&it->second)) {
          state.SkipWithError("cannot make the indicators");
          return;
        }
        for (const auto& indicator : it->second.indicators) indicator->Update(candle);
        ReadOutputs(it->second);
      }
    }
    ++passes;
    state.PauseTiming();
    loop.Advance();
    state.ResumeTiming();
  }
  // Two pairs; after a few passes (11 min of trades each) every indicator is warm.
  if (with_features && passes >= 8) {
    for (const auto& [pair, s] : series) {
      if (!AllReady(s)) state.SkipWithError(("indicators of " + pair + " not ready").c_str());
    }
    if (series.size() != 2) state.SkipWithError("expected features of 2 pairs");
  }
  state.SetItemsProcessed(state.iterations() * kSpotTrades);
  const double per_pass = static_cast<double>(passes);
  state.counters["candles_1s/pass"] = static_cast<double>(candles[0]) / per_pass;
  state.counters["candles_60s/pass"] = static_cast<double>(candles[1]) / per_pass;
  state.counters["candles_300s/pass"] = static_cast<double>(candles[2]) / per_pass;
}

// ---- 3. Feature-vector update per candle ------------------------------------------

void BM_FeatureVector(benchmark::State& state, bool replace_last) {
  FeatureSeries series;
  if (!MakeSeries(&series)) {
    state.SkipWithError("cannot make the indicators");
    return;
  }
  for (int i = 0; i < kWarmBars; ++i) {
    for (const auto& indicator : series.indicators) indicator->Update(g_candles[i]);
  }
  size_t next = kWarmBars;
  for (auto _ : state) {
    const Candle& bar = g_candles[next];
    if (++next == g_candles.size()) next = 0;
    if (replace_last) {
      for (const auto& indicator : series.indicators) indicator->ReplaceLast(bar);
    } else {
      for (const auto& indicator : series.indicators) indicator->Update(bar);
    }
    ReadOutputs(series);
  }
  if (!AllReady(series)) state.SkipWithError("a feature is not a finite number");
  const int64_t expected_bars = kWarmBars + (replace_last ? 0 : state.iterations());
  if (series.indicators[0]->bars() != expected_bars) state.SkipWithError("wrong bar count");
  state.SetItemsProcessed(state.iterations());
}

void BM_OneIndicator(benchmark::State& state, std::string name, bool replace_last) {
  Result<std::unique_ptr<Indicator>> made = process::MakeIndicator(name);
  if (!made.ok()) {
    state.SkipWithError(made.status().ToString().c_str());
    return;
  }
  Indicator& indicator = **made;
  const size_t outputs = indicator.output_names().size();
  for (int i = 0; i < kWarmBars; ++i) indicator.Update(g_candles[i]);
  size_t next = kWarmBars;
  double sum = 0;
  for (auto _ : state) {
    const Candle& bar = g_candles[next];
    if (++next == g_candles.size()) next = 0;
    replace_last ? indicator.ReplaceLast(bar) : indicator.Update(bar);
    for (size_t i = 0; i < outputs; ++i) sum += indicator.value(i);
  }
  benchmark::DoNotOptimize(sum);
  if (!std::isfinite(sum)) state.SkipWithError("not a finite number");
  state.SetItemsProcessed(state.iterations());
}

// ---- Breakdown of the stages' JSON work ------------------------------------------

// The trades of one pass as records of a `trades` topic.
struct TradeRecords {
  std::vector<std::string> values;
  std::vector<stream::ConsumedRecord> records;

  void Build(const std::vector<Trade>& trades, int64_t first_offset) {
    values.resize(trades.size());
    records.resize(trades.size());
    for (size_t i = 0; i < trades.size(); ++i) {
      values[i].clear();
      ingest::AppendTradeJson(trades[i], values[i]);
      records[i] = stream::ConsumedRecord{.topic = "trades",
                                          .offset = first_offset + static_cast<int64_t>(i),
                                          .timestamp_ms = trades[i].ts_ms,
                                          .key = trades[i].pair,
                                          .value = values[i]};
    }
  }
};

// Process() of every record; false if one fails or writes to a topic other than
// `output` (a dead letter). Adds the outputs to *outputs.
bool ProcessAll(process::PartitionOperator& op, const std::vector<stream::ConsumedRecord>& records,
                std::string_view output, std::vector<process::OutputRecord>* out,
                int64_t* outputs) {
  for (const stream::ConsumedRecord& record : records) {
    out->clear();
    if (!op.Process(record, out).ok()) return false;
    for (const process::OutputRecord& o : *out) {
      if (o.topic != output) return false;
    }
    *outputs += static_cast<int64_t>(out->size());
  }
  return true;
}

void BM_ParseTradeJson(benchmark::State& state) {
  TradeRecords records;
  records.Build(g_trades, 0);
  for (auto _ : state) {
    for (const stream::ConsumedRecord& record : records.records) {
      Result<Trade> trade = ingest::ParseTradeJson(record.value);
      if (!trade.ok()) {
        state.SkipWithError("a trade does not parse");
        return;
      }
      benchmark::DoNotOptimize(trade);
    }
  }
  state.SetItemsProcessed(state.iterations() * kSpotTrades);
}

void BM_CandlesOperator(benchmark::State& state) {
  Result<std::unique_ptr<process::PartitionOperator>> op = process::MakeCandlesOperator({});
  if (!op.ok()) {
    state.SkipWithError(op.status().ToString().c_str());
    return;
  }
  TradeLoop loop(g_trades);
  TradeRecords records;
  records.Build(loop.pass(), 0);
  std::vector<process::OutputRecord> out;
  int64_t offset = 0;
  int64_t outputs = 0;
  for (auto _ : state) {
    if (!ProcessAll(**op, records.records, "candles", &out, &outputs)) {
      state.SkipWithError("Process failed or a trade was dead-lettered");
      return;
    }
    state.PauseTiming();
    offset += kSpotTrades;
    loop.Advance();
    records.Build(loop.pass(), offset);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kSpotTrades);
  state.counters["candles/trade"] =
      static_cast<double>(outputs) / static_cast<double>(state.iterations() * kSpotTrades);
}

// Candle JSON records of every size, as the candles stage writes them for the spot
// trades, looped `passes` times (about 1,300 records a pass, 22 of them 60 s).
std::vector<std::string> CandleRecordsOf(int passes) {
  std::vector<std::string> values;
  Result<CandleAggregator> aggregator = CandleAggregator::Create({});
  if (!aggregator.ok()) return values;
  TradeLoop loop(g_trades);
  std::vector<CandleUpdate> updates;
  std::vector<process::LateRecord> late;
  for (int pass = 0; pass < passes; ++pass) {
    for (const Trade& trade : loop.pass()) {
      updates.clear();
      if (!aggregator->Add(trade, &updates, &late).ok()) return {};
      for (const CandleUpdate& update : updates) {
        process::AppendCandleJson(update.candle, values.emplace_back());
      }
    }
    loop.Advance();
  }
  return values;
}

void BM_FeaturesOperator(benchmark::State& state) {
  static const std::vector<std::string> values = CandleRecordsOf(20);
  std::vector<stream::ConsumedRecord> records(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    records[i] = {.topic = "candles", .offset = static_cast<int64_t>(i), .value = values[i]};
  }
  const process::FeaturesStageOptions options{.candle_seconds = {60}, .features = FeatureNames()};
  std::vector<process::OutputRecord> out;
  int64_t features = 0;
  for (auto _ : state) {
    state.PauseTiming();  // a fresh operator per lap over the records
    Result<std::unique_ptr<process::PartitionOperator>> op = process::MakeFeaturesOperator(options);
    if (!op.ok() || values.empty()) {
      state.SkipWithError("cannot set up the features operator");
      return;
    }
    state.ResumeTiming();
    if (!ProcessAll(**op, records, "features", &out, &features)) {
      state.SkipWithError("Process failed or a candle was dead-lettered");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(records.size()));
  state.counters["records/lap"] = static_cast<double>(records.size());
  state.counters["features/lap"] =
      static_cast<double>(features) / static_cast<double>(state.iterations());
}

void PrintCatalog() {
  std::printf("rtml_process_bench: candles and indicators in the operators, one thread\n");
  for (const Catalog& entry : kCatalog) std::printf("  %-28s %s\n", entry.name, entry.measures);
  std::printf(
      "Trades: %zu (one pass, %.1f s of event time), bars: %zu\nIndicators:", g_trades.size(),
      static_cast<double>(g_trades.back().ts_ms - g_trades.front().ts_ms) / 1000, g_candles.size());
  for (const std::string& name : FeatureNames()) std::printf(" %s", name.c_str());
  std::printf("\n\n");
  std::fflush(stdout);
}

}  // namespace
}  // namespace rtml::bench

int main(int argc, char** argv) {
  using namespace rtml::bench;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const std::filesystem::path data = RealDataDir();
  rtml::Result<std::vector<rtml::ingest::Trade>> trades = LoadSpotTrades(data);
  rtml::Result<std::vector<rtml::process::Candle>> candles = LoadOhlcvCandles(data);
  if (!trades.ok() || !candles.ok()) {
    std::fprintf(stderr, "rtml_process_bench: %s (set RTML_REAL_DATA to the shared/data folder)\n",
                 (trades.ok() ? candles.status() : trades.status()).ToString().c_str());
    return 1;
  }
  g_trades = std::move(trades).value();
  g_candles = std::move(candles).value();
  PrintCatalog();

  auto per_pass = [](benchmark::internal::Benchmark* b) {
    b->UseRealTime()->MinTime(kMinSeconds)->Unit(benchmark::kMillisecond);
  };
  auto per_item = [](benchmark::internal::Benchmark* b) {
    b->UseRealTime()->MinTime(kMinSeconds / 4)->Unit(benchmark::kNanosecond);
  };
  per_pass(benchmark::RegisterBenchmark(kCatalog[0].name, BM_Operators, true));
  per_pass(benchmark::RegisterBenchmark(kCatalog[1].name, BM_Operators, false));
  per_item(benchmark::RegisterBenchmark(kCatalog[2].name, BM_FeatureVector, false));
  per_item(benchmark::RegisterBenchmark(kCatalog[3].name, BM_FeatureVector, true));
  for (const std::string& name : FeatureNames()) {
    per_item(benchmark::RegisterBenchmark(("Indicator/" + name + "/Update").c_str(),
                                          BM_OneIndicator, name, false));
    per_item(benchmark::RegisterBenchmark(("Indicator/" + name + "/ReplaceLast").c_str(),
                                          BM_OneIndicator, name, true));
  }
  per_pass(benchmark::RegisterBenchmark(kCatalog[5].name, BM_ParseTradeJson));
  per_pass(benchmark::RegisterBenchmark(kCatalog[6].name, BM_CandlesOperator));
  per_pass(benchmark::RegisterBenchmark(kCatalog[7].name, BM_FeaturesOperator));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
