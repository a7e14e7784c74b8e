// rtml ingest kraken|binance: live trades from an exchange websocket into the
// trades topic, through the same validation and sink as replay and backfill.
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "broker_flags.h"
#include "command.h"
#include "ensure_topic.h"
#include "rtml/core/duration.h"
#include "rtml/ingest/live_feed.h"
#include "rtml/ingest/trade_sink.h"
#include "run_with_status.h"
#include "stop_signal.h"
#include "stored_trades.h"

namespace rtml::cli {
namespace {

void DefineFlags(FlagSet& flags) {
  flags.Value("pairs", "LIST",
              "comma-separated pairs: Kraken v2 symbols (BTC/USD,ETH/USD) or Binance symbols "
              "(BTCUSDT,ETHUSDT); required");
  flags.Value("url", "URL",
              "feed URL (default wss://ws.kraken.com/v2, or wss://stream.binance.com:9443 "
              "to which /stream?streams=... is added); e.g. the one rtml exchange-sim prints");
  flags.Value("topic", "NAME", "topic of accepted trades (default trades)");
  flags.Value("dlq-topic", "NAME", "topic of rejected frames, with reasons (default trades.dlq)");
  flags.Value("create-partitions", "N", "partitions of a topic that must be created (default 1)");
  flags.Value("silence-timeout", "DURATION",
              "no message for this long means a dead connection (default: kraken 10s, "
              "binance 5m)");
  flags.Value("max-trade-age", "DURATION|unlimited",
              "reject trades older than this at arrival (default 1d); unlimited to ingest a "
              "replay of old captures through exchange-sim");
  AddBrokerFlags(flags);
}

Result<ingest::LiveFeedOptions> FeedOptionsFromFlags(const ParsedFlags& flags) {
  RTML_RETURN_IF_ERROR(flags.ExpectPositional(1, "the exchange: kraken or binance"));
  ingest::LiveFeedOptions options;
  RTML_ASSIGN_OR_RETURN(options.exchange, ingest::ParseExchange(flags.positional()[0]));
  options.pairs = SplitCommaList(flags.Get("pairs").value_or(""));
  if (options.pairs.empty()) {
    return Status::InvalidArgument("--pairs is required, e.g. --pairs BTC/USD,ETH/USD");
  }
  options.url = std::string(flags.Get("url").value_or(""));
  if (auto silence = flags.Get("silence-timeout")) {
    RTML_ASSIGN_OR_RETURN(const int64_t ms, ParseDurationMs(*silence));
    options.silence_timeout = std::chrono::milliseconds(ms);
  }
  return options;
}

std::string StatusText(std::string_view exchange, double rate, const ingest::LiveFeedStats& s) {
  char text[256];
  std::snprintf(text, sizeof(text),
                "ingest %.*s: %.0f trades/s | trades %lld | bad frames %lld | reconnects %lld",
                static_cast<int>(exchange.size()), exchange.data(), rate,
                static_cast<long long>(s.trades), static_cast<long long>(s.bad_frames),
                static_cast<long long>(s.reconnects));
  return text;
}

ExitStatus Run(const Invocation& invocation) {
  const ParsedFlags& flags = invocation.flags;
  Result<ingest::LiveFeedOptions> options = FeedOptionsFromFlags(flags);
  if (!options.ok()) return ExitStatus::Usage(options.status().message());
  Result<int64_t> partitions = flags.GetInt("create-partitions", 1, 1, 100000);
  if (!partitions.ok()) return ExitStatus::Usage(partitions.status().message());
  ingest::TradeSinkOptions sink_options;
  sink_options.topic = flags.Get("topic").value_or(ingest::kDefaultTradesTopic);
  sink_options.dlq_topic = flags.Get("dlq-topic").value_or(ingest::kDefaultDeadLetterTopic);
  if (auto age = flags.Get("max-trade-age")) {
    Result<int64_t> ms =
        *age == "unlimited" ? Result<int64_t>(INT64_MAX / 2) : ParseDurationMs(*age);
    if (!ms.ok())
      return ExitStatus::Usage(ms.status().WithContext("flag --max-trade-age").message());
    sink_options.validator.max_age_ms = *ms;
  }

  Result<std::unique_ptr<stream::Broker>> broker = OpenBrokerFromFlags(flags);
  if (!broker.ok()) return ExitStatus::FromInputStatus(broker.status());
  for (const std::string& topic : {sink_options.topic, sink_options.dlq_topic}) {
    const Status ensured = EnsureTopic(**broker, topic, static_cast<int32_t>(*partitions));
    if (!ensured.ok()) return ExitStatus::Failure(ensured.WithContext("topic " + topic));
  }
  Result<std::unique_ptr<stream::Producer>> producer = (*broker)->NewProducer();
  if (!producer.ok()) return ExitStatus::Failure(producer.status());
  ingest::TradeSink sink(**producer, sink_options);
  // A restart's first snapshot repeats trades already stored: not twice.
  if (Result<size_t> skipped = SkipStoredTrades(**broker, sink, options->pairs); !skipped.ok()) {
    return ExitStatus::Failure(skipped.status().WithContext("topic " + sink_options.topic));
  }
  Result<std::unique_ptr<ingest::LiveFeed>> feed = ingest::LiveFeed::Create(*options, &sink);
  if (!feed.ok()) return ExitStatus::Usage(feed.status().message());

  InstallStopHandlers();
  const std::string_view exchange = ingest::ExchangeName(options->exchange);
  std::fprintf(stderr, "rtml ingest: %.*s feed %s -> topic %s (Ctrl-C to stop)\n",
               static_cast<int>(exchange.size()), exchange.data(), (*feed)->url().c_str(),
               sink_options.topic.c_str());
  ingest::LiveFeed& live = **feed;
  // Run() returns on Stop(), or early on a broker failure.
  const Status run_status = RunWithStatus({
      .run = [&] { return live.Run(); },
      .stop = [&] { live.Stop(); },
      .status =
          [&](StatusLine& line) {
            const ingest::LiveFeedStats stats = live.stats();
            return StatusText(exchange, line.Rate(stats.trades), stats);
          },
  });
  const Status flushed = sink.Flush();
  const ingest::TradeCounters c = sink.counters();
  const ingest::LiveFeedStats stats = (*feed)->stats();
  std::fprintf(stderr,
               "ingested %lld trades (%lld rejected, %lld duplicates, %lld ids missing) over "
               "%lld connections\n",
               static_cast<long long>(c.accepted), static_cast<long long>(c.rejected),
               static_cast<long long>(c.duplicates), static_cast<long long>(c.gaps),
               static_cast<long long>(stats.connects));
  if (!run_status.ok()) return ExitStatus::Failure(run_status);
  if (!flushed.ok()) return ExitStatus::Failure(flushed);
  return ExitStatus::Ok();
}

}  // namespace

const Command& IngestCommand() {
  static constexpr Command kIngest{
      .name = "ingest",
      .summary = "Ingest live trades from an exchange websocket",
      .usage = "rtml ingest kraken|binance --pairs LIST [flags]",
      .description =
          "Connects to the exchange's public trade feed (Kraken websocket API v2, or\n"
          "Binance combined streams), subscribes to --pairs, and writes every trade to\n"
          "--topic (key: pair) through the same validation as replay: invalid trades and\n"
          "unreadable frames go to --dlq-topic with their reason, duplicates (a\n"
          "reconnect's snapshot, or trades already in --topic when it starts) are\n"
          "dropped, gaps in trade ids are counted.\n"
          "\n"
          "The feed survives outages: a lost or silent connection is reopened with\n"
          "exponential backoff and jitter and the pairs are subscribed again; Binance\n"
          "connections are renewed before the exchange's 24 h cut. On a terminal a status\n"
          "line shows trades/s, bad frames and reconnects. Ctrl-C or SIGTERM stops it after\n"
          "flushing what was received; a summary ends on stderr.",
      .example =
          "rtml ingest kraken --pairs BTC/USD,ETH/USD\n"
          "rtml ingest binance --pairs BTCUSDT,ETHUSDT --broker kafka://localhost:9092\n"
          "rtml ingest kraken --pairs BTC/USD --url ws://127.0.0.1:8080/v2",
      .define_flags = DefineFlags,
      .run = Run,
  };
  return kIngest;
}

}  // namespace rtml::cli
