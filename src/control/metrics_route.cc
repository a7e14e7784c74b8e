#include "rtml/control/metrics_route.h"

namespace rtml::control {

using ingest::net::HttpRequest;
using ingest::net::HttpResponse;

void AddMetricsRoute(ingest::net::LoopbackServer& server, std::vector<MetricsProvider> providers) {
  server.AddHttpRoute("/metrics", [providers = std::move(providers)](const HttpRequest&) {
    std::string body;
    for (const MetricsProvider& provider : providers) {
      body += provider();
      // Each family ends its lines; a provider that forgot must not glue two.
      if (!body.empty() && body.back() != '\n') body += '\n';
    }
    return HttpResponse{200, {{"Content-Type", "text/plain; version=0.0.4"}}, std::move(body)};
  });
}

}  // namespace rtml::control
