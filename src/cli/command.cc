#include "command.h"

#include <algorithm>
#include <cstdio>

namespace rtml::cli {
namespace {

void PrintError(std::string_view path, std::string_view message) {
  std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(path.size()), path.data(),
               static_cast<int>(message.size()), message.data());
}

std::string Indented(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out += "  ";
    out.append(text.substr(start, end - start));
    out += '\n';
    start = end + 1;
  }
  return out;
}

FlagSet FlagsOf(const Command& command) {
  FlagSet flags;
  if (command.define_flags != nullptr) command.define_flags(flags);
  return flags;
}

std::string SubcommandList(std::span<const Command> commands) {
  size_t width = 0;
  for (const Command& command : commands) width = std::max(width, command.name.size());
  std::string out;
  for (const Command& command : commands) {
    out += "  ";
    out += command.name;
    out.append(width - command.name.size() + 3, ' ');
    out += command.summary;
    out += '\n';
  }
  return out;
}

}  // namespace

std::span<const Command* const> RootCommands() {
  static const Command* const kCommands[] = {
      &DemoCommand(),       &TopicsCommand(),   &ProduceCommand(), &ConsumeCommand(),
      &IngestCommand(),     &BackfillCommand(), &ReplayCommand(),  &PipelineCommand(),
      &FeaturesCommand(),   &ModelsCommand(),   &TrainCommand(),   &PredictionsCommand(),
      &ExchangeSimCommand()};
  return kCommands;
}

std::string HelpText(const Command& command, std::string_view path) {
  std::string out(command.summary);
  out += "\n";
  if (!command.description.empty()) {
    out += "\n";
    out += command.description;
    if (!command.description.ends_with('\n')) out += '\n';
  }
  out += "\nUsage:\n";
  out += Indented(command.usage);
  if (!command.subcommands.empty()) {
    out += "\nCommands:\n";
    out += SubcommandList(command.subcommands);
  }
  out += "\nFlags:\n";
  out += FlagsOf(command).Help();
  if (!command.example.empty()) {
    out += "\nExample";
    if (command.example.find('\n') != std::string_view::npos) out += "s";
    out += ":\n";
    out += Indented(command.example);
  }
  if (!command.subcommands.empty()) {
    out += "\nRun '";
    out += path;
    out += " COMMAND --help' for more about a command.\n";
  }
  return out;
}

int RunCommand(const Command& command, std::string path, std::span<const std::string> args) {
  if (!command.subcommands.empty() && !args.empty() && !args[0].starts_with('-')) {
    for (const Command& sub : command.subcommands) {
      if (sub.name == args[0]) return RunCommand(sub, path + " " + args[0], args.subspan(1));
    }
    PrintError(path, "unknown command '" + args[0] + "' (see " + path + " --help)");
    return kExitUsage;
  }

  Result<ParsedFlags> parsed = FlagsOf(command).Parse(args);
  if (!parsed.ok()) {
    PrintError(path, parsed.status().message() + " (see " + path + " --help)");
    return kExitUsage;
  }
  if (parsed->help()) {
    const std::string help = HelpText(command, path);
    std::fwrite(help.data(), 1, help.size(), stdout);
    return kExitOk;
  }
  if (command.run == nullptr) {
    // A group given no subcommand: say what exists.
    std::string names;
    for (const Command& sub : command.subcommands) {
      if (!names.empty()) names += ", ";
      names += sub.name;
    }
    PrintError(path, "missing command; one of: " + names + " (see " + path + " --help)");
    return kExitUsage;
  }

  const Invocation invocation{path, std::move(parsed).value()};
  const ExitStatus status = command.run(invocation);
  if (!status.message().empty()) PrintError(path, status.message());
  return status.code();
}

}  // namespace rtml::cli
