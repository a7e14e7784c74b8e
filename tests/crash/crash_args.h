// Flags of the crash helper binaries: "--name=value" only, every name declared.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "rtml/core/result.h"

namespace rtml::crash {

class CrashArgs {
 public:
  // `defaults` declares every accepted flag; an empty default makes it required.
  // InvalidArgument names an unknown flag, a missing one, or a malformed argument.
  static Result<CrashArgs> Parse(int argc, char** argv,
                                 std::map<std::string, std::string> defaults);

  const std::string& Get(const std::string& name) const { return values_.at(name); }
  // InvalidArgument if the flag's value is not a whole number.
  Result<int64_t> GetInt(const std::string& name) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace rtml::crash
