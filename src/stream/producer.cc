#include "rtml/stream/producer.h"

namespace rtml::stream {

Status Producer::ProduceBatch(std::string_view topic, std::span<const OutgoingRecord> records) {
  for (const OutgoingRecord& record : records) RTML_RETURN_IF_ERROR(Produce(topic, record));
  return Status::Ok();
}

}  // namespace rtml::stream
