// A running pipeline's stages in Prometheus text: counters, partitions, lag against
// the given wall time (none before any input), the input rate over a sliding window
// of snapshots taken at explicit times, escaped stage names; and one GET /metrics
// gathering several providers.
#include "rtml/control/pipeline_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "loopback_get.h"
#include "rtml/control/metrics_route.h"

namespace rtml::control {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kSecond = 1'000'000'000;  // ns

StageSample Sample(std::string stage, int64_t records_in, int64_t newest_input_ms = 0) {
  return {.stage = std::move(stage),
          .stats = {.records_in = records_in, .newest_input_ms = newest_input_ms}};
}

// One snapshot of one stage.
void Observe(StageRateMeter& meter, const std::string& stage, int64_t records_in, int64_t ns) {
  meter.Observe(std::vector<StageSample>{Sample(stage, records_in)}, ns);
}

TEST(PipelineMetricsTest, EveryFamilyPerStage) {
  const std::vector<StageSample> stages = {
      {.stage = "candles",
       .stats = {.records_in = 5000,
                 .records_out = 120,
                 .dead_letters = 3,
                 .newest_input_ms = 1'700'000'000'000,
                 .partitions = 4}},
      {.stage = "predict", .stats = {.partitions = 1}},  // no input yet
  };
  StageRateMeter meter;
  meter.Observe(stages, 0);
  Observe(meter, "candles", 5500, 2 * kSecond);
  EXPECT_EQ(StageMetricsText(stages, 1'700'000'001'250, meter),
            R"(# HELP rtml_stage_records_in_total Input records processed, per stage.
# TYPE rtml_stage_records_in_total counter
rtml_stage_records_in_total{stage="candles"} 5000
rtml_stage_records_in_total{stage="predict"} 0
# HELP rtml_stage_records_out_total Records written, dead letters included, per stage.
# TYPE rtml_stage_records_out_total counter
rtml_stage_records_out_total{stage="candles"} 120
rtml_stage_records_out_total{stage="predict"} 0
# HELP rtml_stage_dead_letters_total Records written to the dead-letter topic (rejects), per stage.
# TYPE rtml_stage_dead_letters_total counter
rtml_stage_dead_letters_total{stage="candles"} 3
rtml_stage_dead_letters_total{stage="predict"} 0
# HELP rtml_stage_records_per_second Input records per second over about the last 10 s, per stage.
# TYPE rtml_stage_records_per_second gauge
rtml_stage_records_per_second{stage="candles"} 250
# HELP rtml_stage_lag_seconds Wall time minus the event time of the newest input record processed, per stage.
# TYPE rtml_stage_lag_seconds gauge
rtml_stage_lag_seconds{stage="candles"} 1.25
# HELP rtml_stage_partitions Input partitions held, per stage.
# TYPE rtml_stage_partitions gauge
rtml_stage_partitions{stage="candles"} 4
rtml_stage_partitions{stage="predict"} 1
)");
}

TEST(PipelineMetricsTest, LagIsNeverNegative) {
  const std::vector<StageSample> stages = {Sample("s", 1, 10'000)};
  EXPECT_THAT(StageMetricsText(stages, 9'000, StageRateMeter()),
              HasSubstr("rtml_stage_lag_seconds{stage=\"s\"} 0\n"));
}

TEST(PipelineMetricsTest, RateOverTheLastTenSeconds) {
  StageRateMeter meter;
  EXPECT_EQ(meter.RecordsPerSecond("s"), std::nullopt);
  // 100 records/s for 5 s, then 1000/s; a snapshot every second.
  const auto records_at = [](int64_t second) {
    return second <= 5 ? 100 * second : 500 + 1000 * (second - 5);
  };
  std::vector<std::optional<double>> rates;  // after each second's snapshot
  for (int64_t second = 0; second <= 15; ++second) {
    Observe(meter, "s", records_at(second), second * kSecond);
    rates.push_back(meter.RecordsPerSecond("s"));
  }
  EXPECT_EQ(rates[0], std::nullopt);
  EXPECT_EQ(rates[1], 100);
  EXPECT_EQ(rates[10], (5 * 100 + 5 * 1000) / 10.0);  // seconds 0 to 10
  EXPECT_EQ(meter.RecordsPerSecond("s"), 1000);       // seconds 5 to 15
  // Snapshots farther apart than the window: the rate since the previous one.
  Observe(meter, "s", records_at(15) + 3000, 45 * kSecond);
  EXPECT_EQ(meter.RecordsPerSecond("s"), 100);
  EXPECT_EQ(meter.RecordsPerSecond("other"), std::nullopt);
}

TEST(PipelineMetricsTest, ARestartedStageStartsItsRateAgain) {
  StageRateMeter meter;
  Observe(meter, "s", 1000, 0);
  Observe(meter, "s", 2000, kSecond);
  Observe(meter, "s", 50, 2 * kSecond);  // counts from 0 again
  EXPECT_EQ(meter.RecordsPerSecond("s"), std::nullopt);
  Observe(meter, "s", 250, 4 * kSecond);
  EXPECT_EQ(meter.RecordsPerSecond("s"), 100);
}

TEST(PipelineMetricsTest, NoLagOrRateBeforeAnyInput) {
  const std::vector<StageSample> stages = {Sample("idle", 0)};
  StageRateMeter meter;
  meter.Observe(stages, 0);
  const std::string text = StageMetricsText(stages, 1'700'000'000'000, meter);
  EXPECT_THAT(text, HasSubstr("# TYPE rtml_stage_lag_seconds gauge\n"));
  EXPECT_THAT(text, Not(HasSubstr("rtml_stage_lag_seconds{")));
  EXPECT_THAT(text, Not(HasSubstr("rtml_stage_records_per_second{")));
  EXPECT_THAT(text, HasSubstr("rtml_stage_records_in_total{stage=\"idle\"} 0\n"));
}

TEST(PipelineMetricsTest, StageNamesAreEscaped) {
  const std::vector<StageSample> stages = {Sample("a\\b\"c\nd", 7)};
  EXPECT_THAT(StageMetricsText(stages, 0, StageRateMeter()),
              HasSubstr(R"(rtml_stage_records_in_total{stage="a\\b\"c\nd"} 7)"
                        "\n"));
}

TEST(MetricsRouteTest, OneGetGathersEveryProvider) {
  ingest::net::LoopbackServer server;
  const std::vector<StageSample> stages = {Sample("candles", 42)};
  StageRateMeter meter;
  AddMetricsRoute(server, {[] { return std::string("# TYPE board_total counter\nboard_total 1"); },
                           [&] { return StageMetricsText(stages, 0, meter); }});
  ASSERT_TRUE(server.Start().ok());
  const ingest::net::HttpResponse response = testing::LoopbackGet(server, "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.Header("Content-Type"), "text/plain; version=0.0.4");
  // The first provider's last line is ended before the next provider's text.
  EXPECT_THAT(response.body, ::testing::StartsWith("# TYPE board_total counter\nboard_total 1\n"
                                                   "# HELP rtml_stage_records_in_total "));
  EXPECT_THAT(response.body, HasSubstr("rtml_stage_records_in_total{stage=\"candles\"} 42\n"));
}

}  // namespace
}  // namespace rtml::control
