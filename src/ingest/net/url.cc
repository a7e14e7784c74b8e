#include "rtml/ingest/net/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace rtml::ingest::net {
namespace {

Status Bad(std::string_view url, std::string_view problem) {
  std::string message = "bad URL '";
  message.append(url);
  message += "': ";
  message.append(problem);
  return Status::InvalidArgument(std::move(message));
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string Url::HostPort() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string out = ipv6 ? "[" + host + "]" : host;
  out += ':';
  out += std::to_string(port);
  return out;
}

std::string Url::ToString() const { return scheme + "://" + HostPort() + target; }

Result<Url> ParseUrl(std::string_view text) {
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    return Bad(text, "expected scheme://host[:port][/path]");
  }
  Url url;
  url.scheme = Lower(text.substr(0, scheme_end));
  uint16_t default_port = 0;
  if (url.scheme == "ws" || url.scheme == "http") {
    default_port = 80;
  } else if (url.scheme == "wss" || url.scheme == "https") {
    default_port = 443;
  } else {
    return Bad(text, "unsupported scheme '" + url.scheme + "' (ws, wss, http or https)");
  }

  std::string_view rest = text.substr(scheme_end + 3);
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  if (authority_end == std::string_view::npos) {
    url.target = "/";
  } else {
    url.target = std::string(rest.substr(authority_end));
    if (url.target.front() == '?') url.target.insert(0, "/");
  }
  if (authority.find('@') != std::string_view::npos) {
    return Bad(text, "user info (user@host) is not supported");
  }

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad(text, "unclosed '[' in the host");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Bad(text, "expected ':port' after ']'");
      port_text = after.substr(1);
      if (port_text.empty()) return Bad(text, "empty port");
    }
  } else {
    const size_t colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return Bad(text, "empty port");
    }
  }
  if (url.host.empty()) return Bad(text, "empty host");

  url.port = default_port;
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return Bad(text, "port '" + std::string(port_text) + "' is not a number in 1-65535");
    }
    url.port = static_cast<uint16_t>(value);
  }
  return url;
}

}  // namespace rtml::ingest::net
