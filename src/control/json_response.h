// Internal: the JSON answers every REST route gives - a body, or {"error": ...} with
// the HTTP status a Status maps to.
#pragma once

#include <string>
#include <string_view>

#include "rtml/core/status.h"
#include "rtml/ingest/net/http_message.h"

namespace rtml::control {

ingest::net::HttpResponse Json(int status, std::string body);
ingest::net::HttpResponse JsonError(int status, std::string_view message);
// 404 NotFound, 400 InvalidArgument, 503 Unavailable, else 500.
int HttpStatusFor(const Status& status);

}  // namespace rtml::control
