// KrakenBackfill: the trades of one Kraken pair over a past time range, from the REST
// endpoint GET /0/public/Trades?pair=…&since=<ns cursor>, into the trades topic
// through the same validation as live ingestion (TradeSink).
//
// Paging: each reply holds up to 1000 trades after `since` and a `last` cursor; the
// next request passes `last`. The run ends at the first trade after `until_ms`, or
// when a reply holds no newer trades (caught up with now).
//
// Failures: a rate-limit reply ("EGeneral:Too many requests", HTTP 429) waits with
// exponential backoff and full jitter and retries, however often it comes, since
// waiting is the only cure; a 5xx, an "EService:" error, a network error or an
// unreadable body (dead-lettered once, with the reason) is retried up to
// `max_retries` times in a row, then the run fails with the last error. Any other
// Kraken error (e.g. "EQuery:Unknown asset pair") fails at once. A Retry-After
// header sets the least wait.
//
// Restart and idempotence. After each page is durable in the topic, a checkpoint
// (the cursor) is written to `checkpoint_topic`, keyed by exchange, pair and start
// time; a run with the same pair and --since resumes from its newest checkpoint, so
// a killed backfill goes on where it stopped. Writes are idempotent: at start the
// run reads the trade ids of the pair already in the topic at or after `since_ms`
// (written by an earlier run that died before its checkpoint, by a previous
// backfill, or by live ingestion) and skips them, so re-running a backfill, or
// running it over a range that live ingestion already covered, adds no trade twice.
//
// Threads: Run() on one thread; Stop() and progress() from any.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "rtml/core/backoff.h"
#include "rtml/core/result.h"
#include "rtml/ingest/net/http_client.h"
#include "rtml/ingest/trade_sink.h"
#include "rtml/stream/broker.h"

namespace rtml::ingest {

inline constexpr std::string_view kKrakenRestTradesUrl = "https://api.kraken.com/0/public/Trades";

struct KrakenBackfillOptions {
  std::string url = std::string(kKrakenRestTradesUrl);  // the Trades endpoint
  std::string symbol;  // the v2 symbol ("BTC/USD"); the REST name is derived from it
  int64_t since_ms = 0;
  int64_t until_ms = 0;  // inclusive; 0: the time Run() starts
  // Topics and validation; the validator's max_age_ms is ignored (history is old).
  TradeSinkOptions sink;
  // Default: `sink.topic` + ".backfill".
  std::string checkpoint_topic;
  // Least time between two requests. Kraken allows public calls at about one per
  // second; faster clients get rate-limited.
  std::chrono::milliseconds request_interval{1000};
  std::chrono::milliseconds request_timeout{30'000};
  int max_retries = 10;  // consecutive failures other than rate limits
  BackoffOptions backoff{.initial = std::chrono::milliseconds(500),
                         .max = std::chrono::milliseconds(60'000)};
  net::HttpClientOptions http;
};

struct KrakenBackfillProgress {
  int64_t pages = 0;           // replies with trades or the end
  int64_t requests = 0;        // HTTP requests, retries included
  int64_t rate_limited = 0;    // rate-limit replies
  int64_t retries = 0;         // other failures retried
  int64_t written = 0;         // trades written by this run
  int64_t already_stored = 0;  // trades skipped: in the topic before this run
  int64_t since_ms = 0;
  int64_t until_ms = 0;
  int64_t cursor_ms = 0;   // everything up to here is in the topic
  bool resumed = false;    // started from a checkpoint
  bool complete = false;   // reached until_ms or now
  std::string last_error;  // of the latest failed request
};

class KrakenBackfill {
 public:
  // InvalidArgument for a missing symbol, since_ms <= 0, until_ms < since_ms, a URL
  // that is not http(s)://, or a bad topic name. options() holds the settled topics. `broker` is
  // not owned and must outlive the backfill; the trades, dead-letter and checkpoint topics must
  // exist.
  static Result<std::unique_ptr<KrakenBackfill>> Create(KrakenBackfillOptions options,
                                                        stream::Broker* broker);
  ~KrakenBackfill();

  // Runs until the range is complete (OK), Stop() (OK, with a checkpoint), or a
  // failure that retrying cannot cure (the error; the checkpoint keeps what is done).
  Status Run();
  void Stop() { stop_.store(true); }

  KrakenBackfillProgress progress() const;
  const KrakenBackfillOptions& options() const { return options_; }

 private:
  KrakenBackfill(KrakenBackfillOptions options, stream::Broker* broker);
  void UpdateProgress(const std::function<void(KrakenBackfillProgress&)>& update);
  // Sleeps up to `wait`, in slices, returning early on Stop().
  void Sleep(std::chrono::milliseconds wait) const;

  const KrakenBackfillOptions options_;
  stream::Broker* const broker_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;  // guards progress_
  KrakenBackfillProgress progress_;
};

}  // namespace rtml::ingest
