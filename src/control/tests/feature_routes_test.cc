// The feature store over REST, served from one FeatureStore while another (a sink,
// as in another process) writes the same embedded files.
#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "loopback_get.h"
#include "rtml/control/feature_routes.h"
#include "rtml/core/clock.h"
#include "testing.h"

namespace rtml::control {
namespace {

using namespace std::chrono_literals;
using features::FeatureGroup;
using features::FeatureRow;
using features::Value;
using features::ValueType;
using ::testing::HasSubstr;

const FeatureGroup kGroup{
    .name = "market",
    .version = 1,
    .key = {{"pair", ValueType::kString}, {"candle_seconds", ValueType::kInt64}},
    .event_time = "window_end_ms",
    .features = {{"close", ValueType::kDouble}}};

FeatureRow Row(std::string pair, int64_t time, double close) {
  return {.key = {std::move(pair), int64_t{60}}, .event_time_ms = time, .values = {close}};
}

class FeatureRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = dir_.str();
    ASSERT_OK_AND_ASSIGN(writer_, features::FeatureStore::Open(features::DefaultOfflineUri(dir),
                                                               features::DefaultOnlineUri(dir)));
    ASSERT_OK(writer_->RegisterGroup(kGroup).status());
    const int64_t now = WallClockMs();
    ASSERT_OK(writer_->Write(kGroup, {{Row("BTC/USD", now, 61000.5), Row("ETHUSD", now, 2500)}}));
    ASSERT_OK_AND_ASSIGN(reader_, features::FeatureStore::Open(features::DefaultOfflineUri(dir),
                                                               features::DefaultOnlineUri(dir)));
    AddFeatureRoutes(server_, *reader_);
    ASSERT_OK(server_.Start());
  }

  ingest::net::HttpResponse Get(const std::string& path) {
    return testing::LoopbackGet(server_, path);
  }

  rtml::testing::TempDir dir_;
  std::unique_ptr<features::FeatureStore> writer_;
  std::unique_ptr<features::FeatureStore> reader_;
  ingest::net::LoopbackServer server_;
};

TEST_F(FeatureRoutesTest, ServesTheOnlineRowOfAKey) {
  const auto response = Get("/features/market/BTC%2FUSD%7C60");
  EXPECT_EQ(response.status, 200) << response.body;
  std::string expected;
  ASSERT_OK_AND_ASSIGN(auto row, writer_->GetOnline(kGroup, Row("BTC/USD", 0, 0).key, 0));
  features::AppendRowJson(kGroup, *row, expected);
  EXPECT_EQ(response.body, expected + "\n");
  EXPECT_EQ(response.Header("Content-Type"), "application/json");
  // The key's '/' may also stay as it is: the key is the rest of the path.
  EXPECT_EQ(Get("/features/market/BTC/USD|60?version=1").body, expected + "\n");
}

TEST_F(FeatureRoutesTest, SeesRowsAnotherWriterCommits) {
  const int64_t later = WallClockMs() + 1;
  ASSERT_OK(writer_->Write(kGroup, {{Row("ETHUSD", later, 2600.25)}}));
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  std::string body;
  while (std::chrono::steady_clock::now() < deadline) {
    body = Get("/features/market/ETHUSD%7C60").body;
    if (body.find("2600.25") != std::string::npos) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_THAT(body, HasSubstr("\"close\":2600.25"));
}

TEST_F(FeatureRoutesTest, ErrorsAreJsonWithTheRightStatus) {
  auto unknown_group = Get("/features/nope/BTCUSD%7C60");
  EXPECT_EQ(unknown_group.status, 404);
  EXPECT_THAT(unknown_group.body, HasSubstr("{\"error\":\"no feature group nope"));
  auto unknown_key = Get("/features/market/XRP%7C60");
  EXPECT_EQ(unknown_key.status, 404);
  EXPECT_THAT(unknown_key.body, HasSubstr("no online row for key XRP|60"));
  auto bad_key = Get("/features/market/BTCUSD%7Csixty");
  EXPECT_EQ(bad_key.status, 400);
  EXPECT_THAT(bad_key.body, HasSubstr("is not an int64"));
  EXPECT_EQ(Get("/features/market").status, 404);
  auto list = Get("/features");
  EXPECT_EQ(list.status, 200);
  EXPECT_THAT(list.body, HasSubstr("{\"groups\":[{\"name\":\"market\",\"version\":1"));
}

}  // namespace
}  // namespace rtml::control
