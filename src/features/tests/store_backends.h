// The backends the feature-store suites run against: the embedded default (SQLite
// and the in-process online store, in a temp dir) and real PostgreSQL and Redis
// servers that the test run starts from Debian's packages (once per test binary)
// and stops at exit. Each test gets an empty store.
#pragma once

#include <memory>
#include <string>

#include "postgres_server.h"
#include "redis_server.h"
#include "rtml/features/feature_store.h"
#include "testing.h"

namespace rtml::features::testing {

enum class Backend { kEmbedded, kServers };

inline std::string BackendName(Backend backend) {
  return backend == Backend::kEmbedded ? "Embedded" : "PostgresAndRedis";
}

// The URIs of a fresh, empty pair of stores.
struct StoreUris {
  std::string offline;
  std::string online;
};

class Backends {
 public:
  // The servers, started on first use and stopped at exit.
  static rtml::testing::PostgresServer& Postgres() {
    static std::unique_ptr<rtml::testing::PostgresServer> server =
        StartOrDie(rtml::testing::PostgresServer::Start());
    return *server;
  }
  static rtml::testing::RedisServer& Redis() {
    static std::unique_ptr<rtml::testing::RedisServer> server =
        StartOrDie(rtml::testing::RedisServer::Start());
    return *server;
  }

  // `dir` holds the embedded files; `name` names the PostgreSQL database.
  static StoreUris Fresh(Backend backend, const std::string& dir, const std::string& name) {
    if (backend == Backend::kEmbedded) return {DefaultOfflineUri(dir), DefaultOnlineUri(dir)};
    Result<std::string> database = Postgres().CreateDatabase(name);
    EXPECT_TRUE(database.ok()) << database.status().ToString();
    EXPECT_TRUE(Redis().FlushAll().ok());
    return {database.ok() ? *database : std::string(), Redis().uri()};
  }

 private:
  template <typename Server>
  static std::unique_ptr<Server> StartOrDie(Result<std::unique_ptr<Server>> started) {
    if (!started.ok()) {
      ADD_FAILURE() << "cannot start a test server: " << started.status().ToString();
      std::abort();
    }
    return std::move(*started);
  }
};

}  // namespace rtml::features::testing
