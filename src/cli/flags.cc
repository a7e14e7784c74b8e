#include "flags.h"

#include <algorithm>
#include <charconv>

namespace rtml::cli {
namespace {

constexpr std::string_view kHelpName = "help";

constexpr size_t kHelpWidth = 100;

std::string Dashed(std::string_view name) { return "--" + std::string(name); }

// Appends `text` and a newline, wrapping at word boundaries so no line passes
// kHelpWidth; continuation lines start at `column`. Assumes the current line is
// already `column` characters long.
void AppendWrapped(std::string& out, std::string_view text, size_t column) {
  const size_t room = kHelpWidth > column + 20 ? kHelpWidth - column : 20;
  size_t line_length = 0;
  while (!text.empty()) {
    const size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (line_length > 0 && line_length + 1 + word.size() > room) {
      out += '\n';
      out.append(column, ' ');
      line_length = 0;
    } else if (line_length > 0) {
      out += ' ';
      ++line_length;
    }
    out += word;
    line_length += word.size();
  }
  out += '\n';
}

}  // namespace

FlagSet& FlagSet::Bool(std::string_view name, std::string_view help) {
  return Add(name, Kind::kBool, "", help);
}

FlagSet& FlagSet::Value(std::string_view name, std::string_view value_name, std::string_view help) {
  return Add(name, Kind::kValue, value_name, help);
}

FlagSet& FlagSet::Repeated(std::string_view name, std::string_view value_name,
                           std::string_view help) {
  return Add(name, Kind::kRepeated, value_name, help);
}

FlagSet& FlagSet::Add(std::string_view name, Kind kind, std::string_view value_name,
                      std::string_view help) {
  specs_.push_back(Spec{std::string(name), kind, std::string(value_name), std::string(help)});
  return *this;
}

const FlagSet::Spec* FlagSet::Find(std::string_view name) const {
  for (const Spec& spec : specs_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Result<ParsedFlags> FlagSet::Parse(std::span<const std::string> args) const {
  ParsedFlags parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--") {
      parsed.positional_.insert(parsed.positional_.end(), args.begin() + static_cast<long>(i) + 1,
                                args.end());
      break;
    }
    if (arg == "-h" || arg == "--help") {
      parsed.help_ = true;
      return parsed;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      parsed.positional_.emplace_back(arg);
      continue;
    }
    if (arg[1] != '-') return Status::InvalidArgument("unknown flag " + std::string(arg));

    const std::string_view body = arg.substr(2);
    const size_t eq = body.find('=');
    const std::string_view name = body.substr(0, eq);
    const Spec* spec = Find(name);
    if (spec == nullptr) return Status::InvalidArgument("unknown flag " + Dashed(name));

    if (spec->kind == Kind::kBool) {
      std::string value = "true";
      if (eq != std::string_view::npos) {
        value = std::string(body.substr(eq + 1));
        if (value != "true" && value != "false") {
          return Status::InvalidArgument("flag " + Dashed(name) +
                                         " is a switch; it takes no value other than "
                                         "=true or =false");
        }
      }
      parsed.entries_.push_back({spec->name, std::move(value)});
      continue;
    }

    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(body.substr(eq + 1));
    } else if (i + 1 < args.size() && !args[i + 1].starts_with("--")) {
      // A value may start with a single '-' (e.g. a negative number), not with "--".
      value = args[++i];
    } else {
      return Status::InvalidArgument("flag " + Dashed(name) + " needs a value (" + Dashed(name) +
                                     " " + spec->value_name + ")");
    }
    parsed.entries_.push_back({spec->name, std::move(value)});
  }
  return parsed;
}

std::string FlagSet::Help() const {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const Spec& spec : specs_) {
    std::string left = "      " + Dashed(spec.name);
    if (!spec.value_name.empty()) left += " " + spec.value_name;
    std::string help = spec.help;
    if (spec.kind == Kind::kRepeated) help += " (repeatable)";
    rows.emplace_back(std::move(left), std::move(help));
  }
  rows.emplace_back("  -h, --" + std::string(kHelpName), "show this help");
  size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  const size_t help_column = width + 3;
  std::string out;
  for (const auto& [left, help] : rows) {
    out += left;
    out.append(help_column - left.size(), ' ');
    AppendWrapped(out, help, help_column);
  }
  return out;
}

Status ParsedFlags::ExpectPositional(size_t count, std::string_view names) const {
  if (positional_.size() < count) return Status::InvalidArgument("expected " + std::string(names));
  if (positional_.size() > count) {
    return Status::InvalidArgument("unexpected argument '" + positional_[count] + "'");
  }
  return Status::Ok();
}

bool ParsedFlags::Has(std::string_view name) const {
  const std::optional<std::string_view> value = Get(name);
  return value.has_value() && *value != "false";
}

std::optional<std::string_view> ParsedFlags::Get(std::string_view name) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->name == name) return it->value;
  }
  return std::nullopt;
}

std::vector<std::string_view> ParsedFlags::GetAll(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const Entry& entry : entries_) {
    if (entry.name == name) values.push_back(entry.value);
  }
  return values;
}

Result<int64_t> ParsedFlags::GetInt(std::string_view name, int64_t fallback, int64_t min,
                                    int64_t max) const {
  const std::optional<std::string_view> text = Get(name);
  if (!text) return fallback;
  const std::optional<int64_t> value = ParseInt64(*text);
  if (!value || *value < min || *value > max) {
    std::string range = "an integer";
    if (min == 0 && max == INT64_MAX) {
      range = "a non-negative integer";
    } else if (min == 1 && max == INT64_MAX) {
      range = "a positive integer";
    } else if (min != INT64_MIN || max != INT64_MAX) {
      range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    }
    return Status::InvalidArgument("flag " + Dashed(name) + ": '" + std::string(*text) +
                                   "' is not " + range);
  }
  return *value;
}

std::optional<int64_t> ParseInt64(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::vector<std::string> SplitCommaList(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    if (comma != 0) items.emplace_back(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return items;
}

}  // namespace rtml::cli
