// PipelineRest: REST on loopback inside a running pipeline's process - the live
// predictions (/predictions?pair=P, /predictions), the feature store's online rows
// (/features/GROUP/KEY, when given a store), /metrics in Prometheus text (every
// stage's records in and out, rejects, lag and records/s; predictions, scoring
// latency histograms, live error and the serving version per model) and /health.
// The predictions are followed from their topics, from the start, on a thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "pipeline_runtime.h"
#include "rtml/control/pipeline_metrics.h"
#include "rtml/features/feature_store.h"
#include "rtml/ingest/net/loopback_server.h"
#include "rtml/serve/prediction_board.h"
#include "rtml/stream/broker.h"

namespace rtml::cli {

struct PipelineRestOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port (see BaseUrl())
  std::string predictions_topic = "predictions";
  std::string evaluation_topic = "predictions.eval";
  features::FeatureStore* store = nullptr;  // serves /features/* if set; not owned
};

class PipelineRest {
 public:
  // Starts serving. `broker` and `pipeline` must outlive the server.
  static Result<std::unique_ptr<PipelineRest>> Start(stream::Broker& broker,
                                                     const PipelineRuntime& pipeline,
                                                     PipelineRestOptions options);
  ~PipelineRest();  // Stop()

  std::string BaseUrl() const { return server_.BaseUrl(false); }
  const serve::PredictionBoard& board() const { return board_; }
  // A sample of the stages' counters for the records/s gauges; call about once a
  // second (a scrape samples too).
  void SampleRates();
  // Stops following and serving; what following ended with.
  Status Stop();

 private:
  PipelineRest(const PipelineRuntime& pipeline, PipelineRestOptions options);
  std::vector<control::StageSample> Samples() const;

  const PipelineRuntime& pipeline_;
  const PipelineRestOptions options_;
  serve::PredictionBoard board_;
  control::StageRateMeter rates_;
  ingest::net::LoopbackServer server_;
  std::atomic<bool> stop_{false};
  Status follow_status_;
  std::thread follower_;
};

}  // namespace rtml::cli
