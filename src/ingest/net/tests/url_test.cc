#include "rtml/ingest/net/url.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace rtml::ingest::net {
namespace {

TEST(UrlTest, ParsesSchemesDefaultsAndTargets) {
  ASSERT_OK_AND_ASSIGN(Url kraken, ParseUrl("wss://ws.kraken.com/v2"));
  EXPECT_EQ(kraken.scheme, "wss");
  EXPECT_EQ(kraken.host, "ws.kraken.com");
  EXPECT_EQ(kraken.port, 443);
  EXPECT_EQ(kraken.target, "/v2");
  EXPECT_TRUE(kraken.tls());
  EXPECT_TRUE(kraken.websocket());

  ASSERT_OK_AND_ASSIGN(Url binance,
                       ParseUrl("WSS://stream.binance.com:9443/stream?streams=btcusdt@trade"));
  EXPECT_EQ(binance.scheme, "wss");
  EXPECT_EQ(binance.port, 9443);
  EXPECT_EQ(binance.target, "/stream?streams=btcusdt@trade");

  ASSERT_OK_AND_ASSIGN(Url plain, ParseUrl("http://127.0.0.1"));
  EXPECT_EQ(plain.port, 80);
  EXPECT_EQ(plain.target, "/");
  EXPECT_FALSE(plain.tls());
  EXPECT_FALSE(plain.websocket());

  ASSERT_OK_AND_ASSIGN(Url query, ParseUrl("https://api.kraken.com?x=1#frag"));
  EXPECT_EQ(query.port, 443);
  EXPECT_EQ(query.target, "/?x=1");

  ASSERT_OK_AND_ASSIGN(Url v6, ParseUrl("ws://[::1]:8080/v2"));
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 8080);
  EXPECT_EQ(v6.HostPort(), "[::1]:8080");
  EXPECT_EQ(v6.ToString(), "ws://[::1]:8080/v2");
}

TEST(UrlTest, RejectsWithAMessageNamingTheUrl) {
  const struct {
    const char* url;
    const char* problem;
  } cases[] = {
      {"ws.kraken.com/v2", "expected scheme://"},
      {"ftp://host/", "unsupported scheme 'ftp'"},
      {"ws:///v2", "empty host"},
      {"ws://:80/", "empty host"},
      {"ws://host:/", "empty port"},
      {"ws://host:0/", "not a number in 1-65535"},
      {"ws://host:65536/", "not a number in 1-65535"},
      {"ws://host:8x/", "not a number in 1-65535"},
      {"ws://user@host/", "user info"},
      {"ws://[::1/", "unclosed '['"},
  };
  for (const auto& c : cases) {
    Result<Url> url = ParseUrl(c.url);
    ASSERT_FALSE(url.ok()) << c.url;
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(url.status().message().find(c.url), std::string::npos) << url.status().message();
    EXPECT_NE(url.status().message().find(c.problem), std::string::npos) << url.status().message();
  }
}

}  // namespace
}  // namespace rtml::ingest::net
