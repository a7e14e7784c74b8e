// Live predictions over REST on loopback: each pair's latest and recent predictions,
// every pair's latest, health, and Prometheus metrics with a histogram of scoring
// latency and the live error of each model version next to the baseline's; unknown
// pairs and bad counts are JSON errors.
#include "rtml/control/prediction_routes.h"

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "loopback_get.h"
#include "rtml/control/metrics_route.h"
#include "testing.h"

namespace rtml::control {
namespace {

using ::testing::HasSubstr;

// A prediction of model "m"; a negative latency: none in the record.
std::string Prediction(const std::string& pair, int64_t version, int64_t ts, double value,
                       int64_t latency_us = 10, const std::string& model = "m") {
  return "{\"pair\":\"" + pair + "\",\"model\":\"" + model +
         "\",\"model_version\":" + std::to_string(version) + ",\"ts_ms\":" + std::to_string(ts) +
         ",\"target_ts_ms\":" + std::to_string(ts + 60) +
         ",\"prediction\":" + std::to_string(value) +
         (latency_us < 0 ? "" : ",\"latency_us\":" + std::to_string(latency_us)) + "}";
}

// Scoring latencies (us) of the fixture's predictions: BTC by version 1, ETH by
// version 0 (the second one past every bucket, the third with none recorded).
constexpr int64_t kBtcLatencyUs[] = {1, 10, 250};
constexpr int64_t kEthLatencyUs[] = {3, 200000, -1};

class PredictionRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i) {
      ASSERT_OK(board_.AddPrediction(Prediction("BTC", 1, i, 100 + i, kBtcLatencyUs[i])));
      ASSERT_OK(board_.AddPrediction(Prediction("ETH", 0, i, 10 + i, kEthLatencyUs[i])));
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
    AddMetricsRoute(server_, {[this] { return board_.PrometheusText(); }});
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
  const std::string newest = Prediction("BTC", 1, 2, 102, kBtcLatencyUs[2]);
  EXPECT_EQ(response.body, "{\"pair\":\"BTC\",\"latest\":" + newest + ",\"recent\":[" + newest +
                               "," + Prediction("BTC", 1, 1, 101, kBtcLatencyUs[1]) + "]}\n");
  const auto all = Get("/predictions");
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.body,
            "{\"pairs\":[" + newest + "," + Prediction("ETH", 0, 2, 12, kEthLatencyUs[2]) + "]}\n");
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
  EXPECT_EQ(metrics.Header("Content-Type"), "text/plain; version=0.0.4");
  EXPECT_THAT(metrics.body, HasSubstr("rtml_predictions_total{model=\"m\",version=\"1\"} 3\n"));
  EXPECT_THAT(metrics.body, HasSubstr("rtml_predictions_total{model=\"m\",version=\"0\"} 3\n"));
  EXPECT_THAT(metrics.body, HasSubstr("rtml_live_mae{model=\"m\",version=\"1\"} 1\n"));
  EXPECT_THAT(metrics.body, HasSubstr("rtml_live_baseline_mae{model=\"m\",version=\"1\"} 3\n"));
  EXPECT_THAT(metrics.body,
              HasSubstr("rtml_live_direction_accuracy{model=\"m\",version=\"1\"} 1\n"));
  EXPECT_THAT(metrics.body, HasSubstr("# TYPE rtml_live_mae gauge\n"));
  EXPECT_EQ(metrics.body.find("latency_us_mean"), std::string::npos);
}

TEST_F(PredictionRoutesTest, ScoringLatencyIsAHistogramPerModelVersion) {
  const std::string body = Get("/metrics").body;
  EXPECT_THAT(body, HasSubstr("# TYPE rtml_prediction_latency_seconds histogram\n"));
  // 1, 10 and 250 us: cumulative counts, every bucket in order, +Inf last.
  EXPECT_THAT(
      body, HasSubstr(R"(rtml_prediction_latency_seconds_bucket{model="m",version="1",le="1e-06"} 1
rtml_prediction_latency_seconds_bucket{model="m",version="1",le="3e-06"} 1
rtml_prediction_latency_seconds_bucket{model="m",version="1",le="1e-05"} 2
rtml_prediction_latency_seconds_bucket{model="m",version="1",le="3e-05"} 2
rtml_prediction_latency_seconds_bucket{model="m",version="1",le="0.0001"} 2
rtml_prediction_latency_seconds_bucket{model="m",version="1",le="0.0003"} 3
rtml_prediction_latency_seconds_bucket{model="m",version="1",le="0.001"} 3
rtml_prediction_latency_seconds_bucket{model="m",version="1",le="0.003"} 3
rtml_prediction_latency_seconds_bucket{model="m",version="1",le="0.01"} 3
rtml_prediction_latency_seconds_bucket{model="m",version="1",le="0.03"} 3
rtml_prediction_latency_seconds_bucket{model="m",version="1",le="0.1"} 3
rtml_prediction_latency_seconds_bucket{model="m",version="1",le="+Inf"} 3
rtml_prediction_latency_seconds_sum{model="m",version="1"} 0.000261
rtml_prediction_latency_seconds_count{model="m",version="1"} 3
)"));
  // 3 us, 200 ms (past the last bound: +Inf only), and one prediction without a
  // latency: served, but not observed.
  EXPECT_THAT(body, HasSubstr(R"(le="1e-06"} 0
rtml_prediction_latency_seconds_bucket{model="m",version="0",le="3e-06"} 1
)"));
  EXPECT_THAT(body, HasSubstr(R"(le="0.1"} 1
rtml_prediction_latency_seconds_bucket{model="m",version="0",le="+Inf"} 2
rtml_prediction_latency_seconds_sum{model="m",version="0"} 0.200003
rtml_prediction_latency_seconds_count{model="m",version="0"} 2
)"));
}

// The version gauge follows the newest prediction of each model: up on a swap, back
// down when the alias is moved back. Label values are escaped.
TEST(PredictionBoardTest, ModelVersionIsTheOneServingNow) {
  serve::PredictionBoard board;
  for (const int64_t version : {1, 2, 1}) {
    ASSERT_OK(board.AddPrediction(Prediction("BTC", version, version, 1, 5)));
  }
  // The model a\b"c, a line break, d: as JSON text.
  ASSERT_OK(board.AddPrediction(Prediction("BTC", 0, 9, 1, 5, R"(a\\b\"c\nd)")));
  const std::string text = board.PrometheusText();
  EXPECT_THAT(text, HasSubstr(R"(# TYPE rtml_model_version gauge
rtml_model_version{model="a\\b\"c\nd"} 0
rtml_model_version{model="m"} 1
)"));
  EXPECT_THAT(text, HasSubstr("rtml_predictions_total{model=\"m\",version=\"2\"} 1\n"));
}

}  // namespace
}  // namespace rtml::control
