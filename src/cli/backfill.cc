// rtml backfill kraken: a pair's past trades from Kraken's REST API into the trades
// topic, resumable and idempotent (see ingest/kraken_backfill.h).
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "broker_flags.h"
#include "command.h"
#include "ensure_topic.h"
#include "rtml/core/clock.h"
#include "rtml/core/duration.h"
#include "rtml/core/timestamp.h"
#include "rtml/ingest/kraken_backfill.h"
#include "run_with_status.h"
#include "stop_signal.h"
#include "timestamp.h"

namespace rtml::cli {
namespace {

void DefineFlags(FlagSet& flags) {
  flags.Value("pair", "SYMBOL", "the pair as the websocket v2 API names it (BTC/USD); required");
  flags.Value("since", "TIME",
              "start of the range: ISO-8601 (2024-08-08T00:00Z), ms since the epoch, or a "
              "duration ago (6h); required");
  flags.Value("until", "TIME", "end of the range, inclusive, in the same forms (default now)");
  flags.Value("url", "URL",
              "the REST Trades endpoint (default https://api.kraken.com/0/public/Trades); "
              "e.g. the one rtml exchange-sim prints");
  flags.Value("topic", "NAME", "topic of the trades (default trades)");
  flags.Value("dlq-topic", "NAME", "topic of rejected replies and trades (default trades.dlq)");
  flags.Value("checkpoint-topic", "NAME", "where progress is kept (default <topic>.backfill)");
  flags.Value("create-partitions", "N", "partitions of a topic that must be created (default 1)");
  flags.Value("request-interval", "DURATION",
              "least time between requests (default 1s: Kraken's public rate)");
  flags.Value("max-retries", "N",
              "failures in a row (5xx, network) before giving up; rate limits are always "
              "waited out (default 10)");
  AddBrokerFlags(flags);
}

Result<ingest::KrakenBackfillOptions> OptionsFromFlags(const ParsedFlags& flags) {
  RTML_RETURN_IF_ERROR(flags.ExpectPositional(1, "the exchange: kraken"));
  if (flags.positional()[0] != "kraken") {
    return Status::InvalidArgument("backfill knows exchange 'kraken' only, not '" +
                                   flags.positional()[0] + "'");
  }
  ingest::KrakenBackfillOptions options;
  options.symbol = std::string(flags.Get("pair").value_or(""));
  if (options.symbol.empty()) return Status::InvalidArgument("--pair is required, e.g. BTC/USD");
  const std::optional<std::string_view> since = flags.Get("since");
  if (!since) return Status::InvalidArgument("--since is required, e.g. --since 2024-08-08");
  const int64_t now_ms = WallClockMs();
  Result<int64_t> since_ms = ParseTimeSpecMs(*since, now_ms);
  if (!since_ms.ok()) return since_ms.status().WithContext("flag --since");
  options.since_ms = *since_ms;
  if (auto until = flags.Get("until")) {
    Result<int64_t> until_ms = ParseTimeSpecMs(*until, now_ms);
    if (!until_ms.ok()) return until_ms.status().WithContext("flag --until");
    options.until_ms = *until_ms;
    if (options.until_ms < options.since_ms) {
      return Status::InvalidArgument("--until is before --since");
    }
  }
  if (auto url = flags.Get("url")) options.url = std::string(*url);
  options.sink.topic = flags.Get("topic").value_or(ingest::kDefaultTradesTopic);
  options.sink.dlq_topic = flags.Get("dlq-topic").value_or(ingest::kDefaultDeadLetterTopic);
  options.checkpoint_topic = flags.Get("checkpoint-topic").value_or("");  // "": the default
  if (auto interval = flags.Get("request-interval")) {
    RTML_ASSIGN_OR_RETURN(const int64_t ms, ParseDurationMs(*interval));
    options.request_interval = std::chrono::milliseconds(ms);
  }
  RTML_ASSIGN_OR_RETURN(const int64_t retries, flags.GetInt("max-retries", 10, 0, 1000));
  options.max_retries = static_cast<int>(retries);
  return options;
}

std::string StatusText(const ingest::KrakenBackfillProgress& p, std::string_view pair) {
  const double span = static_cast<double>(std::max<int64_t>(1, p.until_ms - p.since_ms));
  const double done = 100.0 * static_cast<double>(p.cursor_ms - p.since_ms) / span;
  char text[256];
  std::snprintf(text, sizeof(text),
                "backfill %.*s: %.0f%% | %" PRId64 " trades | %" PRId64 " pages | %" PRId64
                " rate limited | %" PRId64 " retries",
                static_cast<int>(pair.size()), pair.data(), std::clamp(done, 0.0, 100.0), p.written,
                p.pages, p.rate_limited, p.retries);
  return text;
}

ExitStatus Run(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  Result<ingest::KrakenBackfillOptions> options = OptionsFromFlags(flags);
  if (!options.ok()) return ExitStatus::Usage(options.status().message());
  Result<int64_t> partitions = flags.GetInt("create-partitions", 1, 1, 100000);
  if (!partitions.ok()) return ExitStatus::Usage(partitions.status().message());

  Result<std::unique_ptr<stream::Broker>> broker = OpenBrokerFromFlags(flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  // Create() checks the options and settles the topic names; nothing runs yet.
  Result<std::unique_ptr<ingest::KrakenBackfill>> backfill =
      ingest::KrakenBackfill::Create(*options, broker->get());
  if (!backfill.ok()) return ExitStatus::Usage(backfill.status().message());
  const ingest::KrakenBackfillOptions& settled = (*backfill)->options();
  for (const std::string& topic :
       {settled.sink.topic, settled.sink.dlq_topic, settled.checkpoint_topic}) {
    const Status ensured = EnsureTopic(**broker, topic, static_cast<int32_t>(*partitions));
    if (!ensured.ok()) return ExitStatus::Failure(ensured.WithContext("topic " + topic));
  }

  InstallStopHandlers();
  const std::string& pair = options->symbol;
  std::fprintf(stderr,
               "rtml backfill: kraken %s from %s -> topic %s (Ctrl-C to stop; a rerun "
               "resumes)\n",
               pair.c_str(), options->url.c_str(), options->sink.topic.c_str());
  ingest::KrakenBackfill& job = **backfill;
  const Status run_status = RunWithStatus({
      .run = [&] { return job.Run(); },
      .stop = [&] { job.Stop(); },
      .status = [&](StatusLine&) { return StatusText(job.progress(), pair); },
  });
  const ingest::KrakenBackfillProgress p = (*backfill)->progress();
  std::fprintf(stderr,
               "backfilled %" PRId64 " trades of %s (%" PRId64 " already stored) in %" PRId64
               " pages, %" PRId64 " requests (%" PRId64 " rate limited, %" PRId64
               " retried)%s; %s up to %s\n",
               p.written, pair.c_str(), p.already_stored, p.pages, p.requests, p.rate_limited,
               p.retries, p.resumed ? ", resumed from a checkpoint" : "",
               p.complete ? "complete" : "stopped, the topic is complete",
               FormatIso8601Ms(p.cursor_ms).c_str());
  if (!run_status.ok()) return ExitStatus::Failure(run_status);
  return ExitStatus::Ok();
}

}  // namespace

const Command& BackfillCommand() {
  static constexpr Command kBackfill{
      .name = "backfill",
      .summary = "Load past trades of a pair from Kraken's REST API",
      .usage = "rtml backfill kraken --pair SYMBOL --since TIME [--until TIME] [flags]",
      .description =
          "Pages through GET /0/public/Trades?pair=...&since=<cursor> from --since to\n"
          "--until (or now), writing each trade to --topic (key: pair) through the same\n"
          "validation as live ingestion, so backfilled and live trades of a pair share\n"
          "one key and one format.\n"
          "\n"
          "Rate-limit replies are waited out with exponential backoff and jitter; 5xx and\n"
          "network errors are retried up to --max-retries times in a row. After each page\n"
          "is durable its cursor is saved in --checkpoint-topic: a backfill that was\n"
          "stopped or killed resumes where it was when run again with the same --pair and\n"
          "--since (an absolute time: \"6h\" names a new start on each run). Trades already\n"
          "in the topic at or after --since (an earlier run, live ingestion) are skipped,\n"
          "so no rerun writes a trade twice. On a terminal a status line shows the\n"
          "progress; a summary ends on stderr.",
      .example =
          "rtml backfill kraken --pair BTC/USD --since 2024-08-08 --until 2024-08-09\n"
          "rtml backfill kraken --pair ETH/USD --since 6h\n"
          "rtml backfill kraken --pair BTC/USD --since 1h --url "
          "http://127.0.0.1:8080/0/public/Trades",
      .define_flags = DefineFlags,
      .run = Run,
  };
  return kBackfill;
}

}  // namespace rtml::cli
