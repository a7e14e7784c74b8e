#include "rtml/ingest/trade_validator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <unordered_map>

namespace rtml::ingest {

struct TradeValidator::PairState {
  int64_t floor = 0;            // every id <= floor counts as seen
  int64_t high = 0;             // highest id accepted
  std::deque<int64_t> pending;  // ids > floor that arrived, ascending
  bool count_gaps = false;
};

struct TradeValidator::Impl {
  std::unordered_map<std::string, PairState> states;  // key: exchange '\0' pair
  std::string key;                                    // scratch for lookups
  // The last pair looked up: consecutive trades are usually of the same pair.
  PairState* last = nullptr;
  std::string last_exchange;
  std::string last_pair;
};

namespace {

Status Invalid(std::string message) { return Status::InvalidArgument(std::move(message)); }

std::string Number(double value) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, end);
}

}  // namespace

TradeValidator::TradeValidator(TradeValidatorOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

TradeValidator::~TradeValidator() = default;

Status TradeValidator::CheckFields(const Trade& trade) const {
  if (trade.exchange.empty()) return Invalid("exchange is empty");
  if (trade.pair.empty()) return Invalid("pair is empty");
  if (trade.exchange.size() > options_.max_name_bytes) {
    return Invalid("exchange is longer than " + std::to_string(options_.max_name_bytes) + " bytes");
  }
  if (trade.pair.size() > options_.max_name_bytes) {
    return Invalid("pair is longer than " + std::to_string(options_.max_name_bytes) + " bytes");
  }
  if (trade.trade_id < 0) return Invalid("trade_id " + std::to_string(trade.trade_id) + " < 0");
  if (!std::isfinite(trade.price) || trade.price <= 0) {
    return Invalid("price " + Number(trade.price) + " is not a positive number");
  }
  if (!std::isfinite(trade.qty) || trade.qty <= 0) {
    return Invalid("qty " + Number(trade.qty) + " is not a positive number");
  }
  if (trade.side != Side::kBuy && trade.side != Side::kSell) return Invalid("side is unknown");
  if (trade.received_ns <= 0) return Invalid("received_ns is not set");
  if (trade.ts_ms < 0) return Invalid("ts_ms " + std::to_string(trade.ts_ms) + " < 0");
  const int64_t received_ms = trade.received_ns / 1'000'000;
  if (received_ms - trade.ts_ms > options_.max_age_ms) {
    return Invalid("ts_ms " + std::to_string(trade.ts_ms) + " is " +
                   std::to_string(received_ms - trade.ts_ms) +
                   " ms before the receive time (at most " + std::to_string(options_.max_age_ms) +
                   " allowed)");
  }
  if (trade.ts_ms - received_ms > options_.max_lead_ms) {
    return Invalid("ts_ms " + std::to_string(trade.ts_ms) + " is " +
                   std::to_string(trade.ts_ms - received_ms) +
                   " ms after the receive time (at most " + std::to_string(options_.max_lead_ms) +
                   " allowed)");
  }
  return Status::Ok();
}

Result<TradeValidator::PairState*> TradeValidator::StateFor(const Trade& trade) {
  Impl& impl = *impl_;
  if (impl.last != nullptr && impl.last_pair == trade.pair &&
      impl.last_exchange == trade.exchange) {
    return impl.last;
  }
  impl.key.assign(trade.exchange);
  impl.key += '\0';
  impl.key += trade.pair;
  auto it = impl.states.find(impl.key);
  if (it == impl.states.end()) {
    if (impl.states.size() >= options_.max_pairs) {
      return Invalid("more than " + std::to_string(options_.max_pairs) +
                     " distinct (exchange, pair) seen; not tracking '" + trade.pair + "'");
    }
    it = impl.states.emplace(impl.key, PairState{}).first;
    PairState& state = it->second;
    state.floor = state.high = trade.trade_id - 1;  // the first id is new, older ones are not
    state.count_gaps =
        std::find(options_.contiguous_id_exchanges.begin(), options_.contiguous_id_exchanges.end(),
                  trade.exchange) != options_.contiguous_id_exchanges.end();
  }
  impl.last = &it->second;
  impl.last_exchange.assign(trade.exchange);
  impl.last_pair.assign(trade.pair);
  return impl.last;
}

void TradeValidator::SeenThrough(std::string_view exchange, std::string_view pair,
                                 int64_t trade_id) {
  Impl& impl = *impl_;
  std::string key(exchange);
  key += '\0';
  key += pair;
  const auto [it, added] = impl.states.try_emplace(std::move(key));
  PairState& state = it->second;
  if (added) {
    state.count_gaps =
        std::find(options_.contiguous_id_exchanges.begin(), options_.contiguous_id_exchanges.end(),
                  exchange) != options_.contiguous_id_exchanges.end();
  }
  if (trade_id <= state.floor) return;
  state.floor = trade_id;
  state.high = std::max(state.high, trade_id);
  while (!state.pending.empty() && state.pending.front() <= trade_id) state.pending.pop_front();
}

Result<TradeValidator::Verdict> TradeValidator::Check(const Trade& trade) {
  if (Status status = CheckFields(trade); !status.ok()) {
    ++counters_.rejected;
    return status;
  }
  Result<PairState*> found = StateFor(trade);
  if (!found.ok()) {
    ++counters_.rejected;
    return found.status();
  }
  PairState& state = **found;
  const int64_t id = trade.trade_id;
  if (id <= state.floor) {
    ++counters_.duplicates;
    return Verdict::kDuplicate;
  }
  if (id == state.floor + 1 && state.pending.empty()) {  // the common case: next in order
    state.floor = state.high = id;
    ++counters_.accepted;
    return Verdict::kAccept;
  }
  std::deque<int64_t>& pending = state.pending;
  auto at = std::lower_bound(pending.begin(), pending.end(), id);
  if (at != pending.end() && *at == id) {
    ++counters_.duplicates;
    return Verdict::kDuplicate;
  }
  if (id > state.high) {
    if (state.count_gaps) counters_.gaps += id - state.high - 1;
    state.high = id;
  } else {
    // It fills a hole that was counted when a later id arrived.
    ++counters_.out_of_order;
    if (state.count_gaps) --counters_.gaps;
  }
  pending.insert(at, id);
  for (;;) {
    while (!pending.empty() && pending.front() == state.floor + 1) {
      ++state.floor;
      pending.pop_front();
    }
    if (pending.size() <= options_.max_pending_ids) break;
    // Over the bound: give up on the ids below the oldest one remembered.
    state.floor = pending.front();
    pending.pop_front();
  }
  ++counters_.accepted;
  return Verdict::kAccept;
}

size_t TradeValidator::tracked_pairs() const { return impl_->states.size(); }

size_t TradeValidator::pending_ids() const {
  size_t total = 0;
  for (const auto& [key, state] : impl_->states) total += state.pending.size();
  return total;
}

}  // namespace rtml::ingest
