// Upserting rows as column arrays: one prepared INSERT ... SELECT FROM unnest($1,
// $2, ...) ON CONFLICT per chunk of rows, every column a binary array, so the
// server does set-based work instead of running a statement per row. One statement
// may not touch a row twice, so a chunk sends only the last row of each key and
// event time; chunks run in order, so a later row still wins across chunks.
#pragma once

#include <span>

#include "postgres/pg_connection.h"
#include "rtml/features/feature_group.h"
#include "rtml/features/feature_row.h"

namespace rtml::features {

// Upserts `rows` in one transaction: a single statement when they fit one chunk
// (a statement is atomic), else BEGIN, a statement per chunk, COMMIT. Nothing is
// written unless Ok. REQUIRES: no transaction is open; rows match the group.
Status ArrayUpsert(PgConnection& conn, const FeatureGroup& group, std::span<const FeatureRow> rows);

}  // namespace rtml::features
