// Internal: one partition's checkpoint - the operator's state, the input offset it
// reflects and where the outputs ended - as the bytes of one record of the
// checkpoint topic (key: "<stage>|<partition>"; the newest record of a key wins).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtml/core/result.h"
#include "rtml/stream/broker.h"

namespace rtml::process {

struct OutputEnd {
  std::string topic;
  int32_t partition = 0;
  int64_t end_offset = 0;
  friend bool operator==(const OutputEnd&, const OutputEnd&) = default;
};

struct StageCheckpoint {
  int32_t partition = 0;
  int64_t next_offset = 0;  // the first input record the state does not reflect
  bool finished = false;    // Finish() ran at next_offset (a bounded run ended)
  std::vector<OutputEnd> outputs;
  std::string state;  // PartitionOperator::SaveState()
  friend bool operator==(const StageCheckpoint&, const StageCheckpoint&) = default;
};

std::string StageCheckpointKey(std::string_view stage, int32_t partition);
std::string EncodeStageCheckpoint(const StageCheckpoint& checkpoint);
// InvalidArgument for bytes that are not a checkpoint of this version.
Result<StageCheckpoint> DecodeStageCheckpoint(std::string_view bytes);

// The newest checkpoint under `key`, nullopt if none. Corruption naming the offset
// for a record under the key that does not decode.
Result<std::optional<StageCheckpoint>> LoadStageCheckpoint(stream::Broker& broker,
                                                           std::string_view topic,
                                                           std::string_view key);

}  // namespace rtml::process
