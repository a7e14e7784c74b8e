#include "market_store.h"

#include <algorithm>

namespace rtml::cli::testing {

std::string MarketStoreConfig(const std::string& ttl) {
  return R"(name: market
stages:
  - name: candles
    kind: candles
    windows: [1s, 60s]
  - name: features
    kind: features
    features: [rsi_14, ema_21, macd_12_26_9]
  - name: store
    kind: store
    group: market
feature_groups:
  - name: market
    version: 1
    from_stage: features
    key: [pair, candle_seconds]
    event_time: window_end_ms
)" + (ttl.empty() ? std::string() : "    ttl: " + ttl + "\n");
}

std::string StoreDump(const CliRunner& cli, const std::string& store_flags) {
  const CliResult exported = cli.Run("features export market --format jsonl" + store_flags);
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  const CliResult verified = cli.Run("features verify market" + store_flags);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  return exported.out + verified.out;
}

::testing::AssertionResult SameDump(const std::string& got, const std::string& expected) {
  if (got == expected) return ::testing::AssertionSuccess();
  size_t at = 0;
  while (at < got.size() && at < expected.size() && got[at] == expected[at]) ++at;
  const size_t line = static_cast<size_t>(std::count(got.begin(), got.begin() + at, '\n')) + 1;
  const size_t from = got.rfind('\n', at) == std::string::npos ? 0 : got.rfind('\n', at) + 1;
  const size_t expected_from = from;
  return ::testing::AssertionFailure()
         << "dumps differ at line " << line << " (" << std::count(got.begin(), got.end(), '\n')
         << " lines vs " << std::count(expected.begin(), expected.end(), '\n')
         << ")\n  got:      " << got.substr(from, got.find('\n', at) - from) << "\n  expected: "
         << expected.substr(expected_from, expected.find('\n', at) - expected_from);
}

}  // namespace rtml::cli::testing
