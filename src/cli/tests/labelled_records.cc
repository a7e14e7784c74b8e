#include "labelled_records.h"

#include <cmath>
#include <cstdio>
#include <random>

#include "rtml/stream/producer.h"

namespace rtml::cli::testing {

std::vector<std::string> RegressionRecords(Layout layout, size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> x(0, 1), noise(0, kRegressionNoise);
  std::vector<std::string> out;
  if (layout == Layout::kCsvWithHeader) out.push_back("x1,x2,x3,y");
  char line[160];
  for (size_t i = 0; i < rows; ++i) {
    const double x1 = x(rng), x2 = x(rng), x3 = x(rng);
    const double y = kTrueCoefficients[0] + kTrueCoefficients[1] * x1 + kTrueCoefficients[2] * x2 +
                     kTrueCoefficients[3] * x3 + noise(rng);
    if (layout == Layout::kJson) {
      std::snprintf(line, sizeof line, R"({"x1":%.17g,"x2":%.17g,"x3":%.17g,"y":%.17g})", x1, x2,
                    x3, y);
    } else {
      std::snprintf(line, sizeof line, "%.17g,%.17g,%.17g,%.17g", x1, x2, x3, y);
    }
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> ClassificationRecords(size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> x(0, 1);
  std::uniform_real_distribution<double> u(1e-12, 1 - 1e-12);
  std::vector<std::string> out;
  char line[160];
  for (size_t i = 0; i < rows; ++i) {
    const double x1 = x(rng), x2 = x(rng);
    const double p = u(rng);
    const int label = 1.5 * x1 - 2 * x2 + 0.5 + std::log(p / (1 - p)) > 0 ? 1 : 0;
    std::snprintf(line, sizeof line, R"({"x1":%.17g,"x2":%.17g,"label":%d})", x1, x2, label);
    out.push_back(line);
  }
  return out;
}

Status ProduceValues(stream::Broker& broker, const std::string& topic,
                     const std::vector<std::string>& values) {
  if (Result<stream::TopicDescription> found = broker.DescribeTopic(topic); !found.ok()) {
    RTML_RETURN_IF_ERROR(broker.CreateTopic({.name = topic, .partitions = 1}));
  }
  RTML_ASSIGN_OR_RETURN(std::unique_ptr<stream::Producer> producer, broker.NewProducer());
  constexpr int64_t kStartMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  for (size_t i = 0; i < values.size(); ++i) {
    RTML_RETURN_IF_ERROR(producer->Produce(
        topic, {.value = values[i], .timestamp_ms = kStartMs + static_cast<int64_t>(i) * 1000}));
  }
  return producer->Flush();
}

std::vector<double> LinearCoefficients(const ml::ServingModel& model) {
  const size_t n = model.version().features.size();
  const std::vector<double> zero(n, 0.0);
  std::vector<double> out{model.Predict(zero)};
  for (size_t j = 0; j < n; ++j) {
    std::vector<double> unit = zero;
    unit[j] = 1;
    out.push_back(model.Predict(unit) - out[0]);
  }
  return out;
}

::testing::AssertionResult HasTrueCoefficients(const ml::ServingModel& model) {
  const ml::ModelVersion& version = model.version();
  if (version.features != std::vector<std::string>{"x1", "x2", "x3"}) {
    return ::testing::AssertionFailure() << version.Label() << " reads other features";
  }
  const std::vector<double> got = LinearCoefficients(model);
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::abs(got[i] - kTrueCoefficients[i]) > 0.01) {
      return ::testing::AssertionFailure()
             << "coefficient " << i << " is " << got[i] << ", truly " << kTrueCoefficients[i];
    }
  }
  const double mae = version.metrics.at("test.mae");
  const double baseline = version.metrics.at("baseline.test.mae");
  if (std::abs(mae - 0.8 * kRegressionNoise) > 0.01 || baseline < 1.5) {
    return ::testing::AssertionFailure() << "test MAE " << mae << ", baseline's " << baseline;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace rtml::cli::testing
