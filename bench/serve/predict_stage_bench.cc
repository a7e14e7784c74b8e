// The predict stage's scoring rate on one core: features records (JSON, 12 features,
// 4 pairs) through the predict operator - parse, pick the model's features, score,
// write the prediction, and judge each earlier prediction at its target time - with a
// registered ridge model and a 200-tree XGBoost model; and batch scoring
// (Model::PredictBatch) rows/s. Each run checks that every record became a prediction.
//
//   rtml_predict_stage_bench [--records N] [--batch-rows N]
#include <stdlib.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "rtml/core/clock.h"
#include "rtml/ml/model_registry.h"
#include "rtml/ml/model_spec.h"
#include "rtml/serve/predict_operator.h"

namespace {

using rtml::ml::Dataset;

constexpr int kFeatures = 12;
constexpr int kPairs = 4;

std::vector<std::string> FeatureNames() {
  std::vector<std::string> names = {"close"};
  for (int f = 1; f < kFeatures; ++f) names.push_back("f" + std::to_string(f));
  return names;
}

Dataset Rows(size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n(0, 1);
  Dataset data{.feature_names = FeatureNames()};
  std::vector<double> row(kFeatures);
  for (size_t i = 0; i < rows; ++i) {
    double y = 0;
    for (int f = 0; f < kFeatures; ++f) {
      row[static_cast<size_t>(f)] = n(rng);
      y += f % 3 == 0 ? std::sin(row[static_cast<size_t>(f)]) : 0.1 * row[static_cast<size_t>(f)];
    }
    data.Add(row, y + 0.1 * n(rng), static_cast<int64_t>(i));
  }
  return data;
}

// Features records as the features stage writes them: a pair, the window end, values.
std::vector<std::string> Records(size_t count) {
  const Dataset data = Rows(count, 2);
  const std::vector<std::string> names = FeatureNames();
  std::vector<std::string> records;
  char number[32];
  for (size_t i = 0; i < count; ++i) {
    std::string json = "{\"pair\":\"PAIR" + std::to_string(i % kPairs) +
                       "\",\"candle_seconds\":60,\"window_end_ms\":" +
                       std::to_string(60'000 * static_cast<int64_t>(i / kPairs));
    for (int f = 0; f < kFeatures; ++f) {
      std::snprintf(number, sizeof number, "%.17g", data.Row(i)[static_cast<size_t>(f)]);
      json += ",\"" + names[static_cast<size_t>(f)] + "\":" + number;
    }
    records.push_back(json + "}");
  }
  return records;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "rtml_predict_stage_bench: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  size_t records = 200'000, batch_rows = 1'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--records") == 0) records = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--batch-rows") == 0) {
      batch_rows = std::strtoull(argv[i + 1], nullptr, 10);
    }
  }
  char dir_template[] = "/tmp/rtml-predict-bench-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return Fail("cannot make a temporary directory");
  auto registry_or = rtml::ml::ModelRegistry::Open(std::string(dir) + "/models");
  if (!registry_or.ok()) return Fail(registry_or.status().ToString());
  std::shared_ptr<rtml::ml::ModelRegistry> registry = std::move(*registry_or);

  const Dataset train = Rows(20'000, 1);
  const std::vector<std::string> input = Records(records);
  const Dataset batch = Rows(batch_rows, 3);
  std::printf("%-8s  %14s  %16s\n", "model", "records/s", "batch rows/s");
  struct Case {
    const char* label;
    rtml::ml::ModelSpec spec;
  };
  const Case cases[] = {
      {"ridge", {.type = "ridge", .features = FeatureNames()}},
      {"xgboost",
       {.type = "xgboost", .features = FeatureNames(), .params = {{"n_estimators", 200}}}},
  };
  for (const Case& c : cases) {
    auto model = rtml::ml::MakeModel(c.spec);
    if (!model.ok()) return Fail(model.status().ToString());
    if (rtml::Status fit = (*model)->Fit(train, {}); !fit.ok()) return Fail(fit.ToString());
    auto artifact = (*model)->Save();
    if (!artifact.ok()) return Fail(artifact.status().ToString());
    auto version = registry->Register({.name = c.label, .task = "regression"}, *artifact);
    if (!version.ok()) return Fail(version.status().ToString());
    auto slot = rtml::serve::ModelSlot::Make(
        registry,
        {.name = c.label,
         .pinned = version->version,
         .baseline = {
             .type = "last_value", .features = {"close"}, .text_params = {{"feature", "close"}}}});
    if (!slot.ok()) return Fail(slot.status().ToString());
    auto counts = std::make_shared<rtml::serve::PredictCounts>();
    auto op = rtml::serve::MakePredictOperator(
        {.slot = std::move(*slot), .actual_feature = "close", .horizon_ms = 300'000}, counts);
    if (!op.ok()) return Fail(op.status().ToString());
    std::vector<rtml::process::OutputRecord> out;
    const int64_t start = rtml::MonotonicNs();
    for (size_t i = 0; i < input.size(); ++i) {
      out.clear();
      rtml::stream::ConsumedRecord record{
          .topic = "features", .offset = static_cast<int64_t>(i), .value = input[i]};
      if (rtml::Status done = (*op)->Process(record, &out); !done.ok())
        return Fail(done.ToString());
    }
    const double seconds = static_cast<double>(rtml::MonotonicNs() - start) / 1e9;
    if (counts->predictions != static_cast<int64_t>(input.size())) {
      return Fail("only " + std::to_string(counts->predictions) + " predictions");
    }
    std::vector<double> predicted(batch.rows());
    const int64_t batch_start = rtml::MonotonicNs();
    (*model)->PredictBatch(batch, predicted);
    const double batch_seconds = static_cast<double>(rtml::MonotonicNs() - batch_start) / 1e9;
    std::printf("%-8s  %14.0f  %16.0f   (%" PRId64 " judged)\n", c.label,
                static_cast<double>(input.size()) / seconds,
                static_cast<double>(batch.rows()) / batch_seconds, counts->judged);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
