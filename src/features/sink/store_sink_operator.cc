#include "rtml/features/store_sink.h"

#include <thread>

#include "rtml/core/backoff.h"
#include "rtml/core/log.h"
#include "rtml/process/dead_letters.h"

namespace rtml::features {
namespace {

class StoreSinkOperator final : public process::PartitionOperator {
 public:
  StoreSinkOperator(FeatureStore* store, const StoreSinkOptions& options)
      : store_(store), options_(options), parser_(options.group) {}

  Status Process(const stream::ConsumedRecord& record,
                 std::vector<process::OutputRecord>* out) override {
    Result<FeatureRow> row = parser_.Parse(record.value);
    Status fits = row.ok() ? CheckRowShape(options_.group, *row) : row.status();
    if (!fits.ok()) {
      out->push_back(process::DeadLetterOf(record, options_.dlq, fits.message()));
      return Status::Ok();
    }
    pending_.push_back(std::move(*row));
    if (pending_.size() >= options_.batch_rows) return Flush();
    return Status::Ok();
  }

  Status Finish(std::vector<process::OutputRecord>* /*out*/) override { return Flush(); }

  Status Flush() override {
    if (pending_.empty()) return Status::Ok();
    Backoff backoff({.initial = std::chrono::milliseconds(100), .max = options_.max_retry_wait});
    while (true) {
      const Status written = store_->Write(options_.group, pending_);
      if (written.ok()) break;
      const bool stopping = options_.stop != nullptr && options_.stop->load();
      if (written.code() != StatusCode::kUnavailable || stopping) return written;
      const auto wait = backoff.Next();
      LogWarning("feature store: " + written.message() + "; " + std::to_string(pending_.size()) +
                 " rows kept, retrying in " + std::to_string(wait.count()) + " ms");
      std::this_thread::sleep_for(wait);
    }
    pending_.clear();
    return Status::Ok();
  }

  // Stateless: rows not yet flushed are replayed from the checkpoint's offset.
  std::string SaveState() const override { return {}; }
  Status RestoreState(std::string_view /*bytes*/) override { return Status::Ok(); }

 private:
  FeatureStore* const store_;
  const StoreSinkOptions options_;
  RowJsonParser parser_;
  std::vector<FeatureRow> pending_;
};

}  // namespace

std::unique_ptr<process::PartitionOperator> MakeStoreSinkOperator(FeatureStore* store,
                                                                  const StoreSinkOptions& options) {
  return std::make_unique<StoreSinkOperator>(store, options);
}

}  // namespace rtml::features
