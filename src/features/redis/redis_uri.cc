#include "redis/redis_uri.h"

#include <charconv>

namespace rtml::features {
namespace {

constexpr std::string_view kScheme = "redis://";

// The URI as messages may show it: a user and password become "***".
std::string Redacted(std::string_view uri) {
  const size_t start = uri.find("://");
  if (start == std::string_view::npos) return std::string(uri);
  const size_t at = uri.substr(0, uri.find('/', start + 3)).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(uri);
  return std::string(uri.substr(0, start + 3)) + "***" + std::string(uri.substr(at));
}

Status Bad(std::string_view uri, std::string_view problem) {
  return Status::InvalidArgument("redis URI '" + Redacted(uri) + "': " + std::string(problem) +
                                 "; expected redis://HOST:PORT[/DB] or "
                                 "redis://:PASSWORD@HOST:PORT[/DB]");
}

bool ParseInt(std::string_view text, int min, int max, int& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && error == std::errc() && end == text.data() + text.size() && out >= min &&
         out <= max;
}

// Decodes %XX escapes (a password may hold '@', ':' or '/').
bool PercentDecode(std::string_view text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned byte = 0;  // unsigned: from_chars takes no sign then
    if (i + 2 >= text.size()) return false;
    const auto [end, error] = std::from_chars(text.data() + i + 1, text.data() + i + 3, byte, 16);
    if (error != std::errc() || end != text.data() + i + 3) return false;
    out += static_cast<char>(byte);
    i += 2;
  }
  return true;
}

}  // namespace

std::string RedisEndpoint::Describe() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return std::string(kScheme) + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) +
         "/" + std::to_string(db);
}

Result<RedisEndpoint> ParseRedisUri(std::string_view uri) {
  if (!uri.starts_with(kScheme)) return Bad(uri, "not a redis:// URI");
  std::string_view rest = uri.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Bad(uri, "query strings and fragments are not supported");
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);

  RedisEndpoint endpoint;
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      return Bad(uri, "a password goes after a ':' (redis://:PASSWORD@HOST)");
    }
    if (!PercentDecode(userinfo.substr(0, colon), endpoint.user) ||
        !PercentDecode(userinfo.substr(colon + 1), endpoint.password)) {
      return Bad(uri, "a bad %-escape in the user or password");
    }
    if (endpoint.password.empty()) return Bad(uri, "an empty password");
    authority = authority.substr(at + 1);
  }

  std::string_view port;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad(uri, "an IPv6 address without its ']'");
    endpoint.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return Bad(uri, "junk after the IPv6 address");
    if (!after.empty()) port = after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (endpoint.host.empty()) return Bad(uri, "no host");
  if (!port.empty() || authority.ends_with(':')) {
    if (!ParseInt(port, 1, 65535, endpoint.port)) return Bad(uri, "the port is not 1..65535");
  }
  if (!path.empty() && !ParseInt(path, 0, 1 << 20, endpoint.db)) {
    return Bad(uri, "the database is not a number");
  }
  return endpoint;
}

}  // namespace rtml::features
