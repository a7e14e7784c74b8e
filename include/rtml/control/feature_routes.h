// The feature store over REST, for live inference in other processes:
//   GET /features                         the groups: {"groups":[{schema},...]}
//   GET /features/{group}/{key}[?version=N]  the key's online row as JSON (key
//                                         text: the key values joined by '|', e.g.
//                                         BTCUSD|60, percent-encoded as needed)
// Errors are JSON {"error":"..."}: 404 for an unknown group or key (or a row older
// than the group's TTL), 400 for a malformed key, 503 when a store cannot be
// reached. The routes read through `store`, which they do not own and which must
// outlive the server; give them a FeatureStore of their own (its online store is
// read from the server's I/O thread).
#pragma once

#include "rtml/features/feature_store.h"
#include "rtml/ingest/net/loopback_server.h"

namespace rtml::control {

void AddFeatureRoutes(ingest::net::LoopbackServer& server, features::FeatureStore& store);

}  // namespace rtml::control
