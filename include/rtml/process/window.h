// WindowSpec: the event-time windows of a windowed aggregation, and the policies
// that say what happens around their closing.
//
// Assignment. Event time is ms since the Unix epoch. The windows of a spec are
// [start, start + size_ms) with start at every multiple of hop_ms since the epoch
// (negative times too: floor division), so an event at time t belongs to every window
// with start <= t < start + size_ms. Window k (its index) starts at k * hop_ms.
//   - tumbling: hop == size; each event is in exactly one window;
//   - hopping: hop < size; each event is in floor(size/hop) or ceil(size/hop)
//     windows. hop need not divide size (size 60 s, hop 25 s: windows [0, 60 s),
//     [25 s, 85 s), [50 s, 110 s), ...).
//
// Closing. A window [s, e) closes when the watermark (watermark.h) of its key
// reaches e + grace_ms: from then on its result is final, and an event for it is
// late.
// LatePolicy says what happens to late events, EmitMode when results are emitted.
//
// Value types; any thread may use its own copy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rtml/core/status.h"

namespace rtml::process {

// Event times, sizes, grace and lateness must stay within +-kMaxEventTimeMs (about
// 142,000 years) so that window arithmetic cannot overflow.
inline constexpr int64_t kMaxEventTimeMs = int64_t{1} << 52;

// The most windows one event may belong to (size / hop, rounded up).
inline constexpr int64_t kMaxWindowsPerEvent = 1000;

// The windows holding one event time: indices first..last, both included.
struct WindowRange {
  int64_t first = 0;
  int64_t last = -1;
};

struct WindowSpec {
  int64_t size_ms = 0;  // > 0
  int64_t hop_ms = 0;   // 0 < hop <= size; 0 means hop == size (tumbling)

  static WindowSpec Tumbling(int64_t size_ms) { return {size_ms, size_ms}; }
  static WindowSpec Hopping(int64_t size_ms, int64_t hop_ms) { return {size_ms, hop_ms}; }

  int64_t hop() const { return hop_ms == 0 ? size_ms : hop_ms; }
  bool tumbling() const { return hop() == size_ms; }
  int64_t StartOf(int64_t index) const { return index * hop(); }
  int64_t EndOf(int64_t index) const { return index * hop() + size_ms; }

  // REQUIRES: Validate() is OK and |t| <= kMaxEventTimeMs.
  WindowRange WindowsOf(int64_t t) const;

  // InvalidArgument for a size <= 0 or above kMaxEventTimeMs, a hop < 0 or above
  // the size, or more than kMaxWindowsPerEvent windows per event.
  Status Validate() const;

  // "60s" for a tumbling spec, "60s/15s" (size/hop) for a hopping one; ms units
  // when a value is not whole seconds ("1500ms").
  std::string ToString() const;

  friend bool operator==(const WindowSpec& a, const WindowSpec& b) {
    return a.size_ms == b.size_ms && a.hop() == b.hop();
  }
};

// What happens to an event whose window has closed.
enum class LatePolicy {
  // Rejected: the window keeps its result, and the event comes back to the caller
  // with a reason naming the window and how late it is, for a dead-letter topic.
  kDeadLetter,
  // The closed window takes it and its corrected result is emitted again, while the
  // watermark of its key is below end + grace + allowed lateness; later events are
  // rejected as kDeadLetter does ("too late").
  kUpdate,
};

// When a window's result is emitted.
enum class EmitMode {
  // Once, when the window closes (and again on each correction under kUpdate).
  kFinal,
  // On every update of the window, like Quix Streams' .current(): the newest
  // emission of a window is always its result so far, and the last one equals what
  // kFinal emits.
  kCurrent,
};

// "dlq" / "update" and "final" / "current", as pipelines spell them.
std::string_view LatePolicyName(LatePolicy policy);
std::string_view EmitModeName(EmitMode mode);
std::optional<LatePolicy> ParseLatePolicy(std::string_view name);
std::optional<EmitMode> ParseEmitMode(std::string_view name);

}  // namespace rtml::process
