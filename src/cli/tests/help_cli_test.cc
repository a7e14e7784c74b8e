// --help on every command and subcommand, and the top-level dispatch.
#include <gtest/gtest.h>

#include <functional>

#include "cli_runner.h"
#include "command.h"

namespace rtml::cli {
namespace {

using testing::CliResult;
using testing::CliRunner;

// Every command path ("topics", "topics create", ...), from the registry itself,
// so a new command is covered without touching this test.
std::vector<std::pair<std::string, const Command*>> AllCommands() {
  std::vector<std::pair<std::string, const Command*>> all;
  std::function<void(const std::string&, const Command&)> visit = [&](const std::string& path,
                                                                      const Command& command) {
    all.emplace_back(path, &command);
    for (const Command& sub : command.subcommands) visit(path + " " + std::string(sub.name), sub);
  };
  for (const Command* command : RootCommands()) visit(std::string(command->name), *command);
  return all;
}

TEST(HelpCliTest, RegistryHasEveryCommand) {
  std::vector<std::string> paths;
  for (const auto& [path, command] : AllCommands()) paths.push_back(path);
  EXPECT_EQ(paths, (std::vector<std::string>{"demo",
                                             "topics",
                                             "topics list",
                                             "topics create",
                                             "topics describe",
                                             "topics delete",
                                             "produce",
                                             "consume",
                                             "ingest",
                                             "backfill",
                                             "replay",
                                             "pipeline",
                                             "pipeline run",
                                             "features",
                                             "features compute",
                                             "features list",
                                             "features describe",
                                             "features get",
                                             "features export",
                                             "features verify",
                                             "features serve",
                                             "models",
                                             "models list",
                                             "models show",
                                             "models promote",
                                             "models rollback",
                                             "models delete",
                                             "models export",
                                             "models import",
                                             "train",
                                             "predictions",
                                             "predictions stats",
                                             "predictions serve",
                                             "exchange-sim"}));
}

TEST(HelpCliTest, EveryCommandHasHelp) {
  CliRunner cli;
  for (const auto& [path, command] : AllCommands()) {
    for (const char* flag : {"--help", "-h"}) {
      SCOPED_TRACE(path + " " + flag);
      const CliResult result = cli.Run(path + " " + flag);
      EXPECT_EQ(result.exit_code, 0);
      EXPECT_EQ(result.err, "");
      EXPECT_EQ(result.out, HelpText(*command, "rtml " + path));
      EXPECT_TRUE(result.out.starts_with(std::string(command->summary) + "\n"));
      EXPECT_NE(result.out.find("\nUsage:\n  rtml " + path), std::string::npos);
      EXPECT_NE(result.out.find("\nFlags:\n"), std::string::npos);
      EXPECT_NE(result.out.find("  -h, --help"), std::string::npos);
      EXPECT_NE(result.out.find("\nExample"), std::string::npos);
      EXPECT_FALSE(command->example.empty());
    }
  }
}

TEST(HelpCliTest, HelpWinsOverOtherArguments) {
  CliRunner cli;
  const CliResult result = cli.Run("produce no-such-topic --strict --help");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, HelpText(ProduceCommand(), "rtml produce"));
}

TEST(HelpCliTest, HelpCommandIsTheSameAsTheFlag) {
  CliRunner cli;
  EXPECT_EQ(cli.Run("help topics create").out, cli.Run("topics create --help").out);
  EXPECT_EQ(cli.Run("help").out, cli.Run("--help").out);
}

TEST(HelpCliTest, RootHelpListsCommands) {
  CliRunner cli;
  const CliResult result = cli.Run("--help");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("\nCommands:\n  demo           Run the whole loop on this machine: "
                            "exchange, pipeline, models, live predictions\n"
                            "  topics         Create, list, describe and delete topics\n"
                            "  produce        Write JSON lines from stdin or a file to a topic\n"
                            "  consume        Print a topic's records as JSON lines\n"),
            std::string::npos)
      << result.out;
  EXPECT_EQ(cli.Run("-h").out, result.out);
}

TEST(HelpCliTest, NoArgumentsIsAUsageError) {
  CliRunner cli;
  const CliResult result = cli.Run("");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, cli.Run("--help").out);
}

TEST(HelpCliTest, Version) {
  CliRunner cli;
  const CliResult result = cli.Run("--version");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(result.out.starts_with("rtml ")) << result.out;
  EXPECT_TRUE(result.out.ends_with("\n"));
}

TEST(HelpCliTest, UnknownCommandsAndFlags) {
  CliRunner cli;
  CliResult result = cli.Run("frobnicate");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "rtml: unknown command 'frobnicate' (see rtml --help)\n");
  result = cli.Run("--frobnicate");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "rtml: unknown flag '--frobnicate' (see rtml --help)\n");
  result = cli.Run("topics frobnicate");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "rtml topics: unknown command 'frobnicate' (see rtml topics --help)\n");
  result = cli.Run("topics");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "rtml topics: missing command; one of: list, create, describe, delete (see rtml "
            "topics --help)\n");
  result = cli.Run("topics list --bogus");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "rtml topics list: unknown flag --bogus (see rtml topics list --help)\n");
  result = cli.Run("consume t --max");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "rtml consume: flag --max needs a value (--max N) (see rtml consume --help)\n");
  EXPECT_EQ(result.out, "");
}

}  // namespace
}  // namespace rtml::cli
