// Live predictions over REST:
//   GET /predictions                 the latest prediction of every pair
//   GET /predictions?pair=P[&recent=N]  P's latest and its N most recent (default 20)
//   GET /health                      {"status":"ok"}
//   GET /metrics                     Prometheus text: predictions, latency and live
//                                    error per model version (serve/prediction_board.h)
// Errors are JSON {"error":"..."}: 404 for a pair with no predictions, 400 for a bad
// `recent`. The board must outlive the server.
#pragma once

#include "rtml/ingest/net/loopback_server.h"
#include "rtml/serve/prediction_board.h"

namespace rtml::control {

void AddPredictionRoutes(ingest::net::LoopbackServer& server, const serve::PredictionBoard& board);

}  // namespace rtml::control
