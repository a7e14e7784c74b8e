// rtml: the command-line entry point. Dispatches to the commands of command.h.
#include <algorithm>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "command.h"

#ifndef RTML_VERSION
#define RTML_VERSION "0.0.0"
#endif

namespace {

using rtml::cli::Command;

std::string RootHelp() {
  std::string out =
      "rtml: a real-time ML platform for data streams.\n"
      "\n"
      "Usage:\n"
      "  rtml COMMAND [flags]\n"
      "\n"
      "Commands:\n";
  size_t width = 0;
  for (const Command* command : rtml::cli::RootCommands()) {
    width = std::max(width, command->name.size());
  }
  for (const Command* command : rtml::cli::RootCommands()) {
    out += "  ";
    out += command->name;
    out.append(width - command->name.size() + 3, ' ');
    out += command->summary;
    out += '\n';
  }
  out +=
      "\n"
      "Flags:\n"
      "  -h, --help      show this help\n"
      "      --version   print the version\n"
      "\n"
      "Commands that use a broker take --broker URI (file://DIR or kafka://HOST:PORT);\n"
      "without it they use $RTML_BROKER, else file://rtml-data.\n"
      "\n"
      "Run 'rtml COMMAND --help' for more about a command.\n";
  return out;
}

// Runs the top-level command named args[0]; usage error if there is none.
int Dispatch(std::span<const std::string> args) {
  for (const Command* command : rtml::cli::RootCommands()) {
    if (command->name == args[0]) {
      return rtml::cli::RunCommand(*command, "rtml " + args[0], args.subspan(1));
    }
  }
  const char* what = args[0].starts_with('-') ? "flag" : "command";
  std::fprintf(stderr, "rtml: unknown %s '%s' (see rtml --help)\n", what, args[0].c_str());
  return rtml::cli::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(RootHelp().c_str(), stderr);
    return rtml::cli::kExitUsage;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::printf("rtml %s\n", RTML_VERSION);
    return rtml::cli::kExitOk;
  }
  if (args[0] == "help" && args.size() > 1) {
    // `rtml help topics create` is `rtml topics create --help`.
    args.erase(args.begin());
    args.emplace_back("--help");
    return Dispatch(args);
  }
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(RootHelp().c_str(), stdout);
    return rtml::cli::kExitOk;
  }
  return Dispatch(args);
}
