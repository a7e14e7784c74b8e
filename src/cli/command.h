// Command: one `rtml` command or command group, and the table of all of them.
//
// Each command group lives in its own file (topics.cc, produce.cc, consume.cc) and
// hands back its Command from a function declared here; RootCommands() lists them
// all, in the order `rtml --help` shows them. A Command is immutable static data.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "exit_status.h"
#include "flags.h"

namespace rtml::cli {

// What a command's run function receives.
struct Invocation {
  std::string path;  // "rtml topics create": the prefix of every error message
  ParsedFlags flags;
};

struct Command {
  std::string_view name = {};
  std::string_view summary = {};      // one line, shown in the parent's command list
  std::string_view usage = {};        // synopsis, e.g. "rtml topics create NAME [flags]"
  std::string_view description = {};  // what it does, beyond the summary; may be empty
  std::string_view example = {};      // one or more example lines
  // Declares the command's flags (--help is always added); null for none.
  void (*define_flags)(FlagSet& flags) = nullptr;
  // Runs the command; null for a group, which only dispatches to `subcommands`.
  ExitStatus (*run)(const Invocation& invocation) = nullptr;
  std::span<const Command> subcommands = {};
};

// The command groups, one per file.
const Command& TopicsCommand();
const Command& ProduceCommand();
const Command& ConsumeCommand();
const Command& IngestCommand();
const Command& BackfillCommand();
const Command& PipelineCommand();
const Command& FeaturesCommand();
const Command& ModelsCommand();
const Command& TrainCommand();
const Command& PredictionsCommand();
const Command& ReplayCommand();
const Command& ExchangeSimCommand();
const Command& DemoCommand();

// Every top-level command, in help order.
std::span<const Command* const> RootCommands();

// The full --help text of `command`, reached as `path` ("rtml topics create").
std::string HelpText(const Command& command, std::string_view path);

// Runs `command` (reached as `path`) with the arguments after its name: descends
// into subcommands, parses flags, handles --help, prints errors as one line
// "<path>: <message>" on stderr. Returns the process exit code.
int RunCommand(const Command& command, std::string path, std::span<const std::string> args);

}  // namespace rtml::cli
