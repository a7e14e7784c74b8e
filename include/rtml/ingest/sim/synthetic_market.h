// SyntheticMarket: a seeded generator of trades that look like a real crypto market,
// for the exchange simulator and tests. Deterministic: the same options give the same
// trades, bit for bit, on any platform (it uses its own random number generator and
// distributions).
//
// The model (see docs of each option for defaults):
//   - Arrivals across all pairs are a self-exciting (Hawkes) process with an
//     exponential kernel - each trade raises the rate for a moment, so trades come
//     in bursts - whose base rate also switches between calm, normal and busy
//     regimes. The long-run mean is `trades_per_second`.
//   - Each trade belongs to a pair drawn by the pairs' weights.
//   - Per pair, the log price is a random walk in trade time with GARCH(1,1)
//     variance (volatility clustering) and Student-t(5) innovations (heavy tails);
//     trade prices are that price rounded to the pair's tick.
//   - Sizes are lognormal with an occasional Pareto-tailed block trade, rounded to
//     the lot (at least one lot). The taker side leans with the price move; 80% of
//     takers are market orders.
//   - With `momentum`, each pair's returns also follow a slowly wandering drift.
//   - Trade ids are contiguous per pair, from 1,000,001 (or a given start). Timestamps have
//   microsecond
//     resolution and strictly increase per pair.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ingest/sim/market_pair.h"
#include "rtml/ingest/trade.h"

namespace rtml::ingest::sim {

// One generated trade: the simulator's ground truth, before any dialect.
struct SimTrade {
  int pair = 0;              // index into SyntheticMarket::pairs()
  int64_t trade_id = 0;      // contiguous per pair
  int64_t price_e8 = 0;      // price x 1e8 (a multiple of the pair's tick)
  int64_t qty_e8 = 0;        // quantity x 1e8 (a multiple of the pair's lot)
  Side side = Side::kBuy;    // the taker's side
  bool market_order = true;  // the taker's order type: market (true) or limit
  int64_t ts_ns = 0;         // exchange time, ns since the epoch (a whole microsecond)

  double price() const { return static_cast<double>(price_e8) / 1e8; }
  double qty() const { return static_cast<double>(qty_e8) / 1e8; }
  int64_t ts_ms() const { return ts_ns / 1'000'000; }
  friend bool operator==(const SimTrade&, const SimTrade&) = default;
};

// Where a pair's market starts instead of the pair's defaults: a market that goes on
// from trades seen before (a demo resuming from its data).
struct PairStart {
  double price = 0;           // > 0
  int64_t next_trade_id = 0;  // > 0
};

struct SyntheticMarketOptions {
  // Kraken v2 symbols of the pairs (see MakeMarketPair). Default BTC/USD, ETH/USD,
  // SOL/USD.
  std::vector<std::string> pairs = {"BTC/USD", "ETH/USD", "SOL/USD"};
  uint64_t seed = 1;
  double trades_per_second = 20;  // long-run mean over all pairs (default 20)
  int64_t start_ns = 0;           // market time at which generation starts
  // Trend in each pair's price: 0 (default) is a pure random walk, where nothing
  // predicts the next move; m > 0 adds to each return m standard deviations of a
  // slowly wandering drift (a unit-variance AR(1) in trade time, ~300 trades
  // memory), so recent moves carry a little information about the next ones.
  double momentum = 0;
  // By Kraken symbol; pairs not named start from their defaults.
  std::map<std::string, PairStart> starts;
};

class SyntheticMarket {
 public:
  // InvalidArgument for an unknown or malformed pair, no pairs, a pair given twice,
  // or a rate that is not in (0, 1e6].
  static Result<std::unique_ptr<SyntheticMarket>> Create(const SyntheticMarketOptions& options);
  ~SyntheticMarket();

  // The next trade, in time order over all pairs.
  SimTrade Next();

  const std::vector<MarketPair>& pairs() const;
  // The pair index of a name in any dialect (see MarketPair::Matches), or -1.
  int FindPair(std::string_view name) const;

 private:
  struct State;
  explicit SyntheticMarket(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace rtml::ingest::sim
