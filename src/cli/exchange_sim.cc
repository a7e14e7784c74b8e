// rtml exchange-sim: a local exchange (Kraken v2 websocket, Binance combined streams,
// Kraken REST Trades) on a loopback port, fed by a synthetic market or a capture
// replay, with optional fault injection. Runs until Ctrl-C or SIGTERM.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "command.h"
#include "rtml/core/clock.h"
#include "rtml/core/duration.h"
#include "rtml/ingest/replay_pacer.h"
#include "rtml/ingest/sim/exchange_simulator.h"
#include "stop_signal.h"

namespace rtml::cli {
namespace {

using ingest::sim::ExchangeSimulator;
using ingest::sim::ExchangeSimulatorOptions;
using ingest::sim::SimulatorStats;

void DefineFlags(FlagSet& flags) {
  flags.Value("port", "N", "TCP port on 127.0.0.1 (default 0: any free port, printed)");
  flags.Value("seed", "S", "seed of the synthetic market (default 1)");
  flags.Value("pairs", "LIST",
              "Kraken v2 symbols, comma-separated (default BTC/USD,ETH/USD,SOL/USD); "
              "Binance serves BASE+USDT, Kraken REST XBTUSD etc.");
  flags.Value("rate", "TRADES_PER_S", "mean trades per second over all pairs (default 20)");
  flags.Value("history", "DURATION",
              "synthetic trades that already happened at start, for REST and snapshots "
              "(default 10m)");
  flags.Value("truth", "FILE", "write every synthetic trade to FILE as JSON lines");
  flags.Repeated("replay", "FILE",
                 "replay this Binance capture instead of the synthetic market; repeat it or "
                 "list more files after it");
  flags.Value("speed", "N|max", "replay at N times the recorded pace, or max (default 1)");
  flags.Value("faults", "SPEC",
              "inject faults, e.g. drop=5s,stall-heartbeat=10s,malformed=0.01,truncated=0.01,"
              "duplicate=0.02,reorder=0.01,rate-limit=0.3,server-error=0.1 (default none)");
  flags.Value("tls-cert", "FILE", "serve wss:// and https:// with this PEM certificate");
  flags.Value("tls-key", "FILE", "the PEM private key of --tls-cert");
}

Result<ExchangeSimulatorOptions> OptionsFromFlags(const ParsedFlags& flags) {
  ExchangeSimulatorOptions options;
  RTML_ASSIGN_OR_RETURN(const int64_t port, flags.GetInt("port", 0, 0, 65535));
  options.port = static_cast<uint16_t>(port);
  RTML_ASSIGN_OR_RETURN(const int64_t seed, flags.GetInt("seed", 1, 0, INT64_MAX));
  options.market.seed = static_cast<uint64_t>(seed);
  options.fault_seed = static_cast<uint64_t>(seed);
  if (auto pairs = flags.Get("pairs")) {
    options.market.pairs.clear();
    std::string_view rest = *pairs;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      if (comma != 0) options.market.pairs.emplace_back(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (options.market.pairs.empty()) return Status::InvalidArgument("flag --pairs: no pairs");
  }
  if (auto rate = flags.Get("rate")) {
    const std::string text(*rate);
    char* end = nullptr;
    options.market.trades_per_second = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() ||
        !(options.market.trades_per_second > 0)) {
      return Status::InvalidArgument("flag --rate: '" + text + "' is not a positive number");
    }
  }
  if (auto history = flags.Get("history")) {
    Result<int64_t> ms = ParseDurationMs(*history);
    if (!ms.ok()) return ms.status().WithContext("flag --history");
    options.history = std::chrono::milliseconds(*ms);
  }
  options.truth_file = flags.Get("truth").value_or("");
  for (std::string_view file : flags.GetAll("replay")) options.replay_files.emplace_back(file);
  if (!flags.positional().empty()) {
    if (options.replay_files.empty()) {
      return Status::InvalidArgument("unexpected argument '" + flags.positional()[0] +
                                     "' (capture files follow --replay)");
    }
    for (const std::string& file : flags.positional()) options.replay_files.push_back(file);
  }
  if (flags.Get("speed") && options.replay_files.empty()) {
    return Status::InvalidArgument("--speed applies to --replay only");
  }
  RTML_ASSIGN_OR_RETURN(options.replay_speed,
                        ingest::ReplayPacer::ParseSpeed(flags.Get("speed").value_or("1")));
  Result<ingest::sim::FaultSpec> faults =
      ingest::sim::ParseFaultSpec(flags.Get("faults").value_or(""));
  if (!faults.ok()) return faults.status().WithContext("flag --faults");
  options.faults = *faults;
  options.cert_file = flags.Get("tls-cert").value_or("");
  options.key_file = flags.Get("tls-key").value_or("");
  if (options.cert_file.empty() != options.key_file.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  }
  return options;
}

std::string StatusText(const SimulatorStats& stats, bool replay) {
  std::string text = "exchange-sim: ";
  if (replay) {
    text += std::to_string(stats.replay_frames) + " frames replayed" +
            (stats.replay_finished ? " (finished)" : "");
  } else {
    text += std::to_string(stats.trades_generated) + " trades";
  }
  text += ", " + std::to_string(stats.connections_open) + " connections (" +
          std::to_string(stats.connections_opened) + " opened), " +
          std::to_string(stats.rest_requests) + " REST requests, " +
          std::to_string(stats.faults()) + " faults";
  return text;
}

ExitStatus Run(const Invocation& invocation) {
  Result<ExchangeSimulatorOptions> options = OptionsFromFlags(invocation.flags);
  if (!options.ok()) return ExitStatus::FromInputStatus(options.status());
  const bool replay = !options->replay_files.empty();
  const std::string faults = options->faults.ToString();

  InstallStopHandlers();
  Result<std::unique_ptr<ExchangeSimulator>> sim = ExchangeSimulator::Start(*options);
  if (!sim.ok()) return ExitStatus::FromInputStatus(sim.status());

  std::printf("Kraken websocket v2:   %s\n", (*sim)->KrakenWebSocketUrl().c_str());
  std::printf("Binance streams:       %s?streams=%s\n", (*sim)->BinanceStreamUrl().c_str(),
              replay ? "btcusdt@trade" : "btcusdt@trade/ethusdt@trade");
  std::printf("Kraken REST trades:    %s?pair=XBTUSD&since=0\n", (*sim)->KrakenRestUrl().c_str());
  if (replay) {
    std::printf(
        "source:                replay of %zu file(s), starting with the first Binance "
        "client\n",
        options->replay_files.size());
  } else {
    std::string pairs;
    for (const auto& pair : (*sim)->pairs()) {
      pairs += (pairs.empty() ? "" : ", ") + pair.symbol + " (" + pair.binance_symbol + ", " +
               pair.rest_altname + ")";
    }
    std::printf("source:                synthetic market, seed %llu, %g trades/s: %s\n",
                static_cast<unsigned long long>(options->market.seed),
                options->market.trades_per_second, pairs.c_str());
  }
  std::printf("faults:                %s\n", faults.c_str());
  std::fflush(stdout);

  const bool status_line = isatty(STDERR_FILENO) == 1;
  int64_t last_print_ns = 0;
  while (!StopRequested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (status_line && MonotonicNs() - last_print_ns >= 1'000'000'000) {
      last_print_ns = MonotonicNs();
      std::fprintf(stderr, "\r%s\033[K", StatusText((*sim)->stats(), replay).c_str());
      std::fflush(stderr);
    }
  }
  (*sim)->Stop();
  if (status_line) std::fputc('\n', stderr);
  std::fprintf(stderr, "%s\n", StatusText((*sim)->stats(), replay).c_str());
  return ExitStatus::Ok();
}

constexpr Command kCommand{
    .name = "exchange-sim",
    .summary = "Run a local exchange (Kraken v2, Binance streams, Kraken REST) for testing",
    .usage =
        "rtml exchange-sim [--port N] [--seed S] [--pairs LIST] [--rate R] [--faults SPEC]\n"
        "rtml exchange-sim --replay FILE... [--speed N|max] [--faults SPEC]",
    .description =
        "Serves, on one loopback port, the Kraken websocket v2 trade channel (/v2), Binance\n"
        "combined trade streams (/stream?streams=...) and Kraken REST Trades\n"
        "(/0/public/Trades), in each exchange's own format, until Ctrl-C or SIGTERM.\n"
        "\n"
        "The source is a seeded synthetic market (bursty arrivals, volatility clustering,\n"
        "heavy-tailed sizes; the same seed gives the same trades) whose history starts\n"
        "--history before now, or a replay of Binance captures (<receive ns> <frame> lines,\n"
        "gzip or plain) that starts when the first Binance client connects; each client\n"
        "gets the frames of its streams from where the replay is. --faults injects drops,\n"
        "stalls, malformed/truncated frames, duplicates, reordering and REST errors; every\n"
        "injected fault is counted in the status line.",
    .example =
        "rtml exchange-sim --port 8765 --pairs BTC/USD,ETH/USD --rate 50\n"
        "rtml exchange-sim --faults drop=30s,duplicate=0.01,rate-limit=0.2\n"
        "rtml exchange-sim --replay spot_btcusdt_20240808.gz spot_btcusdt_20240809.gz "
        "--speed max",
    .define_flags = DefineFlags,
    .run = Run,
};

}  // namespace

const Command& ExchangeSimCommand() { return kCommand; }

}  // namespace rtml::cli
