// XGBoost training time: Model::Fit against Debian's `xgboost` command-line tool,
// on the same synthetic regression data with the same parameters, in one run.
// The data is written once to a temporary directory (by default as XGBoost's binary
// DMatrix buffer, what the CLI loads fastest); then K times, alternating, our Fit on
// the in-memory dataset and the CLI process on the file. Measured:
//   ours          wall clock of Model::Fit: building the DMatrix from our row-major
//                 doubles, training, and reading back the trees;
//   CLI process   wall clock of the whole `xgboost` process: load, train, save;
//   CLI training  what the CLI logs as "update end": from after loading the data to
//                 the model saved (its own clock), so its data loading is excluded.
// Then both trained models predict held-out rows; their test RMSEs must agree.
//
//   rtml_xgb_train_bench [--rows N] [--features F] [--rounds R] [--repeats K]
//                        [--format buffer|csv|libsvm] [--keep]
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "rtml/core/clock.h"
#include "rtml/ml/model_spec.h"

extern char** environ;

namespace {

using rtml::Result;
using rtml::Status;
using rtml::ml::Dataset;
using rtml::ml::Model;

struct Options {
  size_t rows = 1'000'000;
  size_t features = 40;
  int rounds = 100;
  int repeats = 3;
  std::string format = "buffer";
  bool keep = false;  // keep the temporary directory (data, config, logs, models)
};

// Fixed for both sides; the CLI gets the same values under its own names.
constexpr int kDepth = 6;
constexpr double kEta = 0.1;
constexpr int kThreads = 2;
constexpr size_t kFirstNoiseFeature = 7;  // features 0..6 make the signal

Result<Options> ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--keep") {
      options.keep = true;
      continue;
    }
    if (i + 1 >= argc) return Status::InvalidArgument(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--format") {
      if (value != "buffer" && value != "csv" && value != "libsvm") {
        return Status::InvalidArgument("--format must be buffer, csv or libsvm, not '" + value +
                                       "'");
      }
      options.format = value;
      continue;
    }
    long long number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc() || end != value.data() + value.size() || number < 1) {
      return Status::InvalidArgument(flag + " needs a positive whole number, not '" + value + "'");
    }
    if (flag == "--rows") {
      options.rows = static_cast<size_t>(number);
    } else if (flag == "--features") {
      options.features = static_cast<size_t>(number);
    } else if (flag == "--rounds" && number <= 100'000) {
      options.rounds = static_cast<int>(number);
    } else if (flag == "--repeats" && number <= 1'000) {
      options.repeats = static_cast<int>(number);
    } else {
      return Status::InvalidArgument("unknown flag or value out of range: " + flag + " " + value);
    }
  }
  if (options.features < kFirstNoiseFeature + 1) {
    return Status::InvalidArgument("--features must be at least " +
                                   std::to_string(kFirstNoiseFeature + 1) +
                                   " (the target reads features 0-6)");
  }
  return options;
}

// Features ~ N(0, 1); the target mixes non-linear terms and interactions of the
// first seven features (each with a main effect too, so greedy trees find them), a
// small linear share of the rest, and noise (sd 0.3).
Dataset MakeData(size_t rows, size_t features, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  Dataset data;
  for (size_t f = 0; f < features; ++f) data.feature_names.push_back("f" + std::to_string(f));
  data.x.resize(rows * features);
  data.y.resize(rows);
  data.time_ms.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    double* x = &data.x[r * features];
    for (size_t f = 0; f < features; ++f) x[f] = normal(rng);
    double rest = 0;
    for (size_t f = kFirstNoiseFeature; f < features; ++f) rest += x[f];
    data.y[r] = 2 * std::sin(1.5 * x[0]) + x[1] * (1 + x[2]) + 0.5 * x[3] * x[3] +
                (x[4] > 0 ? x[5] : 0.2 * x[5]) + 0.7 * x[6] * x[0] + 0.05 * rest +
                0.3 * normal(rng);
    data.time_ms[r] = static_cast<int64_t>(r);
  }
  return data;
}

// XGBoost's binary DMatrix from the same floats Fit hands XGBoost (the doubles
// rounded to float), so both sides train on identical values.
Status WriteBuffer(const Dataset& data, const std::string& path) {
  const std::vector<float> x(data.x.begin(), data.x.end());
  const std::vector<float> y(data.y.begin(), data.y.end());
  DMatrixHandle matrix = nullptr;
  const bool ok = XGDMatrixCreateFromMat(x.data(), data.rows(), data.features(),
                                         std::numeric_limits<float>::quiet_NaN(), &matrix) == 0 &&
                  XGDMatrixSetFloatInfo(matrix, "label", y.data(), y.size()) == 0 &&
                  XGDMatrixSaveBinary(matrix, path.c_str(), 1) == 0;
  const Status status =
      ok ? Status::Ok() : Status::Internal(std::string("xgboost buffer: ") + XGBGetLastError());
  if (matrix != nullptr) XGDMatrixFree(matrix);
  return status;
}

// Text: the label first, then the features; each value the shortest text that
// reads back as the same float (XGBoost's own text parser rounds a rare few apart).
Status WriteText(const Dataset& data, const std::string& path, bool libsvm) {
  std::ofstream out(path, std::ios::binary);
  std::string line;
  char number[32];
  const auto append = [&](double value) {
    const auto end = std::to_chars(number, number + sizeof number, static_cast<float>(value)).ptr;
    line.append(number, end);
  };
  for (size_t r = 0; r < data.rows(); ++r) {
    line.clear();
    append(data.y[r]);
    const auto row = data.Row(r);
    for (size_t f = 0; f < row.size(); ++f) {
      if (libsvm) {
        line += ' ';
        line += std::to_string(f);
        line += ':';
      } else {
        line += ',';
      }
      append(row[f]);
    }
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  out.close();
  if (!out) return Status::IOError("cannot write " + path);
  return Status::Ok();
}

// User + system CPU seconds in `usage`.
double CpuSeconds(const rusage& usage) {
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct CliRun {
  double wall_s = 0;
  double cpu_s = 0;
  double loading_s = NAN;   // its "Loading data: X sec"
  double training_s = NAN;  // its "update end, X sec in all"
};

// The number after `marker` in the CLI's log, or NaN.
double LoggedSeconds(const std::string& log, const std::string& marker) {
  const size_t at = log.find(marker);
  if (at == std::string::npos) return NAN;
  return std::strtod(log.c_str() + at + marker.size(), nullptr);
}

Result<CliRun> RunCli(const std::string& config, const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::string program = "xgboost";
  std::string config_arg = config;
  char* args[] = {program.data(), config_arg.data(), nullptr};
  const int64_t start = rtml::MonotonicNs();
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "xgboost", &actions, nullptr, args, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return Status::IOError(std::string("cannot start `xgboost` (apt-get install xgboost): ") +
                           std::strerror(spawned));
  }
  int wait_status = 0;
  rusage usage{};
  if (wait4(pid, &wait_status, 0, &usage) != pid) {
    return Status::IOError("wait4 on `xgboost` failed");
  }
  CliRun run;
  run.wall_s = static_cast<double>(rtml::MonotonicNs() - start) / 1e9;
  run.cpu_s = CpuSeconds(usage);
  std::ifstream in(log_path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string log = text.str();
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    return Status::Internal("`xgboost " + config + "` failed; its output:\n" + log);
  }
  run.loading_s = LoggedSeconds(log, "Loading data: ");
  run.training_s = LoggedSeconds(log, "update end, ");
  if (std::isnan(run.loading_s) || std::isnan(run.training_s)) {
    return Status::Internal("the log of `xgboost " + config +
                            "` lacks 'Loading data:' or 'update end,' (an XGBoost other than "
                            "1.7?); its output:\n" +
                            log);
  }
  return run;
}

// The run's scratch directory, removed at the end (also on an error) unless kept.
class ScratchDir {
 public:
  ScratchDir(std::string path, bool keep) : path_(std::move(path)), keep_(keep) {}
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    if (keep_) {
      std::fprintf(stderr, "kept %s\n", path_.c_str());
      return;
    }
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  const bool keep_;
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string Runs(const std::vector<double>& values) {
  std::string out;
  char text[32];
  for (const double v : values) {
    std::snprintf(text, sizeof text, "%s%.2f", out.empty() ? "" : " · ", v);
    out += text;
  }
  return out;
}

double Rmse(const Model& model, const Dataset& test, std::vector<double>& predictions) {
  predictions.resize(test.rows());
  model.PredictBatch(test, predictions);
  double sum = 0;
  for (size_t i = 0; i < test.rows(); ++i) {
    sum += (predictions[i] - test.y[i]) * (predictions[i] - test.y[i]);
  }
  return std::sqrt(sum / static_cast<double>(test.rows()));
}

Status Run(const Options& options) {
  // Held-out rows: a tenth as many, at least 1,000.
  const size_t test_rows = std::max<size_t>(options.rows / 10, 1000);
  std::fprintf(stderr, "generating %zu + %zu held-out rows x %zu features...\n", options.rows,
               test_rows, options.features);
  const Dataset train = MakeData(options.rows, options.features, 1);
  const Dataset test = MakeData(test_rows, options.features, 2);

  std::string dir_template =
      (std::filesystem::temp_directory_path() / "rtml_xgb_train_bench.XXXXXX").string();
  if (mkdtemp(dir_template.data()) == nullptr) {
    return Status::IOError("cannot create a temporary directory in " +
                           std::filesystem::temp_directory_path().string());
  }
  const ScratchDir scratch(dir_template, options.keep);
  const std::string& dir = scratch.path();
  std::string data_uri;
  const int64_t write_start = rtml::MonotonicNs();
  if (options.format == "buffer") {
    data_uri = dir + "/train.buffer";
    RTML_RETURN_IF_ERROR(WriteBuffer(train, data_uri));
  } else {
    const std::string path = dir + "/train." + options.format;
    RTML_RETURN_IF_ERROR(WriteText(train, path, options.format == "libsvm"));
    data_uri = path + (options.format == "csv" ? "?format=csv&label_column=0" : "?format=libsvm");
  }
  std::fprintf(stderr, "wrote the training data (%s) in %.1f s to %s\n", options.format.c_str(),
               static_cast<double>(rtml::MonotonicNs() - write_start) / 1e9, dir.c_str());

  const std::string cli_model = dir + "/cli_model.json";
  const std::string config = dir + "/train.conf";
  {
    std::ofstream conf(config);
    conf << "task = train\n"
         << "data = \"" << data_uri << "\"\n"
         << "num_round = " << options.rounds << "\n"
         << "booster = gbtree\ntree_method = hist\nobjective = reg:squarederror\n"
         << "max_depth = " << kDepth << "\neta = " << kEta << "\nnthread = " << kThreads << "\n"
         << "seed = 0\nverbosity = 2\n"
         << "model_out = \"" << cli_model << "\"\n";
    if (!conf) return Status::IOError("cannot write " + config);
  }

  const rtml::ml::ModelSpec spec{.type = "xgboost",
                                 .features = train.feature_names,
                                 .params = {{"n_estimators", options.rounds},
                                            {"max_depth", kDepth},
                                            {"learning_rate", kEta},
                                            {"nthread", kThreads}},
                                 .text_params = {{"objective", "reg:squarederror"}}};
  std::vector<double> ours_s, ours_cpu_s, cli_wall_s, cli_cpu_s, cli_training_s, cli_loading_s;
  std::unique_ptr<Model> ours;
  for (int repeat = 1; repeat <= options.repeats; ++repeat) {
    RTML_ASSIGN_OR_RETURN(ours, rtml::ml::MakeModel(spec));
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    const int64_t start = rtml::MonotonicNs();
    RTML_RETURN_IF_ERROR(ours->Fit(train, Dataset{}));
    ours_s.push_back(static_cast<double>(rtml::MonotonicNs() - start) / 1e9);
    getrusage(RUSAGE_SELF, &after);
    ours_cpu_s.push_back(CpuSeconds(after) - CpuSeconds(before));
    std::fprintf(stderr, "[%d/%d] ours: %.2f s (CPU %.2f s)\n", repeat, options.repeats,
                 ours_s.back(), ours_cpu_s.back());

    RTML_ASSIGN_OR_RETURN(const CliRun cli, RunCli(config, dir + "/cli.log"));
    cli_wall_s.push_back(cli.wall_s);
    cli_cpu_s.push_back(cli.cpu_s);
    cli_training_s.push_back(cli.training_s);
    cli_loading_s.push_back(cli.loading_s);
    std::fprintf(stderr,
                 "[%d/%d] CLI: %.2f s process (CPU %.2f s; its log: loading %.2f s, training "
                 "%.2f s)\n",
                 repeat, options.repeats, cli.wall_s, cli.cpu_s, cli.loading_s, cli.training_s);
  }

  // Both models of the last repeat on the held-out rows.
  std::ifstream in(cli_model);
  std::stringstream json;
  json << in.rdbuf();
  RTML_ASSIGN_OR_RETURN(const auto cli,
                        rtml::ml::ImportXGBoostJson(json.str(), train.feature_names));
  std::vector<double> ours_pred, cli_pred;
  const double ours_rmse = Rmse(*ours, test, ours_pred);
  const double cli_rmse = Rmse(*cli, test, cli_pred);
  double max_difference = 0, mean = 0, spread = 0;
  for (size_t i = 0; i < test.rows(); ++i) {
    max_difference = std::max(max_difference, std::abs(ours_pred[i] - cli_pred[i]));
    mean += test.y[i] / static_cast<double>(test.rows());
  }
  for (const double y : test.y) spread += (y - mean) * (y - mean);
  const double mean_rmse = std::sqrt(spread / static_cast<double>(test.rows()));

  double load[3] = {NAN, NAN, NAN};
  getloadavg(load, 3);
  std::printf(
      "\nXGBoost training: %zu rows x %zu features, %d rounds, depth %d, eta %g, hist, %d "
      "threads; CLI data: %s; %d repeats, alternating; load average at the end %.2f %.2f %.2f\n\n",
      options.rows, options.features, options.rounds, kDepth, kEta, kThreads,
      options.format.c_str(), options.repeats, load[0], load[1], load[2]);
  std::printf("%-60s %9s %9s   %s\n", "what is timed", "median", "CPU", "runs (s)");
  const auto row = [](const char* what, const std::vector<double>& wall,
                      const std::vector<double>& cpu) {
    char cpu_text[16] = "-";
    if (!cpu.empty()) std::snprintf(cpu_text, sizeof cpu_text, "%.2f s", Median(cpu));
    std::printf("%-60s %7.2f s %9s   %s\n", what, Median(wall), cpu_text, Runs(wall).c_str());
  };
  row("ours: Model::Fit (DMatrix from our doubles + training)", ours_s, ours_cpu_s);
  row("CLI: whole process (load file + train + save model)", cli_wall_s, cli_cpu_s);
  row("CLI: training only (its log: after loading to model saved)", cli_training_s, {});
  row("CLI: loading the data (its log)", cli_loading_s, {});
  std::printf("\nratio ours / CLI whole process: %.3f   (target <= 1.2)\n",
              Median(ours_s) / Median(cli_wall_s));
  std::printf("ratio ours / CLI training only: %.3f   (CLI data loading excluded)\n",
              Median(ours_s) / Median(cli_training_s));
  std::printf(
      "\ntest RMSE on %zu held-out rows: ours %.6f, CLI %.6f (predicting the mean: %.6f); "
      "max |ours - CLI| prediction %.3g\n",
      test.rows(), ours_rmse, cli_rmse, mean_rmse, max_difference);

  // Same algorithm, same parameters, same floats: the models must agree.
  if (!(std::abs(ours_rmse - cli_rmse) <= 0.01 * cli_rmse)) {
    return Status::Internal("the two models disagree: test RMSE differs by more than 1%");
  }
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  const Result<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr,
                 "%s\nusage: rtml_xgb_train_bench [--rows N] [--features F] [--rounds R] "
                 "[--repeats K] [--format buffer|csv|libsvm] [--keep]\n",
                 options.status().ToString().c_str());
    return 2;
  }
  const Status status = Run(*options);
  if (!status.ok()) {
    std::fprintf(stderr, "rtml_xgb_train_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
