#include "rtml/process/candle_aggregator.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <compare>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "candle_accumulator.h"
#include "rtml/core/state_bytes.h"
#include "rtml/process/watermark.h"

namespace rtml::process {
namespace {

// v2: a watermark per pair (v1 had one per aggregator).
constexpr std::string_view kStateTag = "rtml.candle_aggregator.v2";

struct Window {
  CandleAccumulator candle;
  bool closed = false;  // kept after closing for late updates
};

// The windows of one pair and one spec.
struct Series {
  std::map<int64_t, Window> windows;  // by index: open ones, then closed ones (kUpdate)
  // The newest closed window with trades, for fill_gaps.
  bool has_last = false;
  int64_t last_index = 0;
  double last_close = 0;
};

// A window of one pair that closes (or expires) when the pair's watermark reaches
// `at`.
struct Due {
  int64_t at = 0;
  size_t spec = 0;
  int64_t index = 0;
  auto operator<=>(const Due&) const = default;
};

// Everything of one pair: its watermark, its series (one per spec), and its windows
// by when they close or expire.
struct Pair {
  Watermark watermark;
  std::vector<Series> series;
  std::set<Due> closing;   // open windows
  std::set<Due> expiring;  // closed windows kept for late updates
};

using Pairs = std::map<std::string, Pair, std::less<>>;

// A window of some pair, in the order AdvanceWatermark/Flush close them.
struct PairDue {
  int64_t at = 0;
  std::string_view pair;
  size_t spec = 0;
  int64_t index = 0;
  auto operator<=>(const PairDue&) const = default;
};

// Every option, so that a state is only restored under the options it was made with.
std::string OptionsText(const CandleAggregatorOptions& options) {
  std::string text = "windows=";
  for (const WindowSpec& spec : options.windows) text += spec.ToString() + ",";
  text += " grace_ms=" + std::to_string(options.grace_ms);
  text += " late=" + std::string(LatePolicyName(options.late));
  text += " emit=" + std::string(EmitModeName(options.emit));
  text += " fill_gaps=" + std::to_string(options.fill_gaps);
  text += " allowed_lateness_ms=" + std::to_string(options.allowed_lateness_ms);
  return text;
}

Status CheckTrade(const ingest::Trade& trade) {
  std::string problem;
  if (trade.pair.empty()) {
    problem = "has no pair";
  } else if (!std::isfinite(trade.price) || trade.price <= 0) {
    problem = "has price " + std::to_string(trade.price) + ", not finite and > 0";
  } else if (!std::isfinite(trade.qty) || trade.qty <= 0) {
    problem = "has qty " + std::to_string(trade.qty) + ", not finite and > 0";
  } else if (std::abs(trade.ts_ms) > kMaxEventTimeMs) {
    problem = "has ts_ms " + std::to_string(trade.ts_ms) + ", out of range";
  } else {
    return Status::Ok();
  }
  return Status::InvalidArgument("candles: trade " + std::to_string(trade.trade_id) + " of '" +
                                 trade.pair + "' " + problem);
}

}  // namespace

Status CandleAggregatorOptions::Validate() const {
  if (windows.empty()) return Status::InvalidArgument("candles: no windows given");
  for (size_t i = 0; i < windows.size(); ++i) {
    const WindowSpec& spec = windows[i];
    RTML_RETURN_IF_ERROR(spec.Validate().WithContext("candles: window #" + std::to_string(i)));
    if (spec.size_ms % 1000 != 0) {
      return Status::InvalidArgument("candles: window " + spec.ToString() +
                                     " is not a whole number of seconds (candle_seconds)");
    }
    for (size_t j = 0; j < i; ++j) {
      if (windows[j].size_ms == spec.size_ms) {
        return Status::InvalidArgument("candles: windows #" + std::to_string(j) + " and #" +
                                       std::to_string(i) + " both make " +
                                       std::to_string(spec.size_ms / 1000) +
                                       "s candles, whose keys would collide");
      }
    }
  }
  if (grace_ms < 0 || grace_ms > kMaxEventTimeMs) {
    return Status::InvalidArgument("candles: grace_ms must be >= 0, got " +
                                   std::to_string(grace_ms));
  }
  if (allowed_lateness_ms < 0 || allowed_lateness_ms > kMaxEventTimeMs) {
    return Status::InvalidArgument("candles: allowed_lateness_ms must be >= 0, got " +
                                   std::to_string(allowed_lateness_ms));
  }
  return Status::Ok();
}

struct CandleAggregator::State {
  CandleAggregatorOptions options;
  std::string options_text;
  Pairs pairs;

  int64_t CloseAt(size_t spec, int64_t index) const {
    return options.windows[spec].EndOf(index) + options.grace_ms;
  }
  int64_t ExpireAt(size_t spec, int64_t index) const {
    return CloseAt(spec, index) + options.allowed_lateness_ms;
  }

  Candle MakeCandle(const std::string& pair, size_t spec, int64_t index,
                    const CandleAccumulator& candle) const {
    const WindowSpec& window = options.windows[spec];
    return candle.ToCandle(pair, window.size_ms / 1000, window.StartOf(index), window.EndOf(index));
  }

  // Flat candles at `price` for the empty windows first..last.
  void EmitFlats(const std::string& pair, size_t spec, int64_t first, int64_t last, double price,
                 bool correction, std::vector<CandleUpdate>* out) const {
    const WindowSpec& window = options.windows[spec];
    for (int64_t index = first; index <= last; ++index) {
      out->push_back({.candle = {.pair = pair,
                                 .candle_seconds = window.size_ms / 1000,
                                 .window_start_ms = window.StartOf(index),
                                 .window_end_ms = window.EndOf(index),
                                 .open = price,
                                 .high = price,
                                 .low = price,
                                 .close = price,
                                 .volume = 0,
                                 .vwap = price,
                                 .trade_count = 0},
                      .final = true,
                      .correction = correction});
    }
  }

  // Drops the kept windows of `pair` that its watermark has expired.
  static void Expire(Pair& pair) {
    while (!pair.expiring.empty() && pair.expiring.begin()->at <= pair.watermark.value()) {
      const Due due = pair.expiring.extract(pair.expiring.begin()).value();
      pair.series[due.spec].windows.erase(due.index);
    }
  }

  // Moves one pair's watermark to `t_ms`, closing its windows in order of
  // (close time, spec, start).
  void AdvancePair(const std::string& name, Pair& pair, int64_t t_ms,
                   std::vector<CandleUpdate>* out) {
    if (!pair.watermark.AdvanceTo(t_ms)) return;
    while (!pair.closing.empty() && pair.closing.begin()->at <= pair.watermark.value()) {
      Close(name, pair, pair.closing.extract(pair.closing.begin()).value(), out);
    }
    Expire(pair);
  }

  // Moves every pair's watermark to `t_ms`, closing their windows in order of
  // (close time, pair, spec, start).
  void AdvanceAll(int64_t t_ms, std::vector<CandleUpdate>* out) {
    std::vector<PairDue> due;
    for (auto& [name, pair] : pairs) {
      if (!pair.watermark.AdvanceTo(t_ms)) continue;
      for (const Due& window : pair.closing) {
        if (window.at > pair.watermark.value()) break;
        due.push_back({window.at, name, window.spec, window.index});
      }
    }
    std::sort(due.begin(), due.end());
    for (const PairDue& window : due) {
      const auto it = pairs.find(window.pair);
      Pair& pair = it->second;
      const Due key{window.at, window.spec, window.index};
      pair.closing.erase(key);
      Close(it->first, pair, key, out);
    }
    for (auto& [name, pair] : pairs) Expire(pair);
  }

  void Close(const std::string& name, Pair& pair, Due due, std::vector<CandleUpdate>* out) {
    Series& series = pair.series[due.spec];
    const auto it = series.windows.find(due.index);
    const CandleAccumulator& candle = it->second.candle;
    // Windows of one series close in index order, and late ones are created closed.
    assert(!series.has_last || series.last_index < due.index);
    if (options.fill_gaps && series.has_last) {
      EmitFlats(name, due.spec, series.last_index + 1, due.index - 1, series.last_close,
                /*correction=*/false, out);
    }
    if (options.emit == EmitMode::kFinal) {
      out->push_back({MakeCandle(name, due.spec, due.index, candle), true, false});
    }
    series.has_last = true;
    series.last_index = due.index;
    series.last_close = candle.close();
    const int64_t expire_at = due.at + options.allowed_lateness_ms;
    if (options.late == LatePolicy::kUpdate && expire_at > pair.watermark.value()) {
      it->second.closed = true;
      due.at = expire_at;
      pair.expiring.insert(due);
    } else {
      series.windows.erase(it);
    }
  }

  void AddOpen(const ingest::Trade& trade, Pair& pair, size_t spec, int64_t index,
               std::vector<CandleUpdate>* out) {
    auto [it, created] = pair.series[spec].windows.try_emplace(index);
    if (created) pair.closing.insert({CloseAt(spec, index), spec, index});
    it->second.candle.Add(trade.price, trade.qty, trade.ts_ms, trade.trade_id);
    if (options.emit == EmitMode::kCurrent) {
      out->push_back({MakeCandle(trade.pair, spec, index, it->second.candle), false, false});
    }
  }

  // kUpdate: a trade for closed window `index`, within the allowed lateness.
  void AddLate(const ingest::Trade& trade, Pair& pair, size_t spec, int64_t index,
               std::vector<CandleUpdate>* out) {
    Series& series = pair.series[spec];
    auto [it, created] = series.windows.try_emplace(index);
    if (created) {
      it->second.closed = true;
      pair.expiring.insert({ExpireAt(spec, index), spec, index});
    }
    const CandleAccumulator& candle = it->second.candle;
    const bool close_moved =
        it->second.candle.Add(trade.price, trade.qty, trade.ts_ms, trade.trade_id);
    const bool newest = !series.has_last || index >= series.last_index;
    if (options.fill_gaps && series.has_last && index > series.last_index) {
      // The empty windows before it now lie between two with trades.
      EmitFlats(trade.pair, spec, series.last_index + 1, index - 1, series.last_close,
                /*correction=*/false, out);
    }
    out->push_back({MakeCandle(trade.pair, spec, index, candle), true, true});
    if (newest) {
      series.has_last = true;
      series.last_index = index;
      series.last_close = candle.close();
    } else if (options.fill_gaps && close_moved) {
      // The gap candles up to the next window with trades follow this close. That
      // window is closed and kept: it is not older than last_index.
      const auto next = series.windows.upper_bound(index);
      assert(next != series.windows.end() && next->second.closed);
      EmitFlats(trade.pair, spec, index + 1, next->first - 1, candle.close(),
                /*correction=*/true, out);
    }
  }

  std::string LateReason(const LateRecord& late) const {
    const ingest::Trade& trade = late.trade;
    const bool too_late = late.windows.front().too_late;
    std::string reason = std::string(too_late ? "too late" : "late") + ": trade " +
                         std::to_string(trade.trade_id) + " at " + std::to_string(trade.ts_ms);
    if (late.watermark_ms == Watermark::kEnd) {
      reason += " arrived after the end of the input (Flush)";
    } else {
      reason += " is " + std::to_string(late.watermark_ms - trade.ts_ms) + " ms behind the " +
                trade.pair + " watermark " + std::to_string(late.watermark_ms);
    }
    for (size_t i = 0; i < late.windows.size(); ++i) {
      const LateWindow& window = late.windows[i];
      const int64_t close_at = window.window_end_ms + options.grace_ms;
      reason += i == 0 ? "; " : ", ";
      reason += trade.pair + " " + std::to_string(window.candle_seconds) + "s candle [" +
                std::to_string(window.window_start_ms) + ", " +
                std::to_string(window.window_end_ms) + ") closed at " + std::to_string(close_at) +
                " (end + grace " + std::to_string(options.grace_ms) + " ms)";
      if (too_late) {
        reason += " and took late trades until " +
                  std::to_string(close_at + options.allowed_lateness_ms) + " (allowed lateness " +
                  std::to_string(options.allowed_lateness_ms) + " ms)";
      }
    }
    return reason;
  }

  Status Restore(std::string_view bytes);
};

Result<CandleAggregator> CandleAggregator::Create(CandleAggregatorOptions options) {
  RTML_RETURN_IF_ERROR(options.Validate());
  auto state = std::make_unique<State>();
  state->options_text = OptionsText(options);
  state->options = std::move(options);
  return CandleAggregator(std::move(state));
}

CandleAggregator::CandleAggregator(std::unique_ptr<State> state) : state_(std::move(state)) {}
CandleAggregator::~CandleAggregator() = default;
CandleAggregator::CandleAggregator(CandleAggregator&&) noexcept = default;
CandleAggregator& CandleAggregator::operator=(CandleAggregator&&) noexcept = default;

Status CandleAggregator::Add(const ingest::Trade& trade, std::vector<CandleUpdate>* out,
                             std::vector<LateRecord>* rejected) {
  RTML_RETURN_IF_ERROR(CheckTrade(trade));
  State& state = *state_;
  const CandleAggregatorOptions& options = state.options;
  auto [it, created] = state.pairs.try_emplace(trade.pair);
  Pair& pair = it->second;
  if (created) pair.series.resize(options.windows.size());
  state.AdvancePair(it->first, pair, trade.ts_ms, out);
  LateRecord late;
  for (size_t spec = 0; spec < options.windows.size(); ++spec) {
    const WindowSpec& window = options.windows[spec];
    const WindowRange range = window.WindowsOf(trade.ts_ms);
    for (int64_t index = range.first; index <= range.last; ++index) {
      const int64_t end = window.EndOf(index);
      if (!pair.watermark.Passed(end, options.grace_ms)) {
        state.AddOpen(trade, pair, spec, index, out);
      } else if (options.late == LatePolicy::kUpdate &&
                 !pair.watermark.Passed(end, options.grace_ms + options.allowed_lateness_ms)) {
        state.AddLate(trade, pair, spec, index, out);
      } else {
        late.windows.push_back({.candle_seconds = window.size_ms / 1000,
                                .window_start_ms = window.StartOf(index),
                                .window_end_ms = window.EndOf(index),
                                .too_late = options.late == LatePolicy::kUpdate});
      }
    }
  }
  if (!late.windows.empty()) {
    late.trade = trade;
    late.watermark_ms = pair.watermark.value();
    late.reason = state.LateReason(late);
    rejected->push_back(std::move(late));
  }
  return Status::Ok();
}

void CandleAggregator::AdvanceWatermark(int64_t t_ms, std::vector<CandleUpdate>* out) {
  state_->AdvanceAll(std::min(t_ms, kMaxEventTimeMs), out);
}

void CandleAggregator::Flush(std::vector<CandleUpdate>* out) {
  state_->AdvanceAll(Watermark::kEnd, out);
}

std::string CandleAggregator::SaveState() const {
  const State& state = *state_;
  StateWriter writer(kStateTag);
  writer.PutString(state.options_text);
  writer.Put<uint64_t>(state.pairs.size());
  for (const auto& [name, pair] : state.pairs) {
    writer.PutString(name);
    writer.Put(pair.watermark.value());
    for (const Series& series : pair.series) {
      writer.Put<uint8_t>(series.has_last);
      writer.Put(series.last_index);
      writer.Put(series.last_close);
      writer.Put<uint64_t>(series.windows.size());
      for (const auto& [index, window] : series.windows) {
        writer.Put(index);
        writer.Put<uint8_t>(window.closed);
        window.candle.Save(&writer);
      }
    }
  }
  return writer.Take();
}

Status CandleAggregator::RestoreState(std::string_view bytes) { return state_->Restore(bytes); }

Status CandleAggregator::State::Restore(std::string_view bytes) {
  const auto corrupt = [](std::string_view what) {
    return Status::Corruption("candle aggregator state: " + std::string(what));
  };
  StateReader reader(bytes, kStateTag);
  std::string saved_options;
  if (!reader.GetString(&saved_options)) return corrupt("not a candle aggregator state");
  if (saved_options != options_text) {
    return Status::InvalidArgument("candle aggregator state: saved with other options (" +
                                   saved_options + "), not " + options_text);
  }
  uint64_t pair_count = 0;
  if (!reader.Get(&pair_count)) return corrupt("truncated");
  Pairs restored;
  for (uint64_t p = 0; p < pair_count; ++p) {
    std::string name;
    int64_t saved_watermark = 0;
    if (!reader.GetString(&name) || name.empty() || restored.contains(name)) {
      return corrupt("bad pair name");
    }
    // A pair's watermark is its newest trade time, an advance (at most
    // kMaxEventTimeMs) or the end of the input.
    if (!reader.Get(&saved_watermark) ||
        (saved_watermark != Watermark::kEnd &&
         (saved_watermark < -kMaxEventTimeMs || saved_watermark > kMaxEventTimeMs))) {
      return corrupt("bad watermark of " + name);
    }
    Pair& pair = restored[name];
    pair.watermark.AdvanceTo(saved_watermark);
    pair.series.resize(options.windows.size());
    for (size_t spec = 0; spec < pair.series.size(); ++spec) {
      Series& series = pair.series[spec];
      uint8_t has_last = 0;
      uint64_t window_count = 0;
      if (!reader.Get(&has_last) || !reader.Get(&series.last_index) ||
          !reader.Get(&series.last_close) || !reader.Get(&window_count) || has_last > 1) {
        return corrupt("truncated series");
      }
      series.has_last = has_last == 1;
      for (uint64_t w = 0; w < window_count; ++w) {
        int64_t index = 0;
        uint8_t closed = 0;
        Window window;
        if (!reader.Get(&index) || !reader.Get(&closed) || closed > 1 ||
            !window.candle.Restore(&reader) || index < -kMaxEventTimeMs ||
            index > kMaxEventTimeMs) {
          return corrupt("truncated window");
        }
        window.closed = closed == 1;
        // An open window must still be open at its pair's watermark, a kept one
        // closed but not expired (and kept under kUpdate only).
        const int64_t due = window.closed ? ExpireAt(spec, index) : CloseAt(spec, index);
        const bool fits =
            due > saved_watermark && (!window.closed || (options.late == LatePolicy::kUpdate &&
                                                         CloseAt(spec, index) <= saved_watermark));
        if (!fits || !series.windows.emplace(index, std::move(window)).second) {
          return corrupt("window " + std::to_string(index) + " of " + name +
                         " does not fit its watermark");
        }
        (closed == 1 ? pair.expiring : pair.closing).insert({due, spec, index});
      }
    }
  }
  if (!reader.done()) return corrupt("trailing bytes");
  pairs = std::move(restored);
  return Status::Ok();
}

const CandleAggregatorOptions& CandleAggregator::options() const { return state_->options; }

int64_t CandleAggregator::watermark_ms() const {
  if (state_->pairs.empty()) return Watermark::kNone;
  int64_t lowest = Watermark::kEnd;
  for (const auto& [name, pair] : state_->pairs) lowest = std::min(lowest, pair.watermark.value());
  return lowest;
}

int64_t CandleAggregator::watermark_ms(std::string_view pair) const {
  const auto it = state_->pairs.find(pair);
  return it == state_->pairs.end() ? Watermark::kNone : it->second.watermark.value();
}

int64_t CandleAggregator::open_windows() const {
  int64_t count = 0;
  for (const auto& [name, pair] : state_->pairs) count += static_cast<int64_t>(pair.closing.size());
  return count;
}

int64_t CandleAggregator::retained_windows() const {
  int64_t count = 0;
  for (const auto& [name, pair] : state_->pairs) {
    count += static_cast<int64_t>(pair.expiring.size());
  }
  return count;
}

}  // namespace rtml::process
