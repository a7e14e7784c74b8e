#include "rtml/process/window.h"

#include <string>

namespace rtml::process {
namespace {

// floor(a / b) for b > 0.
int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t quotient = a / b;
  if (a % b < 0) --quotient;
  return quotient;
}

std::string Duration(int64_t ms) {
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

}  // namespace

WindowRange WindowSpec::WindowsOf(int64_t t) const {
  // Window k holds t when k * hop <= t < k * hop + size.
  return {FloorDiv(t - size_ms, hop()) + 1, FloorDiv(t, hop())};
}

Status WindowSpec::Validate() const {
  if (size_ms <= 0) {
    return Status::InvalidArgument("window size must be positive, got " + std::to_string(size_ms) +
                                   " ms");
  }
  if (size_ms > kMaxEventTimeMs) {
    return Status::InvalidArgument("window size " + std::to_string(size_ms) + " ms is too large");
  }
  if (hop_ms < 0) {
    return Status::InvalidArgument("window hop must be positive, got " + std::to_string(hop_ms) +
                                   " ms");
  }
  if (hop() > size_ms) {
    return Status::InvalidArgument("window hop " + Duration(hop()) +
                                   " is larger than the window size " + Duration(size_ms) +
                                   " (events between windows would belong to none)");
  }
  const int64_t per_event = (size_ms + hop() - 1) / hop();
  if (per_event > kMaxWindowsPerEvent) {
    return Status::InvalidArgument("window " + ToString() + " puts each event in " +
                                   std::to_string(per_event) + " windows, more than " +
                                   std::to_string(kMaxWindowsPerEvent));
  }
  return Status::Ok();
}

std::string WindowSpec::ToString() const {
  return tumbling() ? Duration(size_ms) : Duration(size_ms) + "/" + Duration(hop());
}

std::string_view LatePolicyName(LatePolicy policy) {
  return policy == LatePolicy::kDeadLetter ? "dlq" : "update";
}

std::string_view EmitModeName(EmitMode mode) {
  return mode == EmitMode::kFinal ? "final" : "current";
}

std::optional<LatePolicy> ParseLatePolicy(std::string_view name) {
  if (name == "dlq") return LatePolicy::kDeadLetter;
  if (name == "update") return LatePolicy::kUpdate;
  return std::nullopt;
}

std::optional<EmitMode> ParseEmitMode(std::string_view name) {
  if (name == "final") return EmitMode::kFinal;
  if (name == "current") return EmitMode::kCurrent;
  return std::nullopt;
}

}  // namespace rtml::process
