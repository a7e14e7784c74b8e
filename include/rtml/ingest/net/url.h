// Url: a ws://, wss://, http:// or https:// address split into what a client needs
// to connect (host, port) and what it asks for (target). A plain value; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::ingest::net {

struct Url {
  std::string scheme;  // "ws", "wss", "http" or "https" (lower case)
  std::string host;    // a name or an address; IPv6 without its brackets
  uint16_t port = 0;   // from the URL, else 80 (ws, http) or 443 (wss, https)
  std::string target;  // path and query, always starting with '/'; no fragment

  bool tls() const { return scheme == "wss" || scheme == "https"; }
  bool websocket() const { return scheme == "ws" || scheme == "wss"; }
  // "host:port", with brackets around an IPv6 address.
  std::string HostPort() const;
  // scheme://host:port/target
  std::string ToString() const;
};

// Parses an absolute URL. InvalidArgument naming the URL and the problem for: no
// "scheme://", a scheme other than the four above (any case accepted), user info
// ("user@host"), an empty host, an unclosed '[', a port that is not a number in
// [1, 65535]. A missing path becomes "/"; a "#fragment" is dropped.
Result<Url> ParseUrl(std::string_view text);

}  // namespace rtml::ingest::net
