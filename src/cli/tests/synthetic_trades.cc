#include "synthetic_trades.h"

#include <cmath>
#include <random>
#include <stdexcept>

#include "rtml/ingest/trade.h"

namespace rtml::cli::testing {
namespace {

struct PairSpec {
  const char* name;
  double start_price;
};

constexpr PairSpec kPairs[kMaxSyntheticPairs] = {
    {"BTCUSD", 60'000}, {"ETHUSD", 3'000}, {"SOLUSD", 150}, {"BNBUSD", 550},
    {"BCHUSD", 350},    {"AAVEUSD", 90},   {"LTCUSD", 65},  {"LINKUSD", 11},
    {"AVAXUSD", 25},    {"MKRUSD", 2'000}, {"ETCUSD", 20},  {"COMPUSD", 45},
};

int CheckedPairs(int pairs) {
  if (pairs < 2 || pairs > kMaxSyntheticPairs) {
    throw std::invalid_argument("SyntheticTrades: pairs must be 2.." +
                                std::to_string(kMaxSyntheticPairs));
  }
  return pairs;
}

}  // namespace

std::string SyntheticTrades(int count, int pairs) {
  const auto n = static_cast<uint64_t>(CheckedPairs(pairs));
  std::mt19937_64 rng(3);
  std::string lines;
  std::vector<double> price;
  for (uint64_t p = 0; p < n; ++p) price.push_back(kPairs[p].start_price);
  int64_t ts = 1'723'161'600'000;
  for (int i = 0; i < count; ++i) {
    const auto pair = static_cast<size_t>(rng() % n);
    ts += static_cast<int64_t>(rng() % 400);
    price[pair] *= 1 + (static_cast<double>(rng() % 2001) - 1000) * 1e-6;
    ingest::Trade trade{.exchange = "sim",
                        .pair = kPairs[pair].name,
                        .trade_id = i,
                        .price = std::round(price[pair] * 100) / 100,
                        .qty = static_cast<double>(rng() % 1000 + 1) / 1000,
                        .side = rng() % 2 ? ingest::Side::kBuy : ingest::Side::kSell,
                        .ts_ms = ts,
                        .received_ns = ts * 1'000'000};
    ingest::AppendTradeJson(trade, lines);
    lines += '\n';
  }
  return lines;
}

std::vector<std::string> SyntheticPairs(int pairs) {
  std::vector<std::string> names;
  for (int p = 0; p < CheckedPairs(pairs); ++p) names.emplace_back(kPairs[p].name);
  return names;
}

}  // namespace rtml::cli::testing
