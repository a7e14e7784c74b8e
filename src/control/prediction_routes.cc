#include "rtml/control/prediction_routes.h"

#include <charconv>

#include "json_response.h"

namespace rtml::control {

using ingest::net::HttpRequest;
using ingest::net::HttpResponse;

void AddPredictionRoutes(ingest::net::LoopbackServer& server, const serve::PredictionBoard& board) {
  server.AddHttpRoute("/predictions", [&board](const HttpRequest& request) -> HttpResponse {
    const std::optional<std::string> pair = request.QueryParam("pair");
    if (!pair) return Json(200, board.LatestJson());
    size_t recent = 20;
    if (const std::optional<std::string> text = request.QueryParam("recent")) {
      const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), recent);
      if (error != std::errc() || end != text->data() + text->size() || text->empty()) {
        return JsonError(400, "recent '" + *text + "' is not a count");
      }
    }
    Result<std::string> body = board.PairJson(*pair, recent);
    if (!body.ok()) return JsonError(HttpStatusFor(body.status()), body.status().message());
    return Json(200, std::move(*body));
  });
  server.AddHttpRoute("/health", [](const HttpRequest&) -> HttpResponse {
    return Json(200, "{\"status\":\"ok\"}");
  });
}

}  // namespace rtml::control
