#include "json_response.h"

#include "rtml/core/json_writer.h"

namespace rtml::control {

ingest::net::HttpResponse Json(int status, std::string body) {
  body += '\n';
  return {status, {{"Content-Type", "application/json"}}, std::move(body)};
}

ingest::net::HttpResponse JsonError(int status, std::string_view message) {
  std::string body = "{\"error\":";
  json::AppendString(body, message);
  body += '}';
  return Json(status, std::move(body));
}

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

}  // namespace rtml::control
