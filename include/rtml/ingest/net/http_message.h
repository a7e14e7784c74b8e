// HttpRequest and HttpResponse: the parts of an HTTP/1.1 exchange that rtml's
// clients and the loopback server use. Plain values; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtml::ingest::net {

struct HttpHeader {
  std::string name;
  std::string value;
};

// A request as the loopback server received it.
struct HttpRequest {
  std::string method;  // "GET"
  std::string target;  // "/0/public/Trades?pair=XBTUSD&since=0"
  std::string path;    // "/0/public/Trades" (the target before '?')
  std::string query;   // "pair=XBTUSD&since=0" (after '?', may be empty)
  std::vector<HttpHeader> headers;

  // The first value of query parameter `name`, percent-decoded ('+' is a space);
  // nullopt if absent. "a=1&b" gives "" for b.
  std::optional<std::string> QueryParam(std::string_view name) const;
  // The first header called `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// A response: what HttpGet() returns, and what a server route answers.
struct HttpResponse {
  int status = 200;
  std::vector<HttpHeader> headers;  // a server adds Content-Length and Server itself
  std::string body;

  // The first header called `name` (case-insensitive), e.g. "Retry-After".
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Decodes %XX escapes (and '+' as a space, as in queries; paths keep their '+').
std::string PercentDecode(std::string_view text, bool plus_is_space = true);

// `path` and `query` of a request target ("/a?b=1" -> "/a", "b=1").
void SplitTarget(std::string_view target, std::string& path, std::string& query);

}  // namespace rtml::ingest::net
