// kafka_produce_bench: how fast rtml's Kafka producer writes compared with kcat,
// both writing the same N 100-byte JSON lines to the same mock Kafka cluster
// (rtml_mock_kafka, 3 brokers, topics of 6 partitions) in the same run.
//
//   BM_KcatProduce       kcat -P reading the file of N lines (process start included)
//   BM_RtmlProducer      rtml's Producer in this process: open, Produce() x N, Flush()
//   BM_RtmlCliProduce    `rtml produce --file` on the same file (JSON parsing included)
//
// Both clients run with the same settings: idempotence on, acks=all, murmur2_random
// partitioner, linger 5 ms; records have no key. Each run checks its own answer: the
// topic's end offsets must grow by exactly N (the mock keeps only the newest few MB,
// so records are counted by offsets). At the end it prints each client's median
// records/s and the ratio rtml / kcat.
//
// N defaults to 1000000; set RTML_BENCH_KAFKA_RECORDS to change it.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mock_kafka_process.h"
#include "rtml/stream/broker.h"

namespace {

using rtml::testing::MockKafkaProcess;

constexpr int kPartitions = 6;
constexpr size_t kRecordBytes = 100;  // one line, newline excluded

struct Setup {
  std::unique_ptr<MockKafkaProcess> cluster;
  std::unique_ptr<rtml::stream::Broker> broker;
  std::string file;                // N lines of kRecordBytes
  std::vector<std::string> lines;  // the same lines
};

int64_t RecordCount() {
  const char* env = std::getenv("RTML_BENCH_KAFKA_RECORDS");
  return env != nullptr ? std::max<int64_t>(1, std::atoll(env)) : 1'000'000;
}

// Fixed-size JSON lines: {"i":123,"pad":"xxxx..."}.
std::string Line(int64_t i) {
  std::string line = R"({"i":)" + std::to_string(i) + R"(,"pad":")";
  line.append(kRecordBytes - line.size() - 2, 'x');
  line += "\"}";
  return line;
}

Setup& TheSetup() {
  static Setup* setup = [] {
    auto* s = new Setup;
    auto cluster = MockKafkaProcess::Start(
        RTML_MOCK_KAFKA_BIN, 3,
        {"kcat:" + std::to_string(kPartitions), "rtml:" + std::to_string(kPartitions),
         "rtml-cli:" + std::to_string(kPartitions)});
    if (!cluster.ok()) {
      std::fprintf(stderr, "cannot start the mock cluster: %s\n",
                   cluster.status().ToString().c_str());
      std::exit(1);
    }
    s->cluster = std::move(cluster).value();
    auto broker = rtml::stream::OpenBroker(s->cluster->uri());
    if (!broker.ok()) {
      std::fprintf(stderr, "cannot open %s: %s\n", s->cluster->uri().c_str(),
                   broker.status().ToString().c_str());
      std::exit(1);
    }
    s->broker = std::move(broker).value();
    const char* tmp = std::getenv("TMPDIR");
    s->file = std::string(tmp != nullptr ? tmp : "/tmp") + "/rtml-kafka-bench-" +
              std::to_string(getpid()) + ".jsonl";
    std::ofstream out(s->file);
    const int64_t n = RecordCount();
    for (int64_t i = 0; i < n; ++i) {
      s->lines.push_back(Line(i));
      out << s->lines.back() << '\n';
    }
    return s;
  }();
  return *setup;
}

int64_t EndOffsetSum(const std::string& topic) {
  auto description = TheSetup().broker->DescribeTopic(topic);
  if (!description.ok()) return -1;
  int64_t sum = 0;
  for (const auto& partition : description->partitions) sum += partition.end_offset;
  return sum;
}

// records/s of every run, by client, for the summary.
std::map<std::string, std::vector<double>>& Rates() {
  static std::map<std::string, std::vector<double>> rates;
  return rates;
}

// Times `produce` writing N records to `topic`; checks they all arrived.
template <typename Produce>
void RunProduce(benchmark::State& state, const std::string& client, const std::string& topic,
                Produce produce) {
  Setup& setup = TheSetup();
  const int64_t n = static_cast<int64_t>(setup.lines.size());
  for (auto _ : state) {
    const int64_t before = EndOffsetSum(topic);
    const auto start = std::chrono::steady_clock::now();
    const std::string error = produce(setup, topic);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    if (!error.empty()) {
      state.SkipWithError(error.c_str());
      return;
    }
    const int64_t arrived = EndOffsetSum(topic) - before;
    if (arrived != n) {
      const std::string message = client + ": " + std::to_string(arrived) + " records arrived, " +
                                  std::to_string(n) + " expected";
      state.SkipWithError(message.c_str());
      return;
    }
    Rates()[client].push_back(static_cast<double>(n) / seconds);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetBytesProcessed(state.iterations() * n * static_cast<int64_t>(kRecordBytes));
}

std::string RunShell(const std::string& command) {
  const int status = std::system(command.c_str());
  return status == 0 ? "" : "command failed (" + std::to_string(status) + "): " + command;
}

void BM_KcatProduce(benchmark::State& state) {
  RunProduce(state, "kcat", "kcat", [](Setup& setup, const std::string& topic) {
    return RunShell("kcat -q -P -b " + setup.cluster->bootstrap_servers() + " -t " + topic +
                    " -X enable.idempotence=true -X acks=all -X partitioner=murmur2_random"
                    " -X linger.ms=5 -l " +
                    setup.file);
  });
}

void BM_RtmlProducer(benchmark::State& state) {
  RunProduce(state, "rtml", "rtml", [](Setup& setup, const std::string& topic) -> std::string {
    auto producer = setup.broker->NewProducer({.linger = std::chrono::milliseconds(5)});
    if (!producer.ok()) return producer.status().ToString();
    for (const std::string& line : setup.lines) {
      const rtml::Status s = (*producer)->Produce(topic, {.key = std::nullopt, .value = line});
      if (!s.ok()) return s.ToString();
    }
    const rtml::Status flushed = (*producer)->Flush();
    return flushed.ok() ? "" : flushed.ToString();
  });
}

void BM_RtmlCliProduce(benchmark::State& state) {
  RunProduce(state, "rtml-cli", "rtml-cli", [](Setup& setup, const std::string& topic) {
    return RunShell(std::string(RTML_CLI_BIN) + " produce " + topic + " --broker " +
                    setup.cluster->uri() + " --file " + setup.file + " 2>/dev/null");
  });
}

BENCHMARK(BM_KcatProduce)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(5)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RtmlProducer)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(5)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RtmlCliProduce)
    ->UseManualTime()
    ->Iterations(1)
    ->Repetitions(5)
    ->Unit(benchmark::kMillisecond);

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::printf("kafka_produce_bench: %lld records of %zu bytes per run\n",
              static_cast<long long>(RecordCount()), kRecordBytes);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  const double kcat = Median(Rates()["kcat"]);
  std::printf("\nmedian records/s:\n");
  for (const auto& [client, rates] : Rates()) {
    std::printf("  %-9s %12.0f  (%zu runs)\n", client.c_str(), Median(rates), rates.size());
  }
  if (kcat > 0) {
    for (const auto& [client, rates] : Rates()) {
      if (client != "kcat") {
        std::printf("  ratio %s / kcat = %.2f\n", client.c_str(), Median(rates) / kcat);
      }
    }
  }
  std::remove(TheSetup().file.c_str());
  return 0;
}
