// SyntheticTrades: a deterministic market of synthetic trades as JSON lines, for
// the end-to-end tests of `rtml pipeline run` (file:// and kafka://).
#pragma once

#include <string>
#include <vector>

namespace rtml::cli::testing {

// The pairs SyntheticTrades() trades: BTCUSD and ETHUSD first, then more.
inline constexpr int kMaxSyntheticPairs = 12;

// `count` trades of the first `pairs` pairs (2..kMaxSyntheticPairs) as JSON lines
// (ingest::AppendTradeJson), in time order from 2024-08-09 00:00 UTC: a random walk
// per pair with bursts, so windows differ and indicators move. The same arguments
// give the same lines.
std::string SyntheticTrades(int count, int pairs = 2);

// The names of the first `pairs` pairs, in the order above.
std::vector<std::string> SyntheticPairs(int pairs);

}  // namespace rtml::cli::testing
