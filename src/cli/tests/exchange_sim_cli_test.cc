// `rtml exchange-sim` as a process: it prints its URLs, serves them, and stops
// cleanly on SIGTERM.
#include <signal.h>

#include <chrono>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "rtml/ingest/net/http_client.h"
#include "rtml/ingest/net/websocket_client.h"

namespace rtml::cli {
namespace {
using std::chrono::milliseconds;
using testing::CliRunner;

TEST(ExchangeSimCliTest, ServesItsUrlsUntilSigterm) {
  CliRunner cli;
  const CliRunner::Background sim =
      cli.Start("exchange-sim --seed 3 --rate 50 --history 5s --pairs BTC/USD,ETH/USD");
  const std::string out = testing::WaitForLines(sim.out_path, 5);
  std::smatch port;
  ASSERT_TRUE(std::regex_search(out, port, std::regex("ws://127\\.0\\.0\\.1:([0-9]+)/v2")))
      << out << testing::ReadFileOrEmpty(sim.err_path);
  const std::string base = "127.0.0.1:" + port[1].str();
  EXPECT_NE(out.find("http://" + base + "/0/public/Trades"), std::string::npos) << out;
  EXPECT_NE(out.find("ws://" + base + "/stream?streams="), std::string::npos) << out;
  EXPECT_NE(out.find("faults:                none"), std::string::npos) << out;

  Result<ingest::net::HttpResponse> rest = ingest::net::HttpGet(
      "http://" + base + "/0/public/Trades?pair=XBTUSD&since=0", milliseconds(5000));
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(rest->status, 200);
  EXPECT_NE(rest->body.find("{\"error\":[],\"result\":{\"XXBTZUSD\":[["), std::string::npos);

  auto kraken = ingest::net::WebSocketClient::Connect("ws://" + base + "/v2");
  ASSERT_TRUE(kraken.ok()) << kraken.status().ToString();
  Result<ingest::net::WebSocketFrame> status = (*kraken)->Read(milliseconds(5000));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_NE(status->text.find("\"channel\":\"status\""), std::string::npos);

  EXPECT_EQ(testing::StopAndWait(sim.pid, SIGTERM), 0);
  const std::string err = testing::ReadFileOrEmpty(sim.err_path);
  EXPECT_NE(err.find("exchange-sim: "), std::string::npos) << err;
  EXPECT_NE(err.find("1 opened), 1 REST requests, 0 faults"), std::string::npos) << err;
}

TEST(ExchangeSimCliTest, BadFlagsAreUsageErrors) {
  CliRunner cli;
  const testing::CliResult faults = cli.Run("exchange-sim --faults explode=1");
  EXPECT_EQ(faults.exit_code, 2);
  EXPECT_NE(faults.err.find("flag --faults: bad fault 'explode=1'"), std::string::npos)
      << faults.err;
  const testing::CliResult pairs = cli.Run("exchange-sim --pairs BTCUSD");
  EXPECT_EQ(pairs.exit_code, 2);
  EXPECT_NE(pairs.err.find("bad pair 'BTCUSD'"), std::string::npos) << pairs.err;
  EXPECT_EQ(cli.Run("exchange-sim --speed 2").exit_code, 2);
  EXPECT_EQ(cli.Run("exchange-sim stray.gz").exit_code, 2);
  const testing::CliResult missing = cli.Run("exchange-sim --replay /nonexistent.gz");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent.gz"), std::string::npos) << missing.err;
  const testing::CliResult help = cli.Run("exchange-sim --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--faults SPEC"), std::string::npos);
}

}  // namespace
}  // namespace rtml::cli
