// Live predictions over REST on loopback: each pair's latest and recent predictions,
// every pair's latest, health, and Prometheus metrics with the live error of each
// model version next to the baseline's; unknown pairs and bad counts are JSON errors.
#include "rtml/control/prediction_routes.h"

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "loopback_get.h"
#include "testing.h"

namespace rtml::control {
namespace {

using ::testing::HasSubstr;

std::string Prediction(const std::string& pair, int64_t version, int64_t ts, double value) {
  return "{\"pair\":\"" + pair + "\",\"model\":\"m\",\"model_version\":" + std::to_string(version) +
         ",\"ts_ms\":" + std::to_string(ts) + ",\"target_ts_ms\":" + std::to_string(ts + 60) +
         ",\"prediction\":" + std::to_string(value) + ",\"latency_us\":10}";
}

class PredictionRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i) {
      ASSERT_OK(board_.AddPrediction(Prediction("BTC", 1, i, 100 + i)));
      ASSERT_OK(board_.AddPrediction(Prediction("ETH", 0, i, 10 + i)));
    }
    serve::Judged judged{.pair = "BTC",
                         .model = "m",
                         .model_version = 1,
                         .ts_ms = 0,
                         .target_ts_ms = 60,
                         .prediction = 102,
                         .reference = 100,
                         .actual = 103};
    std::string json;
    judged.AppendJson(json);
    ASSERT_OK(board_.AddJudged(json));
    EXPECT_EQ(board_.AddPrediction("{}").code(), StatusCode::kInvalidArgument);
    AddPredictionRoutes(server_, board_);
    ASSERT_OK(server_.Start());
  }

  ingest::net::HttpResponse Get(const std::string& path) {
    return testing::LoopbackGet(server_, path);
  }

  serve::PredictionBoard board_;
  ingest::net::LoopbackServer server_;
};

TEST_F(PredictionRoutesTest, APairsLatestAndRecentPredictions) {
  const auto response = Get("/predictions?pair=BTC&recent=2");
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, "{\"pair\":\"BTC\",\"latest\":" + Prediction("BTC", 1, 2, 102) +
                               ",\"recent\":[" + Prediction("BTC", 1, 2, 102) + "," +
                               Prediction("BTC", 1, 1, 101) + "]}\n");
  const auto all = Get("/predictions");
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.body, "{\"pairs\":[" + Prediction("BTC", 1, 2, 102) + "," +
                          Prediction("ETH", 0, 2, 12) + "]}\n");
}

TEST_F(PredictionRoutesTest, UnknownPairsAndBadCountsAreJsonErrors) {
  const auto unknown = Get("/predictions?pair=SOL");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.body, HasSubstr("no predictions for pair 'SOL' (there are: BTC, ETH)"));
  const auto bad = Get("/predictions?pair=BTC&recent=many");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("recent 'many' is not a count"));
}

TEST_F(PredictionRoutesTest, HealthAndPrometheusMetrics) {
  EXPECT_EQ(Get("/health").body, "{\"status\":\"ok\"}\n");
  const auto metrics = Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body, HasSubstr("rtml_predictions_total{model=\"m\",version=\"1\"} 3\n"));
  EXPECT_THAT(metrics.body, HasSubstr("rtml_predictions_total{model=\"m\",version=\"0\"} 3\n"));
  EXPECT_THAT(metrics.body,
              HasSubstr("rtml_prediction_latency_us_mean{model=\"m\",version=\"1\"} 10\n"));
  EXPECT_THAT(metrics.body, HasSubstr("rtml_live_mae{model=\"m\",version=\"1\"} 1\n"));
  EXPECT_THAT(metrics.body, HasSubstr("rtml_live_baseline_mae{model=\"m\",version=\"1\"} 3\n"));
  EXPECT_THAT(metrics.body,
              HasSubstr("rtml_live_direction_accuracy{model=\"m\",version=\"1\"} 1\n"));
  EXPECT_THAT(metrics.body, HasSubstr("# TYPE rtml_live_mae gauge\n"));
}

}  // namespace
}  // namespace rtml::control
