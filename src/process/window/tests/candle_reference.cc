#include "candle_reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace rtml::process::testing {

std::vector<int64_t> WindowStarts(int64_t t, int64_t size_ms, int64_t hop_ms) {
  std::vector<int64_t> starts;
  int64_t start = t - (((t % hop_ms) + hop_ms) % hop_ms);  // the latest start <= t
  for (; start + size_ms > t; start -= hop_ms) starts.push_back(start);
  std::reverse(starts.begin(), starts.end());
  return starts;
}

std::map<std::string, Candle> ReferenceCandles(const std::vector<ingest::Trade>& trades,
                                               const std::vector<WindowSpec>& specs,
                                               const TakesFn& takes) {
  std::map<WindowId, std::vector<ingest::Trade>> groups;
  for (size_t i = 0; i < trades.size(); ++i) {
    for (const WindowSpec& spec : specs) {
      const int64_t hop = spec.hop_ms == 0 ? spec.size_ms : spec.hop_ms;
      for (const int64_t start : WindowStarts(trades[i].ts_ms, spec.size_ms, hop)) {
        WindowId id{trades[i].pair, spec.size_ms, start};
        if (!takes || takes(i, id)) groups[id].push_back(trades[i]);
      }
    }
  }
  std::map<std::string, Candle> candles;
  for (auto& [id, group] : groups) {
    std::stable_sort(group.begin(), group.end(), [](const auto& a, const auto& b) {
      return a.ts_ms != b.ts_ms ? a.ts_ms < b.ts_ms : a.trade_id < b.trade_id;
    });
    Candle candle{.pair = id.pair,
                  .candle_seconds = id.size_ms / 1000,
                  .window_start_ms = id.start_ms,
                  .window_end_ms = id.start_ms + id.size_ms,
                  .open = group.front().price,
                  .high = group.front().price,
                  .low = group.front().price,
                  .close = group.back().price,
                  .trade_count = static_cast<int64_t>(group.size())};
    long double volume = 0;
    long double notional = 0;
    for (const ingest::Trade& trade : group) {
      candle.high = std::max(candle.high, trade.price);
      candle.low = std::min(candle.low, trade.price);
      volume += trade.qty;
      notional += static_cast<long double>(trade.price) * trade.qty;
    }
    candle.volume = static_cast<double>(volume);
    candle.vwap = static_cast<double>(notional / volume);
    candles[CandleKey(candle)] = candle;
  }
  return candles;
}

void AddGapCandles(const std::vector<WindowSpec>& specs, std::map<std::string, Candle>* candles) {
  std::map<std::pair<std::string, int64_t>, std::map<int64_t, Candle>> series;
  for (const auto& [key, candle] : *candles) {
    series[{candle.pair, candle.candle_seconds}][candle.window_start_ms] = candle;
  }
  for (const auto& [id, by_start] : series) {
    int64_t hop = 0;
    for (const WindowSpec& spec : specs) {
      if (spec.size_ms == id.second * 1000) hop = spec.hop_ms == 0 ? spec.size_ms : spec.hop_ms;
    }
    for (auto it = by_start.begin(); std::next(it) != by_start.end(); ++it) {
      const Candle& before = it->second;
      for (int64_t start = it->first + hop; start < std::next(it)->first; start += hop) {
        const double price = before.close;
        Candle flat{before.pair,
                    before.candle_seconds,
                    start,
                    start + id.second * 1000,
                    price,
                    price,
                    price,
                    price,
                    0,
                    price,
                    0};
        (*candles)[CandleKey(flat)] = flat;
      }
    }
  }
}

void ExpectSameCandle(const Candle& actual, const Candle& expected) {
  const std::string key = CandleKey(expected);
  EXPECT_EQ(actual.pair, expected.pair) << key;
  EXPECT_EQ(actual.candle_seconds, expected.candle_seconds) << key;
  EXPECT_EQ(actual.window_start_ms, expected.window_start_ms) << key;
  EXPECT_EQ(actual.window_end_ms, expected.window_end_ms) << key;
  EXPECT_EQ(actual.open, expected.open) << key;
  EXPECT_EQ(actual.high, expected.high) << key;
  EXPECT_EQ(actual.low, expected.low) << key;
  EXPECT_EQ(actual.close, expected.close) << key;
  EXPECT_NEAR(actual.volume, expected.volume, 1e-12 * std::abs(expected.volume)) << key;
  EXPECT_NEAR(actual.vwap, expected.vwap, 1e-12 * std::abs(expected.vwap)) << key;
  EXPECT_EQ(actual.trade_count, expected.trade_count) << key;
}

std::map<std::string, Candle> LastPerKey(const std::vector<CandleUpdate>& updates) {
  std::map<std::string, Candle> last;
  for (const CandleUpdate& update : updates) last[CandleKey(update.candle)] = update.candle;
  return last;
}

std::vector<Event> RandomEvents(uint64_t seed, int count, int pairs) {
  std::mt19937_64 random(seed);
  auto uniform = [&random](int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random);
  };
  std::vector<double> prices(pairs, 100.0);
  std::vector<Event> events;
  int64_t now = 1'723'161'000'000 + uniform(0, 999);
  int64_t next_id = 1;
  for (int i = 0; i < count; ++i) {
    now += uniform(0, 400);
    if (uniform(0, 99) == 0) {  // an idle flush, a little ahead of the newest trade
      events.push_back({.is_advance = true, .advance_ms = now + uniform(0, 3000)});
      continue;
    }
    const int pair = static_cast<int>(uniform(0, pairs - 1));
    // Pair 1 goes quiet for 25 s of every minute, so some windows stay empty.
    if (pair == 1 && (now / 1000) % 60 < 25) continue;
    int64_t ts = now;
    const int64_t kind = uniform(0, 99);
    if (kind < 25) {
      ts -= uniform(0, 3'000);  // out of order
    } else if (kind < 30) {
      ts -= uniform(0, 120'000);  // very late
    }
    ts -= ts % 10;  // ties in ts_ms are common
    prices[pair] = std::max(1.0, prices[pair] + 0.01 * static_cast<double>(uniform(-50, 50)));
    ingest::Trade trade{.exchange = "test",
                        .pair = "P" + std::to_string(pair),
                        .trade_id = next_id++,
                        .price = std::round(prices[pair] * 100) / 100,
                        .qty = static_cast<double>(uniform(1, 20000)) / 10000,
                        .side = uniform(0, 1) ? ingest::Side::kBuy : ingest::Side::kSell,
                        .ts_ms = ts,
                        .received_ns = now * 1'000'000};
    events.push_back({.trade = std::move(trade)});
  }
  return events;
}

std::vector<ingest::Trade> TradesOf(const std::vector<Event>& events) {
  std::vector<ingest::Trade> trades;
  for (const Event& event : events) {
    if (!event.is_advance) trades.push_back(event.trade);
  }
  return trades;
}

void Feed(CandleAggregator& aggregator, const std::vector<Event>& events, size_t first, size_t last,
          bool flush, Outputs* outputs) {
  for (size_t i = first; i < last; ++i) {
    if (events[i].is_advance) {
      aggregator.AdvanceWatermark(events[i].advance_ms, &outputs->updates);
    } else {
      const Status status = aggregator.Add(events[i].trade, &outputs->updates, &outputs->late);
      ASSERT_TRUE(status.ok()) << status.ToString();
    }
  }
  if (flush) aggregator.Flush(&outputs->updates);
}

void ExpectCandlesEqual(const std::map<std::string, Candle>& actual,
                        const std::map<std::string, Candle>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [key, candle] : expected) {
    const auto it = actual.find(key);
    ASSERT_NE(it, actual.end()) << "no candle " << key;
    ExpectSameCandle(it->second, candle);
  }
}

void ExpectRejectionsMatch(const Outputs& outputs, const Model& model,
                           const CandleAggregatorOptions& options) {
  std::set<TradeWindow> rejected;
  for (const LateRecord& late : outputs.late) {
    ASSERT_FALSE(late.windows.empty());
    const std::string prefix =
        (options.late == LatePolicy::kUpdate ? "too late: trade " : "late: trade ") +
        std::to_string(late.trade.trade_id) + " at " + std::to_string(late.trade.ts_ms) + " is ";
    EXPECT_EQ(late.reason.substr(0, prefix.size()), prefix) << late.reason;
    EXPECT_EQ(late.watermark_ms, model.watermark_at.at({late.trade.pair, late.trade.trade_id}));
    EXPECT_NE(late.reason.find("behind the " + late.trade.pair + " watermark " +
                               std::to_string(late.watermark_ms)),
              std::string::npos)
        << late.reason;
    for (const LateWindow& window : late.windows) {
      EXPECT_EQ(window.too_late, options.late == LatePolicy::kUpdate);
      EXPECT_EQ(window.window_end_ms - window.window_start_ms, window.candle_seconds * 1000);
      EXPECT_NE(late.reason.find(late.trade.pair + " " + std::to_string(window.candle_seconds) +
                                 "s candle [" + std::to_string(window.window_start_ms) + ", " +
                                 std::to_string(window.window_end_ms) + ")"),
                std::string::npos)
          << late.reason;
      EXPECT_TRUE(rejected
                      .insert({late.trade.pair, late.trade.trade_id, window.candle_seconds,
                               window.window_start_ms})
                      .second);
    }
  }
  EXPECT_EQ(rejected, model.rejected);
}

Model RunModel(const std::vector<Event>& events, const CandleAggregatorOptions& options) {
  Model model;
  std::map<std::string, int64_t> watermarks;  // the pairs seen so far
  for (const Event& event : events) {
    if (event.is_advance) {
      for (auto& [pair, watermark] : watermarks) watermark = std::max(watermark, event.advance_ms);
      continue;
    }
    const ingest::Trade& trade = event.trade;
    const auto it = watermarks.try_emplace(trade.pair, std::numeric_limits<int64_t>::min()).first;
    const int64_t watermark = it->second = std::max(it->second, trade.ts_ms);
    model.watermark_at[{trade.pair, trade.trade_id}] = watermark;
    for (const WindowSpec& spec : options.windows) {
      const int64_t hop = spec.hop_ms == 0 ? spec.size_ms : spec.hop_ms;
      for (const int64_t start : WindowStarts(trade.ts_ms, spec.size_ms, hop)) {
        const int64_t closes = start + spec.size_ms + options.grace_ms;
        if (watermark < closes) continue;
        if (options.late == LatePolicy::kUpdate &&
            watermark < closes + options.allowed_lateness_ms) {
          ++model.late_taken[trade.pair + "|" + std::to_string(spec.size_ms / 1000) + "|" +
                             std::to_string(start)];
        } else {
          model.rejected.insert({trade.pair, trade.trade_id, spec.size_ms / 1000, start});
        }
      }
    }
  }
  const std::vector<ingest::Trade> trades = TradesOf(events);
  model.candles = ReferenceCandles(trades, options.windows, [&](size_t i, const WindowId& window) {
    return !model.rejected.contains(
        {trades[i].pair, trades[i].trade_id, window.size_ms / 1000, window.start_ms});
  });
  if (options.fill_gaps) AddGapCandles(options.windows, &model.candles);
  return model;
}

}  // namespace rtml::process::testing
