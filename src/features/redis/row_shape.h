// Checking that a row fits its group before it is stored: a store that writes rows
// as JSON and keys as key text would otherwise keep a row it cannot read back, or
// two keys under one key text.
#pragma once

#include "rtml/core/status.h"
#include "rtml/features/feature_group.h"
#include "rtml/features/feature_row.h"

namespace rtml::features {

// Ok, or InvalidArgument naming the group, the key and the column when the row has
// another number of key or feature values than the group has columns, a null key
// value, a value of another type than its column, or a '|' in a string key value
// other than the last (its key text would read back as another key).
Status CheckRowShape(const FeatureGroup& group, const FeatureRow& row);

}  // namespace rtml::features
