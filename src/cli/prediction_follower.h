// Feeds a PredictionBoard from the predictions and evaluation topics: reads both
// from their start, then follows them until `stopped` says so. Records that are not
// predictions are counted and the first is reported, not served.
#pragma once

#include <functional>
#include <string>

#include "rtml/core/status.h"
#include "rtml/serve/prediction_board.h"
#include "rtml/stream/broker.h"

namespace rtml::cli {

Status FollowPredictions(stream::Broker& broker, const std::string& predictions_topic,
                         const std::string& evaluation_topic, serve::PredictionBoard& board,
                         const std::function<bool()>& stopped);

}  // namespace rtml::cli
