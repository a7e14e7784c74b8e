// Internal: the simulator's ground truth - every synthetic trade, in generation order
// and per pair. Not thread-safe (the simulator guards it with its lock). Memory grows
// with the run (about 100 bytes a trade).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "rtml/ingest/sim/synthetic_market.h"

namespace rtml::ingest::sim {

class TradeHistory {
 public:
  explicit TradeHistory(size_t pairs) : by_pair_(pairs) {}

  void Append(const SimTrade& trade) {
    all_.push_back(trade);
    by_pair_[static_cast<size_t>(trade.pair)].push_back(trade);
  }

  const std::vector<SimTrade>& all() const { return all_; }
  const std::vector<SimTrade>& of(int pair) const { return by_pair_[static_cast<size_t>(pair)]; }

  // The last `count` trades of `pair`, oldest first.
  std::vector<SimTrade> Last(int pair, size_t count) const {
    const std::vector<SimTrade>& trades = of(pair);
    const size_t from = trades.size() > count ? trades.size() - count : 0;
    return {trades.begin() + static_cast<std::ptrdiff_t>(from), trades.end()};
  }

  // Up to `count` trades of `pair` with ts_ns > since_ns, oldest first. Per pair the
  // timestamps strictly increase, so paging by the last one returned never skips or
  // repeats a trade.
  std::vector<SimTrade> After(int pair, int64_t since_ns, size_t count) const {
    const std::vector<SimTrade>& trades = of(pair);
    auto begin =
        std::upper_bound(trades.begin(), trades.end(), since_ns,
                         [](int64_t since, const SimTrade& trade) { return since < trade.ts_ns; });
    const size_t available = static_cast<size_t>(trades.end() - begin);
    return {begin, begin + static_cast<std::ptrdiff_t>(std::min(count, available))};
  }

 private:
  std::vector<SimTrade> all_;
  std::vector<std::vector<SimTrade>> by_pair_;
};

}  // namespace rtml::ingest::sim
