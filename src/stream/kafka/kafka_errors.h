// Turns librdkafka error codes into rtml Status values.
//
// The code decides the StatusCode callers branch on (unknown topic or partition ->
// NotFound, time-outs -> Timeout, features the broker lacks -> Unsupported, ...);
// the message is "<context>: <librdkafka's description> (<error name>)", so the
// caller's context should name the topic and partition involved.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string_view>

#include "rtml/core/status.h"

namespace rtml::stream::kafka {

// OK for RD_KAFKA_RESP_ERR_NO_ERROR.
Status KafkaStatus(rd_kafka_resp_err_t err, std::string_view context);

// Same for an rd_kafka_error_t (uses its own, more detailed string). OK for nullptr.
// Does not take ownership.
Status KafkaStatus(const rd_kafka_error_t* error, std::string_view context);

// The StatusCode rtml uses for `err`.
StatusCode KafkaStatusCode(rd_kafka_resp_err_t err);

}  // namespace rtml::stream::kafka
