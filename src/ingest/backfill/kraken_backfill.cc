#include "rtml/ingest/kraken_backfill.h"

#include <algorithm>
#include <thread>

#include "backfill_checkpoint.h"
#include "rtml/core/clock.h"
#include "rtml/ingest/kraken_rest_parser.h"
#include "rtml/stream/topic.h"
#include "stored_trade_ids.h"

namespace rtml::ingest {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kExchange = "kraken";
constexpr int64_t kNsPerMs = 1'000'000;

// The cursor that includes every trade of millisecond `ms` (Kraken's `since` is
// exclusive, in ns).
int64_t LastNsOfMs(int64_t ms) { return (ms + 1) * kNsPerMs - 1; }

// What one request came to.
struct Reply {
  enum class Kind {
    kPage,         // a page of trades was parsed
    kRateLimited,  // wait and ask again, as often as it takes
    kRetry,        // a failure that may pass: retry a bounded number of times
    kFatal,        // retrying cannot help
  };
  Kind kind = Kind::kPage;
  milliseconds retry_after{0};  // the server's least wait (Retry-After), 0 if none
  Status error;                 // kRetry / kFatal: why
};

milliseconds RetryAfter(const net::HttpResponse& response) {
  const auto value = response.Header("Retry-After");
  if (!value) return milliseconds(0);
  int64_t seconds = 0;
  for (const char c : *value) {
    if (c < '0' || c > '9' || seconds > 86'400) return milliseconds(0);  // an HTTP date: ignore
    seconds = seconds * 10 + (c - '0');
  }
  return milliseconds(seconds * 1000);
}

std::string Join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// Turns an HTTP exchange into a page (in *page) or what to do instead. A body that
// does not parse is dead-lettered through `sink`.
Result<Reply> Classify(const Result<net::HttpResponse>& response, const std::string& url,
                       const std::string& source, KrakenRestParser& parser, TradeSink& sink,
                       KrakenTradesPage* page) {
  Reply reply;
  if (!response.ok()) {
    const bool bad_url = response.status().code() == StatusCode::kInvalidArgument;
    reply.kind = bad_url ? Reply::Kind::kFatal : Reply::Kind::kRetry;
    reply.error = response.status();
    return reply;
  }
  reply.retry_after = RetryAfter(*response);
  if (response->status == 429) {
    reply.kind = Reply::Kind::kRateLimited;
    return reply;
  }
  if (response->status != 200) {
    reply.kind = response->status >= 500 ? Reply::Kind::kRetry : Reply::Kind::kFatal;
    reply.error = Status::IOError("HTTP " + std::to_string(response->status) + " from " + url);
    return reply;
  }
  const Status parsed = parser.Parse(response->body, WallClockNs(), page);
  if (!parsed.ok()) {
    RTML_RETURN_IF_ERROR(sink.Reject(response->body, parsed.message(), source));
    reply.kind = Reply::Kind::kRetry;
    reply.error = parsed.WithContext("unreadable reply from " + url);
    return reply;
  }
  switch (page->outcome) {
    case KrakenTradesPage::Outcome::kTrades:
      reply.kind = Reply::Kind::kPage;
      break;
    case KrakenTradesPage::Outcome::kRateLimited:
      reply.kind = Reply::Kind::kRateLimited;
      break;
    case KrakenTradesPage::Outcome::kUnavailable:
      reply.kind = Reply::Kind::kRetry;
      reply.error = Status::IOError("Kraken is unavailable: " + Join(page->errors));
      break;
    case KrakenTradesPage::Outcome::kError:
      reply.kind = Reply::Kind::kFatal;
      reply.error = Status::InvalidArgument("Kraken refused " + url + ": " + Join(page->errors));
      break;
  }
  return reply;
}

}  // namespace

Result<std::unique_ptr<KrakenBackfill>> KrakenBackfill::Create(KrakenBackfillOptions options,
                                                               stream::Broker* broker) {
  if (options.symbol.empty()) return Status::InvalidArgument("no pair to backfill");
  if (options.since_ms <= 0) return Status::InvalidArgument("the start time must be after 1970");
  if (options.until_ms != 0 && options.until_ms < options.since_ms) {
    return Status::InvalidArgument("the end time is before the start time");
  }
  if (!options.url.starts_with("http://") && !options.url.starts_with("https://")) {
    return Status::InvalidArgument("'" + options.url + "' is not an http:// or https:// URL");
  }
  if (options.checkpoint_topic.empty()) options.checkpoint_topic = options.sink.topic + ".backfill";
  for (const std::string* topic :
       {&options.sink.topic, &options.sink.dlq_topic, &options.checkpoint_topic}) {
    RTML_RETURN_IF_ERROR(stream::ValidateTopicName(*topic));
  }
  // Every trade of a backfill is old by the time it is fetched.
  options.sink.validator.max_age_ms = INT64_MAX / 2;
  return std::unique_ptr<KrakenBackfill>(new KrakenBackfill(std::move(options), broker));
}

KrakenBackfill::KrakenBackfill(KrakenBackfillOptions options, stream::Broker* broker)
    : options_(std::move(options)), broker_(broker) {}

KrakenBackfill::~KrakenBackfill() = default;

KrakenBackfillProgress KrakenBackfill::progress() const {
  std::lock_guard lock(mu_);
  return progress_;
}

void KrakenBackfill::UpdateProgress(const std::function<void(KrakenBackfillProgress&)>& update) {
  std::lock_guard lock(mu_);
  update(progress_);
}

void KrakenBackfill::Sleep(milliseconds wait) const {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (!stop_.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        milliseconds(50), until - std::chrono::steady_clock::now()));
  }
}

Status KrakenBackfill::Run() {
  const int64_t until_ms = options_.until_ms > 0 ? options_.until_ms : WallClockMs();
  const int64_t end_ns = LastNsOfMs(until_ms);
  BackfillCheckpoint checkpoint{.exchange = std::string(kExchange),
                                .pair = options_.symbol,
                                .since_ms = options_.since_ms,
                                .until_ms = until_ms,
                                .cursor_ns = options_.since_ms * kNsPerMs - 1};
  RTML_ASSIGN_OR_RETURN(
      const std::optional<BackfillCheckpoint> saved,
      LoadCheckpoint(*broker_, options_.checkpoint_topic,
                     CheckpointKey(kExchange, options_.symbol, options_.since_ms)));
  if (saved) {
    checkpoint.cursor_ns = std::max(checkpoint.cursor_ns, saved->cursor_ns);
    checkpoint.written = saved->written;
  }
  UpdateProgress([&](KrakenBackfillProgress& p) {
    p.since_ms = options_.since_ms;
    p.until_ms = until_ms;
    p.cursor_ms = checkpoint.cursor_ns / kNsPerMs;
    p.resumed = saved.has_value();
    p.complete = checkpoint.cursor_ns >= end_ns;
  });
  if (checkpoint.cursor_ns >= end_ns) return Status::Ok();  // an earlier run did it all

  RTML_ASSIGN_OR_RETURN(const StoredTradeIds stored,
                        StoredTradeIds::Read(*broker_, options_.sink.topic, kExchange,
                                             options_.symbol, options_.since_ms));
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Producer> producer, broker_->NewProducer());
  TradeSink sink(*producer, options_.sink);
  KrakenRestParser parser({.exchange = std::string(kExchange), .symbol = options_.symbol});
  Backoff backoff(options_.backoff);
  const std::string source = "kraken-rest:" + options_.url;
  const std::string url_prefix =
      options_.url + "?pair=" + KrakenRestPairForSymbol(options_.symbol) + "&since=";
  KrakenTradesPage page;
  int failures = 0;  // in a row, rate limits aside
  auto next_request = std::chrono::steady_clock::now();
  while (!stop_.load()) {
    Sleep(
        std::chrono::duration_cast<milliseconds>(next_request - std::chrono::steady_clock::now()));
    if (stop_.load()) break;
    next_request = std::chrono::steady_clock::now() + options_.request_interval;
    const std::string url = url_prefix + std::to_string(checkpoint.cursor_ns);
    const Result<net::HttpResponse> response =
        net::HttpGet(url, options_.request_timeout, options_.http);
    RTML_ASSIGN_OR_RETURN(const Reply reply, Classify(response, url, source, parser, sink, &page));
    UpdateProgress([&](KrakenBackfillProgress& p) {
      ++p.requests;
      p.rate_limited += reply.kind == Reply::Kind::kRateLimited;
      if (reply.kind == Reply::Kind::kRateLimited) p.last_error = "rate limited";
      if (!reply.error.ok()) p.last_error = reply.error.message();
    });
    if (reply.kind == Reply::Kind::kFatal) return reply.error;
    if (reply.kind == Reply::Kind::kRateLimited) {
      Sleep(backoff.NextAtLeast(reply.retry_after));
      continue;
    }
    if (reply.kind == Reply::Kind::kRetry) {
      if (++failures > options_.max_retries) {
        return reply.error.WithContext("gave up after " + std::to_string(options_.max_retries) +
                                       " retries");
      }
      UpdateProgress([](KrakenBackfillProgress& p) { ++p.retries; });
      Sleep(backoff.NextAtLeast(reply.retry_after));
      continue;
    }
    failures = 0;
    backoff.Reset();

    // A page: write what is new, then record how far the topic is complete.
    bool reached_end = page.trades.empty();  // no newer trades: caught up with now
    int64_t cursor_ns = reached_end ? checkpoint.cursor_ns : page.last;
    int64_t skipped = 0;
    const int64_t accepted_before = sink.counters().accepted;
    for (const Trade& trade : page.trades) {
      if (trade.ts_ms > until_ms) {
        reached_end = true;
        cursor_ns = end_ns;
        break;
      }
      if (stored.contains(trade.trade_id)) {
        ++skipped;
        continue;
      }
      std::string raw;  // a rejected trade is dead-lettered as read, not the whole page
      AppendTradeJson(trade, raw);
      RTML_RETURN_IF_ERROR(sink.Accept(trade, raw, source));
    }
    if (!reached_end && cursor_ns <= checkpoint.cursor_ns) {
      return Status::IOError("the cursor did not advance: " + url +
                             " returned last=" + std::to_string(page.last));
    }
    RTML_RETURN_IF_ERROR(sink.Flush());
    const int64_t written = sink.counters().accepted - accepted_before;
    checkpoint.cursor_ns = std::min(cursor_ns, end_ns);
    checkpoint.written += written;
    checkpoint.complete = reached_end;
    RTML_RETURN_IF_ERROR(SaveCheckpoint(*producer, options_.checkpoint_topic, checkpoint));
    RTML_RETURN_IF_ERROR(producer->Flush());
    UpdateProgress([&](KrakenBackfillProgress& p) {
      ++p.pages;
      p.written += written;
      p.already_stored += skipped;
      p.cursor_ms = checkpoint.cursor_ns / kNsPerMs;
      p.complete = reached_end;
      p.last_error.clear();
    });
    if (reached_end) return Status::Ok();
  }
  return sink.Flush();
}

}  // namespace rtml::ingest
