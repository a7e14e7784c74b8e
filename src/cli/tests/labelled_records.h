// Labelled records as Kafka-ML users send them - JSON objects or CSV values - drawn
// from known truths, so a test can check what training recovers from them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rtml/core/result.h"
#include "rtml/ml/serving_model.h"
#include "rtml/stream/broker.h"

namespace rtml::cli::testing {

// y = 3 + 2 x1 - 1.5 x2 + 0.5 x3 + N(0, 0.1); x ~ N(0, 1).
inline constexpr double kTrueCoefficients[] = {3, 2, -1.5, 0.5};  // intercept first
inline constexpr double kRegressionNoise = 0.1;

enum class Layout { kJson, kCsvWithHeader, kCsvValues };
std::vector<std::string> RegressionRecords(Layout layout, size_t rows, uint64_t seed);

// Label 1 where 1.5 x1 - 2 x2 + 0.5 + logistic noise > 0, else 0; JSON. The Bayes
// accuracy (knowing the rule) is about 0.86.
std::vector<std::string> ClassificationRecords(size_t rows, uint64_t seed);

// Appends the values to `topic` (created if missing, one partition), timed 1 s apart
// from 2026-01-01 (the order of rows in time).
Status ProduceValues(stream::Broker& broker, const std::string& topic,
                     const std::vector<std::string>& values);

// A linear model's coefficients read off its predictions: intercept first, then one
// per feature (x1, x2, x3).
std::vector<double> LinearCoefficients(const ml::ServingModel& model);

// Whether a model trained on RegressionRecords reads x1, x2, x3, has the true
// coefficients within 0.01, and a test MAE near the noise's (0.8 sigma) far below the
// baseline's.
::testing::AssertionResult HasTrueCoefficients(const ml::ServingModel& model);

}  // namespace rtml::cli::testing
