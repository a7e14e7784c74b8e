#include "stage_checkpoint.h"

#include "rtml/core/state_bytes.h"
#include "rtml/stream/topic_reader.h"

namespace rtml::process {
namespace {

constexpr std::string_view kTag = "rtml.stage-checkpoint.v1";
constexpr size_t kMaxOutputs = 1 << 20;  // output partitions: a sanity bound

}  // namespace

std::string StageCheckpointKey(std::string_view stage, int32_t partition) {
  return std::string(stage) + "|" + std::to_string(partition);
}

std::string EncodeStageCheckpoint(const StageCheckpoint& c) {
  StateWriter out(kTag);
  out.Put(c.partition);
  out.Put(c.next_offset);
  out.Put(c.finished);
  out.Put<uint64_t>(c.outputs.size());
  for (const OutputEnd& end : c.outputs) {
    out.PutString(end.topic);
    out.Put(end.partition);
    out.Put(end.end_offset);
  }
  out.PutString(c.state);
  return out.Take();
}

Result<StageCheckpoint> DecodeStageCheckpoint(std::string_view bytes) {
  StateReader in(bytes, kTag);
  StageCheckpoint c;
  uint64_t outputs = 0;
  in.Get(&c.partition);
  in.Get(&c.next_offset);
  in.Get(&c.finished);
  if (in.Get(&outputs) && outputs <= kMaxOutputs) {
    c.outputs.resize(outputs);
    for (OutputEnd& end : c.outputs) {
      in.GetString(&end.topic);
      in.Get(&end.partition);
      in.Get(&end.end_offset);
    }
  }
  in.GetString(&c.state);
  if (!in.done() || outputs > kMaxOutputs) {
    return Status::InvalidArgument("not a stage checkpoint of this version");
  }
  return c;
}

Result<std::optional<StageCheckpoint>> LoadStageCheckpoint(stream::Broker& broker,
                                                           std::string_view topic,
                                                           std::string_view key) {
  RTML_ASSIGN_OR_RETURN(const std::optional<stream::KeyedValue> newest,
                        stream::ReadNewestOfKey(broker, topic, key));
  if (!newest) return std::optional<StageCheckpoint>();
  Result<StageCheckpoint> decoded = DecodeStageCheckpoint(newest->value);
  if (!decoded.ok()) {
    return Status::Corruption(std::string(topic) + " offset " + std::to_string(newest->offset) +
                              ": " + decoded.status().message());
  }
  return std::optional<StageCheckpoint>(*std::move(decoded));
}

}  // namespace rtml::process
