// TradeValidator: the checks every trade passes at the ingestion boundary, and the
// duplicate and gap tracking by (exchange, pair, trade_id).
//
// Rules (a trade failing one is rejected with a reason naming the rule and value):
//   - exchange and pair are non-empty and at most max_name_bytes long;
//   - trade_id >= 0;
//   - price and qty are finite and > 0;
//   - side is Side::kBuy or Side::kSell;
//   - received_ns > 0, and ts_ms is at most max_age_ms older and max_lead_ms newer
//     than received_ns. The window is checked against the trade's own receive time,
//     never the wall clock, so replaying a capture from years ago passes exactly as
//     it did live.
// A valid trade is then a duplicate if its (exchange, pair, trade_id) was accepted
// before (as far as the bounded memory below can tell); duplicates are counted,
// never accepted twice.
//
// Memory per (exchange, pair) is bounded: a floor F (every id <= F counts as seen:
// with contiguous ids, the highest id up to which all have arrived) plus the ids
// above F that arrived, at most `max_pending_ids` of them. In-order contiguous ids
// keep that set empty. When it would exceed the bound (ids skipped for good, or an
// exchange whose ids are not contiguous), F moves up to the smallest remembered id,
// so an id that arrives more than max_pending_ids accepted trades late is taken for a
// duplicate. The first id seen for a pair sets F: older ids (trades from before
// this run) are duplicates too. At most max_pairs keys are tracked; trades of
// further pairs are rejected.
//
// Gaps (for exchanges listed in contiguous_id_exchanges, whose ids count up by one
// per pair: Binance, Kraken v2): when an id jumps past the highest seen, the ids
// skipped are added to `gaps`; a skipped id that arrives later (out of order)
// subtracts one. So `gaps` is the number of ids still missing.
//
// Not thread-safe: one validator per ingesting thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/ingest/trade.h"

namespace rtml::ingest {

struct TradeValidatorOptions {
  int64_t max_age_ms = 24LL * 3600 * 1000;  // ts_ms may be this much before received_ns
  int64_t max_lead_ms = 5LL * 60 * 1000;    // ... or this much after (clock skew)
  size_t max_name_bytes = 64;               // of exchange and pair
  // Ids above the floor remembered per (exchange, pair); 8 bytes each. Default:
  // 4096, i.e. 32 KiB for a pair whose ids arrive badly out of order.
  size_t max_pending_ids = 4096;
  size_t max_pairs = 100'000;  // distinct (exchange, pair) tracked
  // Exchanges (Trade::exchange) whose trade ids are contiguous per pair: gaps are
  // counted for these only.
  std::vector<std::string> contiguous_id_exchanges = {"binance", "binance-usdm", "binance-coinm",
                                                      "kraken"};
};

struct TradeCounters {
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t duplicates = 0;
  int64_t gaps = 0;          // ids still missing (see above)
  int64_t out_of_order = 0;  // accepted with an id below the highest already seen
  friend bool operator==(const TradeCounters&, const TradeCounters&) = default;
};

class TradeValidator {
 public:
  enum class Verdict {
    kAccept,     // new and valid: write it
    kDuplicate,  // valid but seen before: drop it
  };

  explicit TradeValidator(TradeValidatorOptions options = {});
  ~TradeValidator();
  TradeValidator(const TradeValidator&) = delete;
  TradeValidator& operator=(const TradeValidator&) = delete;

  // Checks `trade` and updates the counters and the seen ids. InvalidArgument with
  // the reason if it breaks a rule (then nothing is remembered about it).
  Result<Verdict> Check(const Trade& trade);

  // Every id of the pair up to `trade_id` counts as seen from now on: trades stored
  // before this run (a live feed starting where a backfill ended).
  void SeenThrough(std::string_view exchange, std::string_view pair, int64_t trade_id);
  const TradeCounters& counters() const { return counters_; }
  // Distinct (exchange, pair) tracked, and ids remembered above their floors (for
  // tests of the memory bound).
  size_t tracked_pairs() const;
  size_t pending_ids() const;

 private:
  struct PairState;
  Status CheckFields(const Trade& trade) const;
  Result<PairState*> StateFor(const Trade& trade);

  TradeValidatorOptions options_;
  TradeCounters counters_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rtml::ingest
