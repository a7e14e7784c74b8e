// GET from a route test's server: the response, or status -1 (and a test failure)
// when the request itself fails.
#pragma once

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "rtml/ingest/net/http_client.h"
#include "rtml/ingest/net/loopback_server.h"

namespace rtml::control::testing {

inline ingest::net::HttpResponse LoopbackGet(const ingest::net::LoopbackServer& server,
                                             const std::string& path) {
  Result<ingest::net::HttpResponse> response =
      ingest::net::HttpGet(server.BaseUrl(false) + path, std::chrono::seconds(5));
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  return response.ok() ? *response : ingest::net::HttpResponse{-1, {}, ""};
}

}  // namespace rtml::control::testing
