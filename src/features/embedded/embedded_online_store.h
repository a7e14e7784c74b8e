// The embedded online store ("embedded://PATH"): the newest row of every key in a
// hash map in this process, so a read is a lookup and a copy, with every write also
// committed to a SQLite file at PATH (one table, row per group and key, the row as
// JSON) before it shows in the map. A process that opens the file later - a restart,
// `rtml features get` - loads a group's rows on its first use of that group, and
// sees the writes of other processes (a sink) within 50 ms of their commit.
//
// Threads: any number of readers (Get, ScanAll) and one writer (Upsert) at a time.
#pragma once

#include <memory>
#include <string>

#include "rtml/core/result.h"
#include "rtml/features/online_store.h"

namespace rtml::features {

Result<std::unique_ptr<OnlineStore>> OpenEmbeddedOnlineStore(const std::string& path);

}  // namespace rtml::features
