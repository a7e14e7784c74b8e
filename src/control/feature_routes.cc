#include "rtml/control/feature_routes.h"

#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "json_response.h"
#include "rtml/core/clock.h"
#include "rtml/core/json_writer.h"

namespace rtml::control {
namespace {

using ingest::net::HttpRequest;
using ingest::net::HttpResponse;

// The routes' state: the store and the groups it has, looked up again when a
// request names one this has not seen (a group registered after the server started).
class FeatureRoutes {
 public:
  explicit FeatureRoutes(features::FeatureStore& store) : store_(store) {}

  HttpResponse List() {
    Result<std::vector<features::FeatureGroup>> groups = store_.ListGroups();
    if (!groups.ok()) return JsonError(HttpStatusFor(groups.status()), groups.status().message());
    std::string body = "{\"groups\":[";
    for (size_t i = 0; i < groups->size(); ++i) {
      if (i > 0) body += ',';
      body += features::FeatureGroupToJson((*groups)[i]);
    }
    body += "]}";
    return Json(200, std::move(body));
  }

  HttpResponse Get(const HttpRequest& request) {
    // /features/{group}/{key}: the key is everything after the group's slash.
    const std::string_view rest = std::string_view(request.path).substr(std::strlen("/features/"));
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos || slash + 1 == rest.size()) {
      return JsonError(404, "expected /features/{group}/{key}, e.g. /features/market/BTCUSD%7C60");
    }
    const std::string name = ingest::net::PercentDecode(rest.substr(0, slash), false);
    const std::string key_text = ingest::net::PercentDecode(rest.substr(slash + 1), false);
    std::optional<int32_t> version;
    if (const auto text = request.QueryParam("version")) {
      try {
        version = std::stoi(*text);
      } catch (const std::exception&) {
        return JsonError(400, "version '" + *text + "' is not a number");
      }
    }
    Result<features::FeatureGroup> group = Group(name, version);
    if (!group.ok()) return JsonError(HttpStatusFor(group.status()), group.status().message());
    Result<std::vector<features::Value>> key = features::ParseKeyText(*group, key_text);
    if (!key.ok()) return JsonError(400, key.status().message());
    Result<std::optional<features::FeatureRow>> row = store_.GetOnline(*group, *key, WallClockMs());
    if (!row.ok()) return JsonError(HttpStatusFor(row.status()), row.status().message());
    if (!row->has_value()) {
      return JsonError(404, "no online row for key " + key_text + " of " + group->Label() +
                                (group->ttl_ms > 0 ? " (or it is older than the TTL)" : ""));
    }
    std::string body;
    features::AppendRowJson(*group, **row, body);
    return Json(200, std::move(body));
  }

 private:
  Result<features::FeatureGroup> Group(const std::string& name, std::optional<int32_t> version) {
    const std::string id = name + "@" + (version ? std::to_string(*version) : "newest");
    if (const auto found = groups_.find(id); found != groups_.end()) return found->second;
    RTML_ASSIGN_OR_RETURN(features::FeatureGroup group, store_.FindGroup(name, version));
    groups_.emplace(id, group);
    return group;
  }

  features::FeatureStore& store_;
  std::map<std::string, features::FeatureGroup> groups_;  // I/O thread only
};

}  // namespace

void AddFeatureRoutes(ingest::net::LoopbackServer& server, features::FeatureStore& store) {
  auto routes = std::make_shared<FeatureRoutes>(store);
  server.AddHttpRoute("/features", [routes](const HttpRequest&) { return routes->List(); });
  server.AddHttpRoute("/features/*",
                      [routes](const HttpRequest& request) { return routes->Get(request); });
}

}  // namespace rtml::control
