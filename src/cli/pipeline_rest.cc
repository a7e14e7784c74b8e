#include "pipeline_rest.h"

#include "prediction_follower.h"
#include "rtml/control/feature_routes.h"
#include "rtml/control/metrics_route.h"
#include "rtml/control/prediction_routes.h"
#include "rtml/core/clock.h"

namespace rtml::cli {

PipelineRest::PipelineRest(const PipelineRuntime& pipeline, PipelineRestOptions options)
    : pipeline_(pipeline),
      options_(std::move(options)),
      server_({.address = options_.address, .port = options_.port}) {}

Result<std::unique_ptr<PipelineRest>> PipelineRest::Start(stream::Broker& broker,
                                                          const PipelineRuntime& pipeline,
                                                          PipelineRestOptions options) {
  std::unique_ptr<PipelineRest> rest(new PipelineRest(pipeline, std::move(options)));
  PipelineRest& self = *rest;
  control::AddPredictionRoutes(self.server_, self.board_);
  if (self.options_.store != nullptr) control::AddFeatureRoutes(self.server_, *self.options_.store);
  control::AddMetricsRoute(self.server_, {[&self] { return self.board_.PrometheusText(); },
                                          [&self] {
                                            const auto samples = self.Samples();
                                            self.rates_.Observe(samples, MonotonicNs());
                                            return control::StageMetricsText(samples, WallClockMs(),
                                                                             self.rates_);
                                          }});
  RTML_RETURN_IF_ERROR(self.server_.Start().WithContext("REST on " + self.options_.address + ":" +
                                                        std::to_string(self.options_.port)));
  self.follower_ = std::thread([&self, &broker] {
    self.follow_status_ =
        FollowPredictions(broker, self.options_.predictions_topic, self.options_.evaluation_topic,
                          self.board_, [&self] { return self.stop_.load(); });
  });
  return rest;
}

PipelineRest::~PipelineRest() { (void)Stop(); }

std::vector<control::StageSample> PipelineRest::Samples() const {
  std::vector<control::StageSample> samples;
  for (NamedStageStats& stage : pipeline_.Stats()) {
    samples.push_back({std::move(stage.name), stage.stats});
  }
  return samples;
}

void PipelineRest::SampleRates() { rates_.Observe(Samples(), MonotonicNs()); }

Status PipelineRest::Stop() {
  stop_.store(true);
  if (follower_.joinable()) follower_.join();
  server_.Stop();
  return follow_status_;
}

}  // namespace rtml::cli
