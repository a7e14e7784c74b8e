// Replay of Binance captures through the simulator to a websocket client.
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "rtml/ingest/net/websocket_client.h"
#include "rtml/ingest/sim/exchange_simulator.h"
#include "testing.h"

namespace rtml::ingest::sim {
namespace {
using std::chrono::milliseconds;

std::string TradeFrame(const std::string& symbol, int64_t id, int64_t ms) {
  std::string lower;
  for (char c : symbol) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "{\"stream\":\"" + lower +
         "@trade\",\"data\":{\"e\":\"trade\",\"E\":" + std::to_string(ms + 1) + ",\"s\":\"" +
         symbol + "\",\"t\":" + std::to_string(id) +
         ",\"p\":\"61837.63000000\",\"q\":\"0.02000000\",\"T\":" + std::to_string(ms) +
         ",\"m\":true,\"M\":true}}";
}

void WriteGz(const std::string& path, const std::vector<std::string>& lines) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  for (const std::string& line : lines) {
    const std::string text = line + "\n";
    gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
  }
  gzclose(file);
}

// Reads until `count` frames arrived or nothing came for `idle`.
std::vector<std::string> ReadFrames(net::WebSocketClient& client, size_t count,
                                    milliseconds idle = milliseconds(3000)) {
  std::vector<std::string> frames;
  while (frames.size() < count) {
    Result<net::WebSocketFrame> frame = client.Read(idle);
    if (!frame.ok()) break;
    frames.emplace_back(frame->text);
  }
  return frames;
}

TEST(ReplayTest, MergesFilesAndSendsSubscribedFramesUnchanged) {
  testing::TempDir dir;
  const int64_t t0 = 1723161253937085768;
  std::vector<std::string> a;
  std::vector<std::string> b;
  std::vector<std::string> expected;
  for (int i = 0; i < 200; ++i) {
    const int64_t ns = t0 + i * 1'000'000;
    const std::string frame = TradeFrame("BTCUSDT", 1000 + i, ns / 1'000'000);
    // Even trades in file a, odd in file b: the merge restores the order.
    (i % 2 == 0 ? a : b).push_back(std::to_string(ns) + " " + frame);
    expected.push_back(frame);
    b.push_back(std::to_string(ns + 1) +
                " {\"stream\":\"btcusdt@bookTicker\",\"data\":{\"u\":1,\"s\":\"BTCUSDT\"}}");
    a.push_back(std::to_string(ns + 2) + " " + TradeFrame("ETHUSDT", 5000 + i, ns / 1'000'000));
  }
  WriteGz(dir.str() + "/a.gz", a);
  WriteGz(dir.str() + "/b.gz", b);

  ExchangeSimulatorOptions options;
  options.replay_files = {dir.str() + "/a.gz", dir.str() + "/b.gz"};
  options.replay_speed = 0;
  ASSERT_OK_AND_ASSIGN(auto sim, ExchangeSimulator::Start(options));
  EXPECT_TRUE(sim->pairs().empty());
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(sim->stats().replay_frames, 0) << "the replay waits for a Binance client";

  ASSERT_OK_AND_ASSIGN(auto client, net::WebSocketClient::Connect(sim->BinanceStreamUrl() +
                                                                  "?streams=btcusdt@trade"));
  const std::vector<std::string> frames =
      ReadFrames(*client, expected.size() + 1, milliseconds(1000));
  EXPECT_EQ(frames, expected);
  const SimulatorStats stats = sim->stats();
  EXPECT_TRUE(stats.replay_finished);
  EXPECT_EQ(stats.replay_frames, 600);
  EXPECT_EQ(stats.replay_trade_frames, 400);
}

TEST(ReplayTest, PacedByReceiveTimeOverSpeed) {
  testing::TempDir dir;
  std::vector<std::string> lines;
  const int64_t t0 = 1723161253937085768;
  for (int i = 0; i <= 10; ++i) {
    lines.push_back(std::to_string(t0 + i * 100'000'000) + " " +
                    TradeFrame("BTCUSDT", i, (t0 + i * 100'000'000) / 1'000'000));
  }
  WriteGz(dir.str() + "/paced.gz", lines);
  ExchangeSimulatorOptions options;
  options.replay_files = {dir.str() + "/paced.gz"};
  options.replay_speed = 4;  // 1 s recorded -> 250 ms
  ASSERT_OK_AND_ASSIGN(auto sim, ExchangeSimulator::Start(options));
  ASSERT_OK_AND_ASSIGN(auto client, net::WebSocketClient::Connect(sim->BinanceStreamUrl() +
                                                                  "?streams=btcusdt@trade"));
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> frames = ReadFrames(*client, lines.size());
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(frames.size(), lines.size());
  EXPECT_GE(took, milliseconds(200));
  EXPECT_LT(took, milliseconds(1000));
}

// The real captures: every trade frame of spot BTCUSDT on 2024-08-08 and -09 arrives
// exactly once, as fast as the client reads.
TEST(ReplayTest, RealCapturesAllTradesOnce) {
  const auto data = rtml::testing::RealDataDir() / "binance";
  ASSERT_REAL_DATA(data);
  const std::string day1 = (data / "spot_btcusdt_20240808.gz").string();
  const std::string day2 = (data / "spot_btcusdt_20240809.gz").string();
  ExchangeSimulatorOptions options;
  options.replay_files = {day1, day2};
  options.replay_speed = 0;
  ASSERT_OK_AND_ASSIGN(auto sim, ExchangeSimulator::Start(options));
  ASSERT_OK_AND_ASSIGN(auto client, net::WebSocketClient::Connect(sim->BinanceStreamUrl() +
                                                                  "?streams=btcusdt@trade"));
  const std::vector<std::string> frames = ReadFrames(*client, 30'000, milliseconds(1000));
  std::set<std::string> ids;
  for (const std::string& frame : frames) {
    const size_t at = frame.find("\"t\":");
    ASSERT_NE(at, std::string::npos) << frame;
    ids.insert(frame.substr(at + 4, frame.find(',', at) - at - 4));
  }
  EXPECT_EQ(frames.size(), 19'904u);
  EXPECT_EQ(ids.size(), 19'904u);
  EXPECT_TRUE(sim->stats().replay_finished);
  EXPECT_EQ(sim->stats().replay_trade_frames, 19'904);
}

}  // namespace
}  // namespace rtml::ingest::sim
