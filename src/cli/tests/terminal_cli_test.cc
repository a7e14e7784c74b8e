// On a terminal, the long-running commands show a live status line that rewrites
// itself in place (\r and erase-line); in pipes and logs they print only the summary.
// `script` (util-linux) gives them a pseudo-terminal; its stdin is /dev/null, as
// script keeps running while its input is open.
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "cli_runner.h"

namespace rtml::cli {
namespace {

using testing::CliRunner;

class TerminalCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = cli_.Start("exchange-sim --pairs BTC/USD --rate 50 --history 2m");
    const std::string out = testing::WaitForLines(sim_.out_path, 3);
    std::smatch ws, rest;
    ASSERT_TRUE(std::regex_search(out, ws, std::regex(R"(ws://127\.0\.0\.1:\d+/v2)"))) << out;
    ASSERT_TRUE(
        std::regex_search(out, rest, std::regex(R"(http://127\.0\.0\.1:\d+/0/public/Trades)")));
    ws_url_ = ws[0];
    rest_url_ = rest[0];
  }
  void TearDown() override { testing::StopAndWait(sim_.pid, SIGTERM); }

  // What `rtml <args>` writes to a terminal (stdout and stderr share it), with a
  // Ctrl-C (SIGINT) after `seconds` if it still runs.
  std::string OnTerminal(const std::string& args, int seconds = 30) const {
    const std::string command = "RTML_BROKER='" + cli_.broker_uri() + "' timeout -s INT " +
                                std::to_string(seconds) + " " + rtml::testing::RtmlBinary() + " " +
                                args;
    return rtml::testing::RunCommand("script -qfec \"" + command + "\" /dev/null < /dev/null").out;
  }

  CliRunner cli_;
  CliRunner::Background sim_;
  std::string ws_url_;
  std::string rest_url_;
};

TEST_F(TerminalCliTest, IngestShowsTradesPerSecondBadFramesAndReconnects) {
  // The Ctrl-C after 3 s must stop it cleanly.
  const std::string out = OnTerminal("ingest kraken --pairs BTC/USD --url " + ws_url_, 3);
  const std::regex status(
      "\r\x1b\\[Kingest kraken: \\d+ trades/s \\| trades \\d+ \\| bad frames 0 \\| reconnects 0");
  EXPECT_GE(
      std::distance(std::sregex_iterator(out.begin(), out.end(), status), std::sregex_iterator()),
      3)
      << out;
  // The line is erased before the summary, which stays.
  EXPECT_NE(out.find("\r\x1b[Kingested "), std::string::npos) << out;
}

TEST_F(TerminalCliTest, BackfillShowsItsProgress) {
  const std::string out = OnTerminal(
      "backfill kraken --pair BTC/USD --since 110s --request-interval 700ms --url " + rest_url_);
  EXPECT_TRUE(std::regex_search(
      out, std::regex("\r\x1b\\[Kbackfill BTC/USD: \\d+% \\| \\d+ trades \\| \\d+ pages")))
      << out;
  EXPECT_NE(out.find("complete up to"), std::string::npos) << out;
}

TEST_F(TerminalCliTest, NoStatusLineInAPipe) {
  const testing::CliResult piped = cli_.Run(
      "backfill kraken --pair BTC/USD --since 110s --request-interval 700ms --url " + rest_url_);
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err.find('\r'), std::string::npos) << piped.err;
  EXPECT_NE(piped.err.find("complete up to"), std::string::npos) << piped.err;
}

}  // namespace
}  // namespace rtml::cli
