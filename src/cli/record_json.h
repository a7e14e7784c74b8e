// The JSON line `rtml consume` prints for each record.
#pragma once

#include <string>

#include "rtml/stream/record.h"

namespace rtml::cli {

// Appends one line (ending in '\n') to `out`:
//   {"topic":"t","partition":0,"offset":5,"timestamp":1723161600000,
//    "key":"BTCUSDT","value":{...},"headers":{"k":"v"}}
// "key" is null for a record without a key. "value" is the value itself when it is
// one valid JSON value (its line breaks turned into spaces, which only ever sit
// between tokens), else the value as a JSON string.
void AppendRecordJson(std::string& out, const stream::ConsumedRecord& record);

}  // namespace rtml::cli
