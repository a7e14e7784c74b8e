// The feature store's figures (bench/RESULTS.md, "Feature store"):
//   write  rows/s into each store: SQLite, embedded online, PostgreSQL, Redis, and
//          FeatureStore::Write (both stores) embedded and on the servers
//   read   online read latency in process (FeatureStore::GetOnline): embedded, Redis
//   rest   GET /features/{group}/{key} over loopback, one kept-alive connection
//   join   point-in-time join: --join-labels labels against a group of --join-keys x
//          --join-rows-per-key rows, on SQLite and on PostgreSQL
// Rows are the market flow's: key (pair, candle_seconds), the event time and 20
// double features. The servers are throwaway ones started from Debian's packages.
//
//   rtml_feature_store_bench [--only write|read|rest|join] [--rows N] [--batch N]
//                            [--keys N] [--reads N] [--join-keys N]
//                            [--join-rows-per-key N] [--join-labels N]
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "postgres_server.h"
#include "redis_server.h"
#include "rest_client.h"
#include "rtml/control/feature_routes.h"
#include "rtml/core/clock.h"
#include "rtml/features/feature_store.h"
#include "rtml/features/store_uri.h"
#include "rtml/features/training_set.h"
#include "testing.h"

namespace rtml::bench {
namespace {

using features::Column;
using features::FeatureGroup;
using features::FeatureRow;
using features::FeatureStore;
using features::Value;
using features::ValueType;

struct Options {
  std::string only;
  int64_t rows = 200'000;
  int64_t batch = 5'000;
  int64_t keys = 1'000;
  int64_t reads = 200'000;
  int64_t join_keys = 1'000;
  int64_t join_rows_per_key = 1'000;
  int64_t join_labels = 1'000'000;
};

[[noreturn]] void Die(const Status& status, const char* what) {
  std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> result, const char* what) {
  if (!result.ok()) Die(result.status(), what);
  return std::move(result).value();
}

void Must(const Status& status, const char* what) {
  if (!status.ok()) Die(status, what);
}

FeatureGroup Group(const std::string& name, int features) {
  FeatureGroup group{.name = name,
                     .version = 1,
                     .key = {{"pair", ValueType::kString}, {"candle_seconds", ValueType::kInt64}},
                     .event_time = "window_end_ms"};
  for (int i = 0; i < features; ++i) {
    group.features.push_back({"f" + std::to_string(i), ValueType::kDouble});
  }
  return group;
}

std::string PairName(int64_t k) { return "PAIR" + std::to_string(k) + "/USD"; }

// `rows` rows over `keys` keys, a minute apart per key, in time order.
std::vector<FeatureRow> MakeRows(const FeatureGroup& group, int64_t rows, int64_t keys,
                                 uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> value(-1e3, 1e3);
  std::vector<FeatureRow> out;
  out.reserve(static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i) {
    FeatureRow row{.key = {PairName(i % keys), int64_t{60}},
                   .event_time_ms = 1'700'000'000'000 + (i / keys) * 60'000};
    row.values.reserve(group.features.size());
    for (size_t f = 0; f < group.features.size(); ++f) row.values.emplace_back(value(rng));
    out.push_back(std::move(row));
  }
  return out;
}

double Seconds(int64_t start_ns) { return static_cast<double>(MonotonicNs() - start_ns) / 1e9; }

// Writes `rows` in batches with `write`; returns rows/s.
double WriteRate(const std::vector<FeatureRow>& rows, int64_t batch,
                 const std::function<Status(std::span<const FeatureRow>)>& write) {
  const int64_t start = MonotonicNs();
  for (size_t i = 0; i < rows.size(); i += static_cast<size_t>(batch)) {
    const size_t n = std::min(rows.size() - i, static_cast<size_t>(batch));
    Must(write(std::span(rows).subspan(i, n)), "write");
  }
  return static_cast<double>(rows.size()) / Seconds(start);
}

struct Percentiles {
  double p50, p99, p999, max;
};

Percentiles Summarise(std::vector<int64_t>& ns) {
  std::sort(ns.begin(), ns.end());
  const auto at = [&](double q) {
    return static_cast<double>(ns[std::min(ns.size() - 1, static_cast<size_t>(q * ns.size()))]) /
           1e3;
  };
  return {at(0.50), at(0.99), at(0.999), static_cast<double>(ns.back()) / 1e3};
}

void PrintLatency(const char* what, Percentiles p, int64_t n) {
  std::printf("%-44s p50 %8.2f us  p99 %8.2f us  p99.9 %8.2f us  max %9.1f us  (%" PRId64
              " reads)\n",
              what, p.p50, p.p99, p.p999, p.max, n);
}

struct Servers {
  std::unique_ptr<testing::PostgresServer> postgres;
  std::unique_ptr<testing::RedisServer> redis;
};

Servers& TheServers() {
  static Servers servers{Must(testing::PostgresServer::Start(), "start PostgreSQL"),
                         Must(testing::RedisServer::Start(), "start Redis")};
  return servers;
}

void BenchWrites(const Options& o, const std::string& dir) {
  const FeatureGroup group = Group("writes", 20);
  const std::vector<FeatureRow> rows = MakeRows(group, o.rows, o.keys, 1);
  std::printf("write: %" PRId64 " rows (%" PRId64 " keys, 20 doubles), batches of %" PRId64 "\n",
              o.rows, o.keys, o.batch);
  const auto offline = [&](const std::string& uri, const char* name) {
    auto store = Must(features::OpenOfflineStore(uri), name);
    Must(store->RegisterGroup(group).status(), name);
    const double rate =
        WriteRate(rows, o.batch, [&](auto batch) { return store->Upsert(group, batch); });
    std::printf("  %-40s %10.0f rows/s\n", name, rate);
  };
  const auto online = [&](const std::string& uri, const char* name) {
    auto store = Must(features::OpenOnlineStore(uri), name);
    const double rate =
        WriteRate(rows, o.batch, [&](auto batch) { return store->Upsert(group, batch); });
    std::printf("  %-40s %10.0f rows/s\n", name, rate);
  };
  const auto both = [&](const std::string& offline_uri, const std::string& online_uri,
                        const char* name) {
    auto store = Must(FeatureStore::Open(offline_uri, online_uri), name);
    Must(store->RegisterGroup(group).status(), name);
    const double rate =
        WriteRate(rows, o.batch, [&](auto batch) { return store->Write(group, batch); });
    std::printf("  %-40s %10.0f rows/s\n", name, rate);
  };
  Servers& servers = TheServers();
  offline("sqlite://" + dir + "/w1.db", "offline SQLite (embedded)");
  online("embedded://" + dir + "/w2.db", "online embedded");
  offline(Must(servers.postgres->CreateDatabase("writes1"), "db"), "offline PostgreSQL");
  Must(servers.redis->FlushAll(), "flush");
  online(servers.redis->uri(1), "online Redis");
  both("sqlite://" + dir + "/w3.db", "embedded://" + dir + "/w4.db",
       "FeatureStore::Write embedded (both)");
  both(Must(servers.postgres->CreateDatabase("writes2"), "db"), servers.redis->uri(2),
       "FeatureStore::Write PostgreSQL + Redis");
}

// Random keys of `group`'s rows; the store holds one row per key.
std::vector<std::vector<Value>> RandomKeys(int64_t keys, int64_t n) {
  std::mt19937_64 rng(2);
  std::vector<std::vector<Value>> out;
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    out.push_back(
        {PairName(static_cast<int64_t>(rng() % static_cast<uint64_t>(keys))), int64_t{60}});
  }
  return out;
}

std::unique_ptr<FeatureStore> Loaded(const std::string& offline, const std::string& online,
                                     const FeatureGroup& group, int64_t keys) {
  auto store = Must(FeatureStore::Open(offline, online), "open");
  Must(store->RegisterGroup(group).status(), "register");
  Must(store->Write(group, MakeRows(group, keys, keys, 3)), "load");
  return store;
}

void BenchReads(const Options& o, const std::string& dir) {
  const FeatureGroup group = Group("reads", 20);
  const auto keys = RandomKeys(o.keys, o.reads);
  const auto measure = [&](FeatureStore& store, const char* name) {
    for (int i = 0; i < 10'000; ++i) {  // warm-up
      (void)Must(store.GetOnline(group, keys[static_cast<size_t>(i) % keys.size()], 0), name);
    }
    std::vector<int64_t> ns;
    ns.reserve(keys.size());
    int64_t found = 0;
    for (const auto& key : keys) {
      const int64_t start = MonotonicNs();
      Result<std::optional<FeatureRow>> row = store.GetOnline(group, key, 0);
      ns.push_back(MonotonicNs() - start);
      found += row.ok() && row->has_value();
    }
    if (found != static_cast<int64_t>(keys.size()))
      Die(Status::Internal("a key was missing"), name);
    PrintLatency(name, Summarise(ns), static_cast<int64_t>(keys.size()));
  };
  std::printf("read: %" PRId64 " keys, 20 doubles per row\n", o.keys);
  auto embedded =
      Loaded("sqlite://" + dir + "/r1.db", "embedded://" + dir + "/r2.db", group, o.keys);
  measure(*embedded, "  GetOnline, embedded (in process)");
  Servers& servers = TheServers();
  Must(servers.redis->FlushAll(), "flush");
  auto redis = Loaded(Must(servers.postgres->CreateDatabase("reads"), "db"), servers.redis->uri(3),
                      group, o.keys);
  measure(*redis, "  GetOnline, Redis (loopback)");
}

void BenchRest(const Options& o, const std::string& dir) {
  const FeatureGroup group = Group("market", 20);
  auto store = Loaded("sqlite://" + dir + "/h1.db", "embedded://" + dir + "/h2.db", group, o.keys);
  ingest::net::LoopbackServer server;
  control::AddFeatureRoutes(server, *store);
  Must(server.Start(), "server");
  auto client = Must(KeepAliveClient::Connect("127.0.0.1", server.port()), "connect");
  const auto keys = RandomKeys(o.keys, std::min<int64_t>(o.reads, 50'000));
  std::vector<std::string> targets;
  for (const auto& key : keys) {
    std::string text = features::KeyText(key);
    std::string encoded;
    for (char c : text)
      encoded += c == '|' ? std::string("%7C") : c == '/' ? std::string("%2F") : std::string(1, c);
    targets.push_back("/features/market/" + encoded);
  }
  for (int i = 0; i < 2'000; ++i)
    (void)Must(client->Get(targets[static_cast<size_t>(i) % targets.size()]), "warm-up");
  std::vector<int64_t> ns;
  for (const std::string& target : targets) {
    const int64_t start = MonotonicNs();
    auto [status, body] = Must(client->Get(target), "GET");
    ns.push_back(MonotonicNs() - start);
    if (status != 200) Die(Status::Internal(body), "GET");
  }
  std::printf("rest: %" PRId64 " keys, one kept-alive connection\n", o.keys);
  PrintLatency("  GET /features/{group}/{key}, embedded", Summarise(ns),
               static_cast<int64_t>(ns.size()));
}

void BenchJoin(const Options& o, const std::string& offline_uri, const char* name) {
  const FeatureGroup group = Group("join", 10);
  const int64_t rows = o.join_keys * o.join_rows_per_key;
  auto store = Must(features::OpenOfflineStore(offline_uri), name);
  Must(store->RegisterGroup(group).status(), name);
  const std::vector<FeatureRow> data = MakeRows(group, rows, o.join_keys, 4);
  const double write_rate =
      WriteRate(data, 50'000, [&](auto batch) { return store->Upsert(group, batch); });
  const int64_t first = data.front().event_time_ms;
  const int64_t last = data.back().event_time_ms;
  features::Table labels{.columns = {{"pair", ValueType::kString},
                                     {"candle_seconds", ValueType::kInt64},
                                     {"ts_ms", ValueType::kInt64},
                                     {"label", ValueType::kDouble}}};
  std::mt19937_64 rng(5);
  labels.rows.reserve(static_cast<size_t>(o.join_labels));
  for (int64_t i = 0; i < o.join_labels; ++i) {
    const int64_t ts =
        first + static_cast<int64_t>(rng() % static_cast<uint64_t>(last - first + 120'000));
    labels.rows.push_back(
        {PairName(static_cast<int64_t>(rng() % static_cast<uint64_t>(o.join_keys))), int64_t{60},
         ts, 1.0});
  }
  const int64_t start = MonotonicNs();
  features::TrainingSet set =
      Must(features::BuildTrainingSet(*store, labels, {.groups = {group}}), "join");
  const double seconds = Seconds(start);
  std::printf("  %-30s %" PRId64 " labels x %" PRId64 " rows: %.2f s (%" PRId64
              " matched; rows loaded at %.0f rows/s)\n",
              name, o.join_labels, rows, seconds, set.counts[0].matched, write_rate);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  std::map<std::string, int64_t*> numbers = {{"--rows", &o.rows},
                                             {"--batch", &o.batch},
                                             {"--keys", &o.keys},
                                             {"--reads", &o.reads},
                                             {"--join-keys", &o.join_keys},
                                             {"--join-rows-per-key", &o.join_rows_per_key},
                                             {"--join-labels", &o.join_labels}};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--only") {
      o.only = argv[i + 1];
    } else if (numbers.contains(flag)) {
      *numbers[flag] = std::atoll(argv[i + 1]);
    } else {
      std::fprintf(stderr, "unknown flag %s (see the comment at the top of the source)\n", argv[i]);
      std::exit(2);
    }
  }
  return o;
}

}  // namespace
}  // namespace rtml::bench

int main(int argc, char** argv) {
  using namespace rtml::bench;
  const Options o = ParseOptions(argc, argv);
  rtml::testing::TempDir dir;
  const auto wants = [&](const char* what) { return o.only.empty() || o.only == what; };
  if (wants("write")) BenchWrites(o, dir.str());
  if (wants("read")) BenchReads(o, dir.str());
  if (wants("rest")) BenchRest(o, dir.str());
  if (wants("join")) {
    std::printf("join:\n");
    BenchJoin(o, "sqlite://" + dir.str() + "/j.db", "SQLite");
    BenchJoin(o, Must(TheServers().postgres->CreateDatabase("join"), "db"), "PostgreSQL");
  }
  return 0;
}
