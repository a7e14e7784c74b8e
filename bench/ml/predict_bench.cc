// Single-row prediction latency, as live serving calls it: Model::Predict on one
// row of 40 features, 100,000 calls over random rows after a warm-up, each timed
// with the monotonic clock. Models: ridge, and XGBoost with 200 trees of depth 6
// fitted on 20,000 rows.
//
//   rtml_predict_bench [--calls N]
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

#include "rtml/core/clock.h"
#include "rtml/ml/model_spec.h"

namespace {

using rtml::ml::Dataset;
using rtml::ml::Model;

constexpr int kFeatures = 40;

Dataset Make(size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0, 1);
  Dataset data;
  for (int f = 0; f < kFeatures; ++f) data.feature_names.push_back("f" + std::to_string(f));
  std::vector<double> row(kFeatures);
  for (size_t i = 0; i < rows; ++i) {
    double y = 0;
    for (int f = 0; f < kFeatures; ++f) {
      row[static_cast<size_t>(f)] = n(rng);
      y += (f % 3 == 0 ? std::sin(row[static_cast<size_t>(f)]) : 0.1 * row[static_cast<size_t>(f)]);
    }
    data.Add(row, y + 0.1 * n(rng), static_cast<int64_t>(i));
  }
  return data;
}

void Measure(const char* name, const Model& model, const Dataset& rows, int64_t calls) {
  std::mt19937_64 rng(9);
  double sink = 0;
  for (int i = 0; i < 10'000; ++i) sink += model.Predict(rows.Row(rng() % rows.rows()));
  std::vector<int64_t> ns;
  ns.reserve(static_cast<size_t>(calls));
  for (int64_t i = 0; i < calls; ++i) {
    const auto row = rows.Row(rng() % rows.rows());
    const int64_t start = rtml::MonotonicNs();
    sink += model.Predict(row);
    ns.push_back(rtml::MonotonicNs() - start);
  }
  std::sort(ns.begin(), ns.end());
  const auto at = [&](double q) {
    return static_cast<double>(ns[std::min(
               ns.size() - 1, static_cast<size_t>(q * static_cast<double>(ns.size())))]) /
           1e3;
  };
  std::printf("%-28s p50 %7.2f us  p99 %7.2f us  p99.9 %7.2f us  (%" PRId64
              " calls; checksum %g)\n",
              name, at(0.5), at(0.99), at(0.999), calls, sink);
}

std::unique_ptr<Model> Fit(const rtml::ml::ModelSpec& spec, const Dataset& train) {
  auto model = rtml::ml::MakeModel(spec);
  if (!model.ok() || !(*model)->Fit(train, Dataset{}).ok()) {
    std::fprintf(stderr, "cannot fit %s\n", spec.type.c_str());
    std::exit(1);
  }
  return std::move(*model);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t calls = 100'000;
  if (argc == 3 && std::strcmp(argv[1], "--calls") == 0) calls = std::atoll(argv[2]);
  const Dataset train = Make(20'000, 1);
  const Dataset rows = Make(5'000, 2);
  const auto ridge = Fit({.type = "ridge", .features = train.feature_names}, train);
  Measure("ridge, 40 features", *ridge, rows, calls);
  const auto trees = Fit({.type = "xgboost",
                          .features = train.feature_names,
                          .params = {{"n_estimators", 200}, {"max_depth", 6}, {"nthread", 1}}},
                         train);
  Measure("xgboost, 200 trees", *trees, rows, calls);
  return 0;
}
