// GET /metrics: Prometheus text (format 0.0.4) gathered from several providers - the
// prediction board's (serve/prediction_board.h), a pipeline's stages
// (pipeline_metrics.h) - so one server can expose them all on the one path. Each
// provider returns whole metric families (HELP, TYPE, samples), and no two may
// return the same family. They run on the server's I/O thread at each scrape, in
// order, so they must be quick and thread-safe, and what they read must outlive the
// server.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "rtml/ingest/net/loopback_server.h"

namespace rtml::control {

using MetricsProvider = std::function<std::string()>;

// Registers GET /metrics answering the providers' texts concatenated. Register it
// once per server (a second registration replaces the first).
void AddMetricsRoute(ingest::net::LoopbackServer& server, std::vector<MetricsProvider> providers);

}  // namespace rtml::control
