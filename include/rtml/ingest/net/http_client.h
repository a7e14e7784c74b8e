// HttpGet: one blocking HTTP/1.1 GET over http:// or https://, on a new connection.
// Safe to call from any number of threads at once (nothing is shared).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "rtml/core/result.h"
#include "rtml/ingest/net/http_message.h"
#include "rtml/ingest/net/tls_options.h"

namespace rtml::ingest::net {

struct HttpClientOptions {
  TlsOptions tls;                     // for https:// (default: system CA store)
  std::string user_agent = "rtml";    // the User-Agent header
  size_t max_body_bytes = 64u << 20;  // a longer body is an IOError (default 64 MiB)
};

// GETs `url`. Any status code, 4xx and 5xx included, is an OK result: the caller
// decides what a 429 or 503 means (see HttpResponse::Header("Retry-After")).
// Errors, each naming the URL: InvalidArgument for a bad URL or a ws:// one; Timeout
// when resolving, connecting, the TLS handshake, sending and receiving together take
// longer than `timeout`; IOError for everything else (refused, reset, TLS
// verification failed, a malformed response).
Result<HttpResponse> HttpGet(std::string_view url, std::chrono::milliseconds timeout,
                             const HttpClientOptions& options = {});

}  // namespace rtml::ingest::net
