// `rtml train` with a TorchScript network a user hands in (the generic flow): a
// perceptron trained in C++ on a topic of a non-linear regression beats the constant
// predictor (the training mean), reports each epoch, and is registered.
#include <cmath>
#include <cstdio>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.h"
#include "labelled_records.h"
#include "rtml/ml/model_registry.h"

namespace rtml::cli {
namespace {

using testing::CliResult;
using testing::CliRunner;
using ::testing::HasSubstr;

// y = sin(2 x1) + x2 x3 + N(0, 0.05): nothing a constant or a line can follow.
std::vector<std::string> NonLinearRecords(size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> x(0, 1), noise(0, 0.05);
  std::vector<std::string> out;
  char line[160];
  for (size_t i = 0; i < rows; ++i) {
    const double x1 = x(rng), x2 = x(rng), x3 = x(rng);
    std::snprintf(line, sizeof line, R"({"x1":%.17g,"x2":%.17g,"x3":%.17g,"y":%.17g})", x1, x2, x3,
                  std::sin(2 * x1) + x2 * x3 + noise(rng));
    out.push_back(line);
  }
  return out;
}

TEST(TrainTorchCliTest, ATorchScriptNetworkBeatsTheConstantPredictor) {
  CliRunner cli;
  const std::string module = cli.dir().str() + "/mlp.pt";
  ASSERT_EQ(std::system((std::string(RTML_MAKE_MLP_BIN) + " " + module + " 3 32 1 7").c_str()), 0);
  ASSERT_OK(testing::ProduceValues(*cli.OpenBroker(), "curves", NonLinearRecords(3000, 1)));
  const std::string spec = cli.WriteFile(
      "net.yaml", "type: torchscript\nparams: {module: " + module +
                      ", epochs: 40, batch_size: 32, learning_rate: 0.01, seed: 3}\n");
  const std::string registry = cli.dir().str() + "/models";
  const CliResult run = cli.Run("train --datasource curves --label y --margin 0.5 --model " + spec +
                                " --registry " + registry);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("epoch 1/40: train loss"));
  EXPECT_THAT(run.err, HasSubstr("epoch 40/40: train loss"));
  EXPECT_THAT(run.out, HasSubstr("registered curves v1"));

  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<ml::ModelRegistry> models,
                       ml::ModelRegistry::Open(registry));
  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<ml::ServingModel> net, models->Load("curves", "1"));
  EXPECT_EQ(net->version().type, "torchscript");
  // The mean misses by about 0.9 on average; the network by a fraction of that.
  EXPECT_LT(net->version().metrics.at("test.mae"),
            0.35 * net->version().metrics.at("baseline.test.mae"));
  ASSERT_OK_AND_ASSIGN(const double at_origin,
                       net->Score({"x1", "x2", "x3"}, std::vector<double>{0.5, 1, -1}));
  EXPECT_NEAR(at_origin, std::sin(1.0) - 1, 0.3);
}

}  // namespace
}  // namespace rtml::cli
