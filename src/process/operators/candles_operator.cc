// The candles stage: trades in, candles out, late trades dead-lettered.
#include "rtml/ingest/trade.h"
#include "rtml/process/dead_letters.h"
#include "rtml/process/operators.h"

namespace rtml::process {
namespace {

class CandlesOperator final : public PartitionOperator {
 public:
  CandlesOperator(CandlesStageOptions options, CandleAggregator aggregator)
      : options_(std::move(options)), aggregator_(std::move(aggregator)) {}

  Status Process(const stream::ConsumedRecord& record, std::vector<OutputRecord>* out) override {
    Result<ingest::Trade> trade = ingest::ParseTradeJson(record.value);
    if (!trade.ok()) {
      out->push_back(DeadLetterOf(record, options_.dlq, trade.status().message()));
      return Status::Ok();
    }
    updates_.clear();
    late_.clear();
    if (Status added = aggregator_.Add(*trade, &updates_, &late_); !added.ok()) {
      out->push_back(DeadLetterOf(record, options_.dlq, added.message()));
      return Status::Ok();
    }
    Write(out);
    for (const LateRecord& late : late_)
      out->push_back(DeadLetterOf(record, options_.dlq, late.reason));
    return Status::Ok();
  }

  Status Finish(std::vector<OutputRecord>* out) override {
    updates_.clear();
    aggregator_.Flush(&updates_);
    Write(out);
    return Status::Ok();
  }

  std::string SaveState() const override { return aggregator_.SaveState(); }
  Status RestoreState(std::string_view bytes) override { return aggregator_.RestoreState(bytes); }

 private:
  void Write(std::vector<OutputRecord>* out) const {
    for (const CandleUpdate& update : updates_) {
      OutputRecord& record = out->emplace_back();
      record.topic = options_.output;
      record.key = update.candle.pair;
      record.timestamp_ms = update.candle.window_start_ms;
      AppendCandleJson(update.candle, record.value);
    }
  }

  const CandlesStageOptions options_;
  CandleAggregator aggregator_;
  std::vector<CandleUpdate> updates_;  // reused per trade
  std::vector<LateRecord> late_;
};

}  // namespace

Result<std::unique_ptr<PartitionOperator>> MakeCandlesOperator(const CandlesStageOptions& options) {
  RTML_ASSIGN_OR_RETURN(CandleAggregator aggregator, CandleAggregator::Create(options.aggregator));
  return std::unique_ptr<PartitionOperator>(
      std::make_unique<CandlesOperator>(options, std::move(aggregator)));
}

}  // namespace rtml::process
