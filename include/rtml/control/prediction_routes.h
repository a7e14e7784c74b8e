// Live predictions over REST:
//   GET /predictions                 the latest prediction of every pair
//   GET /predictions?pair=P[&recent=N]  P's latest and its N most recent (default 20)
//   GET /health                      {"status":"ok"}
// Errors are JSON {"error":"..."}: 404 for a pair with no predictions, 400 for a bad
// `recent`. The board must outlive the server. GET /metrics is not among them, so that
// one server can gather the board's metrics with others' (metrics_route.h):
//   AddMetricsRoute(server, {[&board] { return board.PrometheusText(); }});
#pragma once

#include "rtml/ingest/net/loopback_server.h"
#include "rtml/serve/prediction_board.h"

namespace rtml::control {

void AddPredictionRoutes(ingest::net::LoopbackServer& server, const serve::PredictionBoard& board);

}  // namespace rtml::control
