#include "crash_args.h"

#include <charconv>
#include <string_view>

namespace rtml::crash {

Result<CrashArgs> CrashArgs::Parse(int argc, char** argv,
                                   std::map<std::string, std::string> defaults) {
  CrashArgs args;
  args.values_ = std::move(defaults);
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const size_t eq = arg.find('=');
    if (!arg.starts_with("--") || eq == std::string_view::npos) {
      return Status::InvalidArgument("argument '" + std::string(arg) + "' is not --name=value");
    }
    const std::string name(arg.substr(2, eq - 2));
    auto it = args.values_.find(name);
    if (it == args.values_.end()) return Status::InvalidArgument("unknown flag --" + name);
    it->second = std::string(arg.substr(eq + 1));
  }
  for (const auto& [name, value] : args.values_) {
    if (value.empty()) return Status::InvalidArgument("missing flag --" + name);
  }
  return args;
}

Result<int64_t> CrashArgs::GetInt(const std::string& name) const {
  const std::string& text = Get(name);
  int64_t value = 0;
  const auto [ptr, err] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (err != std::errc() || ptr != text.data() + text.size()) {
    return Status::InvalidArgument("--" + name + "=" + text + " is not a whole number");
  }
  return value;
}

}  // namespace rtml::crash
