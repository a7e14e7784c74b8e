// The online store on Redis ("redis://HOST:PORT[/DB]", with a password
// "redis://:PASSWORD@HOST:PORT/DB"; redis_uri.h). Each group version
// (FeatureGroup::StorageName, say market__v1) is two hashes, keyed by the key text
// ("BTCUSDT|60", KeyText):
//   rtml:{market__v1}:rows    the row as JSON (AppendRowJson), what Get reads
//   rtml:{market__v1}:times   its event time in ms, what an upsert compares
// An upsert is a Lua script that compares and writes on the server, atomically per
// batch of rows; batches are pipelined, so a large Upsert costs a few round trips.
// Get is one HGET; ScanAll walks the group's rows hash (HSCAN), not the keyspace,
// keeping the key texts it has visited, as HSCAN may return one twice.
// The braces are a cluster hash tag: a group's two hashes share a slot, as one
// script must touch both. Keys never expire (online_store.h). Event times compare
// exactly within +-2^53 ms (Lua numbers are doubles).
//
// Rows are as durable as the server's persistence makes them: with appendonly and
// appendfsync everysec a crash of the machine loses at most the last second.
// A key whose string column other than the last holds '|' is rejected
// (InvalidArgument): its key text would be another key's.
//
// Threads: one thread at a time.
#pragma once

#include <memory>
#include <string_view>

#include "redis/redis_connection.h"
#include "rtml/core/result.h"
#include "rtml/features/online_store.h"

namespace rtml::features {

struct RedisOnlineStoreOptions {
  RedisTimeouts timeouts;  // connect 2 s, each command 5 s
};

// Connects, logs in and loads the upsert script. InvalidArgument for a bad URI or
// a refused login; Unavailable naming the URI (without its password) when the
// server cannot be reached. Afterwards a call that loses the connection returns
// Unavailable and the next call connects again.
Result<std::unique_ptr<OnlineStore>> OpenRedisOnlineStore(std::string_view uri,
                                                          RedisOnlineStoreOptions options = {});

}  // namespace rtml::features
