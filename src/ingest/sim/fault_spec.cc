#include "rtml/ingest/sim/fault_spec.h"

#include <charconv>
#include <cstdlib>

namespace rtml::ingest::sim {
namespace {

Status Bad(std::string_view item, std::string_view problem) {
  return Status::InvalidArgument("bad fault '" + std::string(item) + "': " + std::string(problem));
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view item, std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (digits == 0 || ec != std::errc() || end != text.data() + digits) {
    return Bad(item, "expected a duration like 500ms, 5s, 2m");
  }
  const std::string_view unit = text.substr(digits);
  int64_t scale = 0;
  if (unit == "ms") {
    scale = 1;
  } else if (unit == "s") {
    scale = 1000;
  } else if (unit == "m") {
    scale = 60'000;
  } else if (unit == "h") {
    scale = 3'600'000;
  } else {
    return Bad(item, "expected a duration with a unit ms, s, m or h");
  }
  if (value <= 0) return Bad(item, "the duration must be positive");
  return std::chrono::milliseconds(value * scale);
}

Result<double> ParseProbability(std::string_view item, std::string_view text) {
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || !(value >= 0 && value <= 1)) {
    return Bad(item, "expected a probability in [0, 1]");
  }
  return value;
}

std::string FormatMs(std::chrono::milliseconds d) {
  const int64_t ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string FormatProbability(double p) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), p);
  return std::string(buffer, ec == std::errc() ? end : buffer);
}

}  // namespace

bool FaultSpec::any() const {
  return drop_after.count() > 0 || stall_for.count() > 0 || malformed > 0 || truncated > 0 ||
         duplicate > 0 || reorder > 0 || rate_limit > 0 || server_error > 0;
}

std::string FaultSpec::ToString() const {
  std::string out;
  const auto add = [&out](std::string_view key, const std::string& value) {
    if (!out.empty()) out += ',';
    out.append(key);
    out += '=';
    out += value;
  };
  if (drop_after.count() > 0) add("drop", FormatMs(drop_after));
  if (stall_for.count() > 0) {
    add("stall-heartbeat", FormatMs(stall_for));
    add("stall-every", FormatMs(stall_every));
  }
  if (malformed > 0) add("malformed", FormatProbability(malformed));
  if (truncated > 0) add("truncated", FormatProbability(truncated));
  if (duplicate > 0) add("duplicate", FormatProbability(duplicate));
  if (reorder > 0) add("reorder", FormatProbability(reorder));
  if (rate_limit > 0) add("rate-limit", FormatProbability(rate_limit));
  if (server_error > 0) add("server-error", FormatProbability(server_error));
  return out.empty() ? "none" : out;
}

Result<FaultSpec> ParseFaultSpec(std::string_view spec) {
  FaultSpec faults;
  if (spec.empty() || spec == "none") return faults;
  bool every_given = false;
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) return Bad(item, "expected key=value");
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (key == "drop") {
      RTML_ASSIGN_OR_RETURN(faults.drop_after, ParseDuration(item, value));
    } else if (key == "stall-heartbeat") {
      RTML_ASSIGN_OR_RETURN(faults.stall_for, ParseDuration(item, value));
    } else if (key == "stall-every") {
      RTML_ASSIGN_OR_RETURN(faults.stall_every, ParseDuration(item, value));
      every_given = true;
    } else if (key == "malformed") {
      RTML_ASSIGN_OR_RETURN(faults.malformed, ParseProbability(item, value));
    } else if (key == "truncated") {
      RTML_ASSIGN_OR_RETURN(faults.truncated, ParseProbability(item, value));
    } else if (key == "duplicate") {
      RTML_ASSIGN_OR_RETURN(faults.duplicate, ParseProbability(item, value));
    } else if (key == "reorder") {
      RTML_ASSIGN_OR_RETURN(faults.reorder, ParseProbability(item, value));
    } else if (key == "rate-limit") {
      RTML_ASSIGN_OR_RETURN(faults.rate_limit, ParseProbability(item, value));
    } else if (key == "server-error") {
      RTML_ASSIGN_OR_RETURN(faults.server_error, ParseProbability(item, value));
    } else {
      return Bad(item,
                 "unknown fault (drop, stall-heartbeat, stall-every, malformed, truncated, "
                 "duplicate, reorder, rate-limit, server-error)");
    }
  }
  if (faults.stall_for.count() > 0 && !every_given) faults.stall_every = 3 * faults.stall_for;
  if (every_given && faults.stall_for.count() == 0) {
    return Status::InvalidArgument("bad faults: stall-every needs stall-heartbeat");
  }
  if (faults.stall_for.count() > 0 && faults.stall_every <= faults.stall_for) {
    return Status::InvalidArgument("bad faults: stall-every must be longer than stall-heartbeat");
  }
  return faults;
}

}  // namespace rtml::ingest::sim
