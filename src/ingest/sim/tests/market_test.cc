#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "rtml/ingest/sim/synthetic_market.h"
#include "testing.h"

namespace rtml::ingest::sim {
namespace {

std::vector<SimTrade> Generate(uint64_t seed, int n, double rate = 50) {
  SyntheticMarketOptions options;
  options.seed = seed;
  options.trades_per_second = rate;
  options.start_ns = 1'723'161'253'000'000'000;
  auto market = SyntheticMarket::Create(options);
  EXPECT_TRUE(market.ok()) << market.status().ToString();
  std::vector<SimTrade> trades;
  for (int i = 0; i < n; ++i) trades.push_back((*market)->Next());
  return trades;
}

double Mean(const std::vector<double>& x) {
  double sum = 0;
  for (double v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

TEST(SyntheticMarketTest, DeterministicPerSeed) {
  EXPECT_EQ(Generate(7, 20'000), Generate(7, 20'000));
  EXPECT_NE(Generate(7, 1'000), Generate(8, 1'000));
}

TEST(SyntheticMarketTest, IdsContiguousTimesIncreasingValuesOnTheGrid) {
  SyntheticMarketOptions options;
  ASSERT_OK_AND_ASSIGN(auto market, SyntheticMarket::Create(options));
  const auto& pairs = market->pairs();
  ASSERT_EQ(pairs.size(), 3u);
  std::map<int, SimTrade> last;
  std::map<int, int> count;
  int64_t previous_ts = 0;
  int buys = 0;
  int markets = 0;
  constexpr int kTrades = 50'000;
  for (int i = 0; i < kTrades; ++i) {
    const SimTrade trade = market->Next();
    ASSERT_GE(trade.ts_ns, previous_ts);
    previous_ts = trade.ts_ns;
    ASSERT_EQ(trade.ts_ns % 1000, 0);
    const MarketPair& pair = pairs[static_cast<size_t>(trade.pair)];
    int64_t tick = 1;
    for (int d = pair.price_decimals; d < 8; ++d) tick *= 10;
    int64_t lot = 1;
    for (int d = pair.qty_decimals; d < 8; ++d) lot *= 10;
    ASSERT_GT(trade.price_e8, 0);
    ASSERT_EQ(trade.price_e8 % tick, 0);
    ASSERT_GE(trade.qty_e8, lot);
    ASSERT_EQ(trade.qty_e8 % lot, 0);
    if (auto it = last.find(trade.pair); it != last.end()) {
      ASSERT_EQ(trade.trade_id, it->second.trade_id + 1);
      ASSERT_GT(trade.ts_ns, it->second.ts_ns);
    } else {
      ASSERT_EQ(trade.trade_id, 1'000'001);
    }
    last[trade.pair] = trade;
    ++count[trade.pair];
    buys += trade.side == Side::kBuy;
    markets += trade.market_order;
  }
  // BTC trades most, by weight (5 : 3 : 2).
  EXPECT_GT(count[0], count[1]);
  EXPECT_GT(count[1], count[2]);
  EXPECT_NEAR(static_cast<double>(buys) / kTrades, 0.5, 0.05);
  EXPECT_NEAR(static_cast<double>(markets) / kTrades, 0.8, 0.02);
}

TEST(SyntheticMarketTest, LooksLikeAMarket) {
  constexpr double kRate = 100;
  const std::vector<SimTrade> trades = Generate(42, 200'000, kRate);

  // The long-run rate is the configured one.
  const double seconds = static_cast<double>(trades.back().ts_ns - trades.front().ts_ns) / 1e9;
  EXPECT_NEAR(static_cast<double>(trades.size()) / seconds, kRate, kRate * 0.25);

  // Bursty arrivals: counts per second are overdispersed (Poisson would give 1).
  std::map<int64_t, double> per_second;
  for (const SimTrade& trade : trades) per_second[trade.ts_ns / 1'000'000'000] += 1;
  std::vector<double> counts;
  for (const auto& [second, n] : per_second) counts.push_back(n);
  const double mean_count = Mean(counts);
  double var_count = 0;
  for (double n : counts) var_count += (n - mean_count) * (n - mean_count);
  var_count /= static_cast<double>(counts.size());
  EXPECT_GT(var_count / mean_count, 2.0) << "index of dispersion";

  // Per-trade log returns of BTC/USD.
  std::vector<double> returns;
  double previous = 0;
  for (const SimTrade& trade : trades) {
    if (trade.pair != 0) continue;
    const double log_price = std::log(trade.price());
    if (previous != 0) returns.push_back(log_price - previous);
    previous = log_price;
  }
  ASSERT_GT(returns.size(), 50'000u);
  const double mean = Mean(returns);
  double m2 = 0;
  double m4 = 0;
  for (double r : returns) {
    m2 += (r - mean) * (r - mean);
    m4 += std::pow(r - mean, 4);
  }
  m2 /= static_cast<double>(returns.size());
  m4 /= static_cast<double>(returns.size());
  EXPECT_GT(m4 / (m2 * m2), 4.0) << "kurtosis: heavy tails";
  EXPECT_LT(std::abs(mean), 1e-5);

  // Volatility clustering: squared returns are positively autocorrelated.
  std::vector<double> squared;
  for (double r : returns) squared.push_back(r * r);
  const double mean_sq = Mean(squared);
  double var_sq = 0;
  for (double s : squared) var_sq += (s - mean_sq) * (s - mean_sq);
  for (size_t lag : {1u, 5u, 20u}) {
    double cov = 0;
    for (size_t i = lag; i < squared.size(); ++i) {
      cov += (squared[i] - mean_sq) * (squared[i - lag] - mean_sq);
    }
    EXPECT_GT(cov / var_sq, 0.05) << "autocorrelation of squared returns at lag " << lag;
  }
  // ...while returns themselves are (nearly) uncorrelated.
  double cov1 = 0;
  for (size_t i = 1; i < returns.size(); ++i) cov1 += (returns[i] - mean) * (returns[i - 1] - mean);
  EXPECT_LT(std::abs(cov1 / (m2 * static_cast<double>(returns.size()))), 0.1);

  // Heavy-tailed sizes: the largest trade dwarfs the median.
  std::vector<double> sizes;
  for (const SimTrade& trade : trades) {
    if (trade.pair == 0) sizes.push_back(trade.qty());
  }
  std::sort(sizes.begin(), sizes.end());
  EXPECT_GT(sizes.back() / sizes[sizes.size() / 2], 100);
}

// Correlation of consecutive sums of `block` BTC/USD log returns.
double BlockReturnCorrelation(double momentum, int block) {
  SyntheticMarketOptions options;
  options.seed = 11;
  options.trades_per_second = 100;
  options.momentum = momentum;
  auto market = SyntheticMarket::Create(options);
  EXPECT_TRUE(market.ok()) << market.status().ToString();
  std::vector<double> sums;
  double previous = 0;
  double sum = 0;
  int in_block = 0;
  for (int i = 0; i < 300'000; ++i) {
    const SimTrade trade = (*market)->Next();
    if (trade.pair != 0) continue;
    const double log_price = std::log(trade.price());
    if (previous != 0) sum += log_price - previous;
    previous = log_price;
    if (++in_block == block) {
      sums.push_back(sum);
      sum = 0;
      in_block = 0;
    }
  }
  const double mean = Mean(sums);
  double cov = 0;
  double var = 0;
  for (size_t i = 1; i < sums.size(); ++i) cov += (sums[i] - mean) * (sums[i - 1] - mean);
  for (double x : sums) var += (x - mean) * (x - mean);
  return cov / var;
}

TEST(SyntheticMarketTest, MomentumMakesRecentMovesPredictTheNext) {
  // A random walk by default: one block's move says nothing of the next...
  EXPECT_LT(std::abs(BlockReturnCorrelation(0, 30)), 0.05);
  // ...with momentum it leans the same way.
  EXPECT_GT(BlockReturnCorrelation(0.3, 30), 0.15);
}

TEST(SyntheticMarketTest, StartsWhereToldToGoOn) {
  SyntheticMarketOptions options;
  options.starts["ETH/USD"] = {.price = 1234.5, .next_trade_id = 777};
  ASSERT_OK_AND_ASSIGN(auto market, SyntheticMarket::Create(options));
  const int eth = market->FindPair("ETH/USD");
  for (int i = 0; i < 1000; ++i) {
    const SimTrade trade = market->Next();
    if (trade.pair != eth) continue;
    EXPECT_EQ(trade.trade_id, 777);
    EXPECT_NEAR(trade.price(), 1234.5, 1234.5 * 0.01);
    return;
  }
  FAIL() << "no ETH/USD trade in 1000";
}

TEST(SyntheticMarketTest, RejectsBadOptions) {
  SyntheticMarketOptions options;
  options.pairs = {"BTC/USD", "btc/usd"};
  EXPECT_EQ(SyntheticMarket::Create(options).status().code(), StatusCode::kInvalidArgument);
  options.pairs = {"BTCUSD"};
  EXPECT_NE(SyntheticMarket::Create(options).status().message().find("BTCUSD"), std::string::npos);
  options.pairs = {};
  EXPECT_FALSE(SyntheticMarket::Create(options).ok());
  options.pairs = {"BTC/USD"};
  options.trades_per_second = 0;
  EXPECT_FALSE(SyntheticMarket::Create(options).ok());
  options.trades_per_second = 10;
  options.momentum = -0.1;
  EXPECT_FALSE(SyntheticMarket::Create(options).ok());
  options.momentum = 0;
  options.starts["ETH/USD"] = {.price = 100, .next_trade_id = 1};
  EXPECT_NE(SyntheticMarket::Create(options).status().message().find("ETH/USD"), std::string::npos);
  options.starts = {{"BTC/USD", {.price = 0, .next_trade_id = 1}}};
  EXPECT_FALSE(SyntheticMarket::Create(options).ok());
}

}  // namespace
}  // namespace rtml::ingest::sim
