#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "rtml/ingest/net/http_client.h"
#include "rtml/ingest/net/loopback_server.h"
#include "testing.h"

namespace rtml::ingest::net {
namespace {
using std::chrono::milliseconds;

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.AddHttpRoute("/0/public/Trades", [this](const HttpRequest& request) {
      ++requests_;
      HttpResponse response;
      response.body = "{\"pair\":\"" + request.QueryParam("pair").value_or("?") +
                      "\",\"since\":\"" + request.QueryParam("since").value_or("none") + "\"}";
      return response;
    });
    server_.AddHttpRoute("/busy", [](const HttpRequest&) {
      return HttpResponse{429, {{"Retry-After", "7"}, {"Content-Type", "text/plain"}}, "slow down"};
    });
    server_.AddHttpRoute("/big", [](const HttpRequest&) {
      return HttpResponse{200, {}, std::string(3 << 20, 'x')};
    });
    ASSERT_OK(server_.Start());
    base_ = server_.BaseUrl(/*websocket=*/false);
  }

  LoopbackServer server_;
  std::string base_;
  std::atomic<int> requests_{0};
};

TEST_F(HttpTest, GetReturnsStatusHeadersAndBody) {
  ASSERT_OK_AND_ASSIGN(
      HttpResponse response,
      HttpGet(base_ + "/0/public/Trades?pair=XBTUSD&since=17%2B1", milliseconds(5000)));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"pair\":\"XBTUSD\",\"since\":\"17+1\"}");
  EXPECT_EQ(response.Header("content-type").value_or(""), "application/json");
  EXPECT_EQ(requests_, 1);
}

TEST_F(HttpTest, ErrorStatusesAreResultsWithTheirHeaders) {
  ASSERT_OK_AND_ASSIGN(HttpResponse busy, HttpGet(base_ + "/busy", milliseconds(5000)));
  EXPECT_EQ(busy.status, 429);
  EXPECT_EQ(busy.Header("Retry-After").value_or(""), "7");
  EXPECT_EQ(busy.Header("retry-after").value_or(""), "7");
  EXPECT_EQ(busy.Header("Content-Type").value_or(""), "text/plain");
  EXPECT_EQ(busy.body, "slow down");

  ASSERT_OK_AND_ASSIGN(HttpResponse missing, HttpGet(base_ + "/nothing", milliseconds(5000)));
  EXPECT_EQ(missing.status, 404);
}

TEST_F(HttpTest, BodyLimitIsEnforced) {
  ASSERT_OK_AND_ASSIGN(HttpResponse big, HttpGet(base_ + "/big", milliseconds(5000)));
  EXPECT_EQ(big.body.size(), 3u << 20);
  HttpClientOptions options;
  options.max_body_bytes = 1 << 20;
  Result<HttpResponse> limited = HttpGet(base_ + "/big", milliseconds(5000), options);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), StatusCode::kIOError);
}

TEST_F(HttpTest, RefusedAndBadUrlsNameTheUrl) {
  const uint16_t port = server_.port();
  server_.Stop();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/x";
  Result<HttpResponse> refused = HttpGet(url, milliseconds(2000));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kIOError);
  EXPECT_NE(refused.status().message().find(url), std::string::npos) << refused.status().ToString();

  Result<HttpResponse> websocket = HttpGet("ws://127.0.0.1/", milliseconds(100));
  ASSERT_FALSE(websocket.ok());
  EXPECT_EQ(websocket.status().code(), StatusCode::kInvalidArgument);
}

TEST(HttpTimeoutTest, ASilentServerTimesOut) {
  // A server whose handler never gets the request: a listening socket nobody accepts
  // on would still complete the TCP handshake, so use a route that blocks the I/O
  // thread briefly longer than the client's timeout.
  LoopbackServer server;
  server.AddHttpRoute("/slow", [](const HttpRequest&) {
    std::this_thread::sleep_for(milliseconds(600));
    return HttpResponse{};
  });
  ASSERT_OK(server.Start());
  const auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> slow = HttpGet(server.BaseUrl(false) + "/slow", milliseconds(200));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.status().code(), StatusCode::kTimeout) << slow.status().ToString();
  EXPECT_LT(took, milliseconds(550));
}

}  // namespace
}  // namespace rtml::ingest::net
