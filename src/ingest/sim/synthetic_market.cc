#include "rtml/ingest/sim/synthetic_market.h"

#include <algorithm>
#include <cmath>

#include "sim_random.h"

namespace rtml::ingest::sim {
namespace {

// Hawkes arrivals: each trade adds kExcitation to the rate, decaying at kDecay per
// second; the branching ratio kExcitation / kDecay is the share of "triggered" trades.
constexpr double kBranching = 0.6;
constexpr double kDecay = 3.0;  // 1/s: a burst lasts about a third of a second
constexpr double kExcitation = kBranching * kDecay;
// Regimes of the base rate (calm, normal, busy), averaging 1; mean stay 30 s.
constexpr double kRegimeRate[] = {0.4, 1.0, 1.6};
constexpr double kRegimeMeanSeconds = 30;
// GARCH(1,1) on per-trade log returns: persistence kArch + kGarch.
constexpr double kArch = 0.08;
constexpr double kGarch = 0.90;
constexpr double kMaxReturn = 0.05;
// Sizes: lognormal spread, and the chance and Pareto index of a block trade.
constexpr double kSizeSigma = 0.9;
constexpr double kBlockChance = 0.03;
constexpr double kBlockTailIndex = 1.5;
constexpr double kMarketOrderShare = 0.8;
constexpr int64_t kFirstTradeId = 1'000'001;
// The momentum drift's AR(1) coefficient per trade: a memory of ~300 trades.
constexpr double kTrendPersistence = 1.0 - 1.0 / 300;

int64_t Pow10(int n) {
  int64_t value = 1;
  for (int i = 0; i < n; ++i) value *= 10;
  return value;
}

}  // namespace

struct SyntheticMarket::State {
  struct Pair {
    double log_price = 0;
    double variance = 0;
    double last_return = 0;
    double trend = 0;  // the momentum drift, in standard deviations
    int64_t next_id = kFirstTradeId;
    int64_t last_ts_ns = 0;
  };

  explicit State(uint64_t seed) : rng(seed) {}

  std::vector<MarketPair> pairs;
  std::vector<Pair> state;
  std::vector<double> cumulative_weight;
  SimRandom rng;
  double rate = 0;
  double momentum = 0;
  int64_t start_ns = 0;
  double t = 0;  // seconds since start_ns
  double excitation = 0;
  int regime = 1;
  double regime_until = 0;
};

SyntheticMarket::SyntheticMarket(std::unique_ptr<State> state) : state_(std::move(state)) {}
SyntheticMarket::~SyntheticMarket() = default;

Result<std::unique_ptr<SyntheticMarket>> SyntheticMarket::Create(
    const SyntheticMarketOptions& options) {
  if (options.pairs.empty()) return Status::InvalidArgument("the market needs at least one pair");
  if (!(options.trades_per_second > 0 && options.trades_per_second <= 1e6)) {
    return Status::InvalidArgument("trades per second must be in (0, 1000000], not " +
                                   std::to_string(options.trades_per_second));
  }
  auto state = std::make_unique<State>(options.seed);
  double total_weight = 0;
  for (const std::string& name : options.pairs) {
    RTML_ASSIGN_OR_RETURN(MarketPair pair, MakeMarketPair(name));
    for (const MarketPair& other : state->pairs) {
      if (other.symbol == pair.symbol) {
        return Status::InvalidArgument("pair " + pair.symbol + " given twice");
      }
    }
    State::Pair pair_state;
    if (const auto start = options.starts.find(pair.symbol); start != options.starts.end()) {
      if (!(start->second.price > 0) || start->second.next_trade_id <= 0) {
        return Status::InvalidArgument("pair " + pair.symbol +
                                       ": a start needs a positive price and trade id");
      }
      pair.start_price = start->second.price;
      pair_state.next_id = start->second.next_trade_id;
    }
    pair_state.log_price = std::log(pair.start_price);
    pair_state.variance = pair.volatility * pair.volatility;
    total_weight += pair.weight;
    state->cumulative_weight.push_back(total_weight);
    state->state.push_back(pair_state);
    state->pairs.push_back(std::move(pair));
  }
  for (double& weight : state->cumulative_weight) weight /= total_weight;
  if (!(options.momentum >= 0 && options.momentum <= 1)) {
    return Status::InvalidArgument("momentum must be in [0, 1], not " +
                                   std::to_string(options.momentum));
  }
  for (const auto& [symbol, start] : options.starts) {
    const bool known = std::any_of(state->pairs.begin(), state->pairs.end(),
                                   [&](const MarketPair& pair) { return pair.symbol == symbol; });
    if (!known)
      return Status::InvalidArgument("a start for " + symbol + ", not a pair of the market");
  }
  state->rate = options.trades_per_second;
  state->momentum = options.momentum;
  state->start_ns = options.start_ns;
  state->regime_until = state->rng.Exponential(1.0 / kRegimeMeanSeconds);
  return std::unique_ptr<SyntheticMarket>(new SyntheticMarket(std::move(state)));
}

const std::vector<MarketPair>& SyntheticMarket::pairs() const { return state_->pairs; }

int SyntheticMarket::FindPair(std::string_view name) const {
  for (size_t i = 0; i < state_->pairs.size(); ++i) {
    if (state_->pairs[i].Matches(name)) return static_cast<int>(i);
  }
  return -1;
}

SimTrade SyntheticMarket::Next() {
  State& s = *state_;
  // The next arrival of the Hawkes process, by thinning: between arrivals the rate
  // only decays, so its current value bounds it until the next candidate.
  while (true) {
    const double base = s.rate * (1 - kBranching) * kRegimeRate[s.regime];
    const double bound = base + s.excitation;
    const double wait = s.rng.Exponential(bound);
    if (s.t + wait >= s.regime_until) {
      s.excitation *= std::exp(-kDecay * (s.regime_until - s.t));
      s.t = s.regime_until;
      s.regime = static_cast<int>((s.regime + 1 + s.rng.Below(2)) % 3);
      s.regime_until = s.t + s.rng.Exponential(1.0 / kRegimeMeanSeconds);
      continue;
    }
    s.t += wait;
    s.excitation *= std::exp(-kDecay * wait);
    if (s.rng.Uniform() * bound <= base + s.excitation) {
      s.excitation += kExcitation;
      break;
    }
  }

  const double draw = s.rng.Uniform();
  const int index = static_cast<int>(
      std::upper_bound(s.cumulative_weight.begin(), s.cumulative_weight.end() - 1, draw) -
      s.cumulative_weight.begin());
  const MarketPair& pair = s.pairs[index];
  State::Pair& p = s.state[index];

  // GARCH(1,1) variance, Student-t innovation.
  const double long_run = pair.volatility * pair.volatility;
  p.variance =
      long_run * (1 - kArch - kGarch) + kArch * p.last_return * p.last_return + kGarch * p.variance;
  const double sigma = std::sqrt(p.variance);
  double shock = s.rng.StudentT5();
  if (s.momentum > 0) {  // no extra draws without it: default markets stay as they were
    p.trend = kTrendPersistence * p.trend +
              std::sqrt(1 - kTrendPersistence * kTrendPersistence) * s.rng.Normal();
    shock += s.momentum * p.trend;
  }
  const double r = std::clamp(sigma * shock, -kMaxReturn, kMaxReturn);
  p.last_return = r;
  p.log_price += r;

  SimTrade trade;
  trade.pair = index;
  trade.trade_id = p.next_id++;
  const int64_t ticks =
      std::max<int64_t>(1, std::llround(std::exp(p.log_price) * Pow10(pair.price_decimals)));
  trade.price_e8 = ticks * Pow10(8 - pair.price_decimals);

  double size = pair.median_qty * std::exp(kSizeSigma * s.rng.Normal());
  if (s.rng.Bernoulli(kBlockChance)) {
    size *= std::min(1000.0, std::pow(s.rng.UniformPositive(), -1.0 / kBlockTailIndex));
  }
  const int64_t lots = std::max<int64_t>(1, std::llround(size * Pow10(pair.qty_decimals)));
  trade.qty_e8 = lots * Pow10(8 - pair.qty_decimals);

  // Takers lean with the move: up-moves are mostly buys.
  const double buy_chance = 0.5 + 0.3 * std::tanh(shock);
  trade.side = s.rng.Uniform() < buy_chance ? Side::kBuy : Side::kSell;
  trade.market_order = s.rng.Uniform() < kMarketOrderShare;

  int64_t ts_ns = s.start_ns + std::llround(s.t * 1e6) * 1000;
  if (ts_ns <= p.last_ts_ns) ts_ns = p.last_ts_ns + 1000;
  p.last_ts_ns = ts_ns;
  trade.ts_ns = ts_ns;
  return trade;
}

}  // namespace rtml::ingest::sim
