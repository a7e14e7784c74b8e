// RedisEndpoint: where a Redis server is and how to log in, read from a URI
//   redis://HOST[:PORT][/DB]               port 6379 and database 0 by default
//   redis://[USER]:PASSWORD@HOST[:PORT][/DB]  (AUTH; percent-escapes decoded)
// HOST may be a name, an IPv4 address or a bracketed IPv6 address ([::1]).
#pragma once

#include <string>
#include <string_view>

#include "rtml/core/result.h"

namespace rtml::features {

struct RedisEndpoint {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH

  // redis://HOST:PORT/DB, never with the password: for messages.
  std::string Describe() const;
};

// InvalidArgument naming the accepted forms (and never the password) for anything
// else: another scheme, an empty host, a port or database that is not a number in
// range, a query string.
Result<RedisEndpoint> ParseRedisUri(std::string_view uri);

}  // namespace rtml::features
