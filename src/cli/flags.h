// Command-line flags: a FlagSet declares them, Parse() turns arguments into
// ParsedFlags.
//
// Accepted forms: `--name value`, `--name=value`, `--flag` for booleans (also
// `--flag=true|false`), a repeated flag once per value, `--` to end flags, and `-h`
// or `--help` anywhere before `--`. Everything else not starting with `-` (and a
// lone `-`) is a positional argument; flags and positionals may be mixed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"

namespace rtml::cli {

class ParsedFlags;

class FlagSet {
 public:
  enum class Kind { kBool, kValue, kRepeated };

  // Declares a flag. `name` is without dashes; `value_name` shows in help
  // ("--partitions N"); `help` is one line and should state the default.
  FlagSet& Bool(std::string_view name, std::string_view help);
  FlagSet& Value(std::string_view name, std::string_view value_name, std::string_view help);
  FlagSet& Repeated(std::string_view name, std::string_view value_name, std::string_view help);

  // InvalidArgument naming the flag for an unknown flag, a value flag without a
  // value, or a value given to a boolean flag. A value flag given twice keeps the
  // last value. Parsing stops at --help/-h (the result's help() is then true).
  Result<ParsedFlags> Parse(std::span<const std::string> args) const;

  // One line per flag, aligned, including -h/--help.
  std::string Help() const;

 private:
  struct Spec {
    std::string name;
    Kind kind;
    std::string value_name;
    std::string help;
  };
  FlagSet& Add(std::string_view name, Kind kind, std::string_view value_name,
               std::string_view help);
  const Spec* Find(std::string_view name) const;

  std::vector<Spec> specs_;
};

class ParsedFlags {
 public:
  bool help() const { return help_; }
  const std::vector<std::string>& positional() const { return positional_; }

  // OK if exactly `count` positional arguments were given, else InvalidArgument
  // saying which are missing (`names` describes them, e.g. "a topic name") or which
  // one is extra.
  Status ExpectPositional(size_t count, std::string_view names) const;

  // True if the flag was given (a boolean flag: given and not `=false`).
  bool Has(std::string_view name) const;
  // The flag's last value, or nullopt if it was not given.
  std::optional<std::string_view> Get(std::string_view name) const;
  // Every value of a repeated flag, in command-line order.
  std::vector<std::string_view> GetAll(std::string_view name) const;

  // The flag's value as an integer in [min, max], or `fallback` if not given.
  // InvalidArgument naming the flag if it is not such an integer.
  Result<int64_t> GetInt(std::string_view name, int64_t fallback, int64_t min, int64_t max) const;

 private:
  friend class FlagSet;
  struct Entry {
    std::string name;
    std::string value;  // "true"/"false" for boolean flags
  };

  bool help_ = false;
  std::vector<Entry> entries_;
  std::vector<std::string> positional_;
};

// Parses a whole decimal integer (optional leading '-'); nullopt if `text` is
// anything else or out of int64 range.
std::optional<int64_t> ParseInt64(std::string_view text);

// The non-empty items of a comma-separated flag value ("a,b,,c" -> a, b, c).
std::vector<std::string> SplitCommaList(std::string_view text);

}  // namespace rtml::cli
