#include "kafka_producer.h"

#include <cstdio>
#include <vector>

#include "kafka_errors.h"
#include "kafka_metadata.h"

namespace rtml::stream::kafka {
namespace {

// Delivery reports are served every this many records so their queue stays short.
constexpr uint32_t kPollEvery = 1024;
// While librdkafka's queue is full: how long each wait for deliveries lasts.
constexpr int kQueueFullWaitMs = 50;

// librdkafka treats a null pointer as "no key"; an empty view may hold a null
// pointer, yet means "empty key".
const char* NonNull(std::string_view s) { return s.data() != nullptr ? s.data() : ""; }

}  // namespace

Result<std::unique_ptr<Producer>> KafkaProducer::Open(const KafkaConfig& config,
                                                      const ProducerOptions& options) {
  RTML_ASSIGN_OR_RETURN(ConfPtr conf, config.ForProducer(options));
  std::unique_ptr<KafkaProducer> producer(
      new KafkaProducer("kafka://" + config.bootstrap_servers()));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaProducer::OnDelivery);
  rd_kafka_conf_set_opaque(conf.get(), producer.get());
  RTML_ASSIGN_OR_RETURN(producer->handle_, config.NewHandle(RD_KAFKA_PRODUCER, std::move(conf)));
  return std::unique_ptr<Producer>(std::move(producer));
}

KafkaProducer::~KafkaProducer() {
  if (handle_ == nullptr) return;
  const rd_kafka_resp_err_t err =
      rd_kafka_flush(handle_.get(), static_cast<int>(kShutdownFlushTimeout.count()));
  // A destructor cannot return a Status; say on stderr what would otherwise vanish.
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr,
                 "rtml: kafka producer for %s: %d records not delivered after %lld ms at "
                 "shutdown; they are lost\n",
                 where_.c_str(), rd_kafka_outq_len(handle_.get()),
                 static_cast<long long>(kShutdownFlushTimeout.count()));
  }
  if (!delivery_error_.ok()) {
    std::fprintf(stderr,
                 "rtml: kafka producer for %s: %lld records failed and were never "
                 "reported by Flush(); first: %s\n",
                 where_.c_str(), static_cast<long long>(failed_deliveries_),
                 delivery_error_.ToString().c_str());
  }
  topics_.clear();  // topic handles go before the client
  handle_.reset();
}

void KafkaProducer::OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message,
                               void* opaque) {
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  auto* self = static_cast<KafkaProducer*>(opaque);
  ++self->failed_deliveries_;
  if (!self->delivery_error_.ok()) return;
  std::string context = "delivering a record to topic '";
  context += rd_kafka_topic_name(message->rkt);
  context += "' partition " + std::to_string(message->partition) + " on " + self->where_;
  self->delivery_error_ = KafkaStatus(message->err, context);
}

Result<KafkaProducer::TopicState*> KafkaProducer::Topic(std::string_view topic) {
  if (last_topic_ != nullptr && topic == last_topic_name_) return last_topic_;
  auto it = topics_.find(topic);
  if (it == topics_.end()) {
    RTML_ASSIGN_OR_RETURN(const ClusterMetadata metadata,
                          ClusterMetadata::Fetch(handle_.get(), where_));
    const TopicMetadata* found = metadata.Find(topic);
    if (found == nullptr) {
      return Status::InvalidArgument("cannot produce to topic '" + std::string(topic) +
                                     "': it does not exist on " + where_);
    }
    TopicState state;
    state.handle.reset(rd_kafka_topic_new(handle_.get(), found->name.c_str(), nullptr));
    if (state.handle == nullptr) {
      return KafkaStatus(rd_kafka_last_error(), "opening topic '" + found->name + "'");
    }
    state.partitions = found->partitions;
    it = topics_.emplace(found->name, std::move(state)).first;
  }
  last_topic_ = &it->second;
  last_topic_name_ = it->first;
  return last_topic_;
}

Status KafkaProducer::Produce(std::string_view topic, const OutgoingRecord& record) {
  RTML_ASSIGN_OR_RETURN(TopicState* const state, Topic(topic));
  if (record.partition != kAnyPartition &&
      (record.partition < 0 || record.partition >= state->partitions)) {
    return Status::InvalidArgument("cannot produce to topic '" + std::string(topic) +
                                   "' partition " + std::to_string(record.partition) +
                                   ": it has partitions 0.." +
                                   std::to_string(state->partitions - 1));
  }

  // Small records with few headers are the common case: no allocation for them.
  constexpr size_t kInlineArgs = 16;
  rd_kafka_vu_t inline_args[kInlineArgs];
  std::vector<rd_kafka_vu_t> heap_args;
  const size_t arg_count = 6 + record.headers.size();
  rd_kafka_vu_t* args = inline_args;
  if (arg_count > kInlineArgs) {
    heap_args.resize(arg_count);
    args = heap_args.data();
  }
  size_t n = 0;
  args[n].vtype = RD_KAFKA_VTYPE_RKT;
  args[n++].u.rkt = state->handle.get();
  args[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  args[n++].u.i32 = record.partition == kAnyPartition ? RD_KAFKA_PARTITION_UA : record.partition;
  args[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  args[n++].u.i = RD_KAFKA_MSG_F_COPY;
  args[n].vtype = RD_KAFKA_VTYPE_VALUE;
  args[n].u.mem.ptr = const_cast<char*>(NonNull(record.value));
  args[n++].u.mem.size = record.value.size();
  if (record.key.has_value()) {
    args[n].vtype = RD_KAFKA_VTYPE_KEY;
    args[n].u.mem.ptr = const_cast<char*>(NonNull(*record.key));
    args[n++].u.mem.size = record.key->size();
  }
  if (record.timestamp_ms != kNoTimestamp) {
    args[n].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
    args[n++].u.i64 = record.timestamp_ms;
  }
  // Header names must be NUL-terminated for librdkafka; keep copies alive until the
  // record is queued (librdkafka copies them).
  std::vector<std::string> header_names;
  if (!record.headers.empty()) {
    header_names.reserve(record.headers.size());
    for (const HeaderView& header : record.headers) {
      header_names.emplace_back(header.key);
      args[n].vtype = RD_KAFKA_VTYPE_HEADER;
      args[n].u.header.name = header_names.back().c_str();
      args[n].u.header.val = NonNull(header.value);
      args[n++].u.header.size = static_cast<ssize_t>(header.value.size());
    }
  }

  for (;;) {
    const ErrorPtr error(rd_kafka_produceva(handle_.get(), args, n));
    if (error == nullptr) break;
    if (rd_kafka_error_code(error.get()) != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return KafkaStatus(error.get(),
                         "producing to topic '" + std::string(topic) + "' on " + where_);
    }
    // Queue full: deliveries free room; serve them and try again.
    rd_kafka_poll(handle_.get(), kQueueFullWaitMs);
    produced_since_poll_ = 0;
  }
  if (++produced_since_poll_ >= kPollEvery) {
    rd_kafka_poll(handle_.get(), 0);
    produced_since_poll_ = 0;
  }
  return Status::Ok();
}

Status KafkaProducer::Flush(std::chrono::milliseconds timeout) {
  const rd_kafka_resp_err_t err = rd_kafka_flush(handle_.get(), static_cast<int>(timeout.count()));
  // Report failures of earlier records even when the newest are still in flight.
  if (!delivery_error_.ok()) {
    Status error = delivery_error_;
    if (failed_deliveries_ > 1) {
      error = error.WithContext(std::to_string(failed_deliveries_) + " records failed; the first");
    }
    delivery_error_ = Status::Ok();
    failed_deliveries_ = 0;
    return error;
  }
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    return Status::Timeout("flushing the kafka producer for " + where_ + ": " +
                           std::to_string(rd_kafka_outq_len(handle_.get())) +
                           " records still unacknowledged after " +
                           std::to_string(timeout.count()) + " ms");
  }
  return KafkaStatus(err, "flushing the kafka producer for " + where_);
}

}  // namespace rtml::stream::kafka
