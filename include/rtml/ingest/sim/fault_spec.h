// FaultSpec: which faults the exchange simulator injects, parsed from the
// `--faults` flag. A plain value; any thread.
//
// Spec: comma-separated key=value, e.g.
//   drop=5s,stall-heartbeat=10s,malformed=0.01,truncated=0.01,duplicate=0.02,
//   reorder=0.01,rate-limit=0.3,server-error=0.1
// Durations take ms, s, m or h ("500ms", "5s"); probabilities are in [0, 1].
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::ingest::sim {

struct FaultSpec {
  // drop=D: every websocket connection is dropped abruptly (TCP reset, no close
  // frame) D after it opened. Trades published meanwhile are not sent to it.
  std::chrono::milliseconds drop_after{0};
  // stall-heartbeat=D: every websocket connection goes silent for D - no heartbeats
  // (Kraken), no pings (Binance), and the messages meanwhile are held, then sent
  // late - starting `stall_every` after it opened and every `stall_every` after.
  std::chrono::milliseconds stall_for{0};
  // stall-every=P (default 3 x the stall duration).
  std::chrono::milliseconds stall_every{0};
  // Per trade message sent: the probability that an extra malformed message (bad
  // JSON or an invalid field) or a truncated copy of it is sent just before it.
  // The real message still follows, so no trade is lost by these.
  double malformed = 0;
  double truncated = 0;
  // Per trade: the probability that it is sent twice, or held back and sent after
  // the next trade of the same pair.
  double duplicate = 0;
  double reorder = 0;
  // Per REST request: the probability of Kraken's rate-limit error (HTTP 200,
  // {"error":["EGeneral:Too many requests"]}), or of HTTP 503 with Retry-After: 1.
  double rate_limit = 0;
  double server_error = 0;

  bool any() const;
  // The spec in the flag's syntax, only the faults that are on ("none" if none).
  std::string ToString() const;
};

// InvalidArgument naming the offending item for an unknown key, a missing '=', a
// bad duration or a probability outside [0, 1]. "" and "none" are no faults.
Result<FaultSpec> ParseFaultSpec(std::string_view spec);

}  // namespace rtml::ingest::sim
