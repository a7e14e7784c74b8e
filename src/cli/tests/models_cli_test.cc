// `rtml models list|show|promote|rollback|delete|export|import` end to end: a registry
// made through the C++ API (as `rtml train` makes it), driven through the real binary.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.h"
#include "fitted_models.h"
#include "rtml/core/timestamp.h"
#include "rtml/ml/model_registry.h"

namespace rtml::cli {
namespace {

using ml::ModelRegistry;
using ml::ModelVersion;
using testing::CliResult;
using testing::CliRunner;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Each line of a table, split at runs of spaces (no cell here holds a space).
std::vector<std::vector<std::string>> Cells(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : rtml::testing::SplitLines(text)) {
    std::istringstream in(line);
    std::vector<std::string> row;
    for (std::string cell; in >> cell;) row.push_back(cell);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string Created(int64_t ms) {
  const std::string text = FormatIso8601Ms(ms);
  return text.substr(0, text.rfind('.')) + "Z";
}

class ModelsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = cli_.dir().str() + "/models";
    flag_ = " --registry " + dir_;
    const ml::Dataset train = ml::testing::Generated(400, 1);
    ridge_ = ml::testing::Fit("ridge", train);
    trees_ = ml::testing::Fit("xgboost", train);
    ASSERT_NE(ridge_.model, nullptr);
    ASSERT_NE(trees_.model, nullptr);
    ASSERT_OK_AND_ASSIGN(auto registry, ModelRegistry::Open(dir_));
    ASSERT_OK_AND_ASSIGN(v1_,
                         registry->Register(ml::testing::Metadata(kName, ridge_), ridge_.artifact));
    ModelVersion trees = ml::testing::Metadata(kName, trees_);
    trees.metrics["test.mae"] = 0.0625;
    ASSERT_OK_AND_ASSIGN(v2_, registry->Register(trees, trees_.artifact));
    ASSERT_OK(registry->Promote(kName, "production", 1));
  }

  CliResult Run(const std::string& args) const { return cli_.Run("models " + args + flag_); }

  static constexpr const char* kName = "btc-close-5m";
  CliRunner cli_;
  std::string dir_, flag_;
  ml::testing::Fitted ridge_, trees_;
  ModelVersion v1_, v2_;
};

TEST_F(ModelsCliTest, ListsModelsAndVersionsWithTheirMetricsAndAliases) {
  CliResult result = Run("list");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(Cells(result.out), (std::vector<std::vector<std::string>>{
                                   {"NAME", "VERSIONS", "LATEST", "TYPE", "TASK", "ALIASES",
                                    "CREATED", "TEST_MAE", "BASELINE"},
                                   {kName, "2", "2", "xgboost", "regression", "production=v1",
                                    Created(v2_.created_ms), "0.0625", "1.5"}}));

  result = Run(std::string("list ") + kName);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(
      Cells(result.out),
      (std::vector<std::vector<std::string>>{
          {"NAME", "VERSION", "TYPE", "TASK", "ALIASES", "CREATED", "TEST_MAE", "BASELINE"},
          {kName, "1", "ridge", "regression", "production", Created(v1_.created_ms), "0.125",
           "1.5"},
          {kName, "2", "xgboost", "regression", "-", Created(v2_.created_ms), "0.0625", "1.5"}}));
  // Columns are aligned.
  const auto lines = rtml::testing::SplitLines(result.out);
  EXPECT_EQ(lines[0].find("TYPE"), lines[1].find("ridge"));
}

TEST_F(ModelsCliTest, ShowsEverythingAboutAVersion) {
  CliResult result = Run(std::string("show ") + kName + " production");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, StartsWith("btc-close-5m v1\ntype               ridge\n"));
  for (const std::string& line : std::vector<std::string>{
           "task               regression", "aliases            production",
           "created            " + FormatIso8601Ms(v1_.created_ms),
           "source             features:candles_1m@1", "feature group      candles_1m v1",
           "target             close+300s", "reference feature  -",
           "training data      2023-11-14T22:13:20.000Z to 2023-11-15T22:13:20.000Z",
           "training time      0.25 s",
           "artifact           " + dir_ + "/artifacts/btc-close-5m/1.model (" +
               std::to_string(ridge_.artifact.size()) + " bytes, crc32c " + v1_.artifact_checksum +
               ")",
           "features (3):\n  1. close\n  2. rsi_14\n  3. ema_21\n",
           "params:\nNAME   VALUE\nalpha  0.5\n",
           "metrics:\nNAME               VALUE\nbaseline.test.mae  1.5\ntest.mae           "
           "0.125\n"}) {
    EXPECT_THAT(result.out, HasSubstr(line));
  }
  // Without a version: the newest.
  EXPECT_THAT(Run(std::string("show ") + kName).out, StartsWith("btc-close-5m v2\n"));

  result = Run(std::string("show ") + kName + " 1 --json");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_OK_AND_ASSIGN(const ModelVersion parsed, ml::ModelVersionFromJson(result.out));
  EXPECT_EQ(parsed.name, kName);
  EXPECT_EQ(parsed.version, 1);
  EXPECT_EQ(parsed.features, v1_.features);
  EXPECT_EQ(parsed.metrics, v1_.metrics);
  EXPECT_EQ(parsed.created_ms, v1_.created_ms);
  EXPECT_THAT(result.out, HasSubstr("\"aliases\":[\"production\"]"));
}

TEST_F(ModelsCliTest, PromoteRollbackAndDelete) {
  const std::string name = kName;
  CliResult result = Run("promote " + name + " 2");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "btc-close-5m: production -> v2 (was v1)\n");
  result = Run("promote " + name + " latest --alias staging");
  EXPECT_EQ(result.out, "btc-close-5m: staging -> v2 (new alias)\n");
  EXPECT_EQ(Cells(Run("list " + name).out)[2][4], "production,staging");

  result = Run("rollback " + name);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "btc-close-5m: production -> v1 (was v2)\n");
  result = Run("rollback " + name);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "rtml models rollback: alias 'production' of model btc-close-5m points at v1 and has "
            "no earlier version to roll back to\n");
  result = Run("rollback " + name + " --alias canary");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("model btc-close-5m has no alias 'canary' (aliases: "
                                    "production -> v1, staging -> v2)"));

  result = Run("delete " + name + " 1");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("model btc-close-5m v1 is what alias production points at"));
  ASSERT_EQ(Run("promote " + name + " 2").exit_code, 0);
  result = Run("delete " + name + " 1");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "deleted btc-close-5m v1\n");
  result = Run("delete " + name + " 1");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "rtml models delete: model btc-close-5m has no version 1 (versions: 2)\n");

  // Bad input on the command line is a usage error.
  for (const std::string& args :
       {"promote " + name + " 1.5", "promote " + name + " 2 --alias Prod",
        "delete " + name + " latest", "promote " + name, "rollback " + name + " --alias latest"}) {
    result = Run(args);
    EXPECT_EQ(result.exit_code, 2) << args << ": " << result.err;
    EXPECT_THAT(result.err, StartsWith("rtml models ")) << args;
  }
}

TEST_F(ModelsCliTest, ExportAndImportIntoAnotherRegistryPredictBitForBit) {
  const std::string bundle = cli_.dir().str() + "/btc.rtmlmodel";
  CliResult result = Run(std::string("export ") + kName + " 2 --out " + bundle);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, StartsWith("rtml models export: btc-close-5m v2 to " + bundle));

  const std::string other = cli_.dir().str() + "/other";
  result = cli_.Run("models import " + bundle + " --registry " + other);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "imported " + bundle + " as btc-close-5m v1\n");
  result = cli_.Run("models import " + bundle + " --name copy --registry " + other);
  EXPECT_EQ(result.out, "imported " + bundle + " as copy v1\n");

  ASSERT_OK_AND_ASSIGN(auto registry, ModelRegistry::Open(other));
  const ml::Dataset rows = ml::testing::Generated(1000, 2);
  for (const char* name : {kName, "copy"}) {
    ASSERT_OK_AND_ASSIGN(const auto serving, registry->Load(name, "latest"));
    EXPECT_EQ(serving->version().type, "xgboost");
    for (size_t i = 0; i < rows.rows(); ++i) {
      const double want = trees_.model->Predict(rows.Row(i));
      const double got = serving->Predict(rows.Row(i));
      ASSERT_EQ(std::memcmp(&want, &got, sizeof want), 0) << name << " row " << i;
    }
  }

  // A damaged bundle, a missing file, a missing --out.
  std::string bytes = testing::ReadFileOrEmpty(bundle);
  bytes[bytes.size() / 2] ^= 0x04;
  const std::string damaged = cli_.WriteFile("damaged.rtmlmodel", bytes);
  result = cli_.Run("models import " + damaged + " --registry " + other);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "rtml models import: " + damaged +
                            ": not an intact model bundle: its checksum does not match its "
                            "content (the file was changed or damaged)\n");
  result = cli_.Run("models import " + cli_.dir().str() + "/nope --registry " + other);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err,
            "rtml models import: cannot read " + cli_.dir().str() + "/nope: no such file\n");
  result = Run(std::string("export ") + kName + " 2");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "rtml models export: missing --out FILE\n");
  ASSERT_OK_AND_ASSIGN(const auto names, registry->ListNames());
  EXPECT_EQ(names, (std::vector<std::string>{kName, "copy"}));
}

TEST_F(ModelsCliTest, UnknownModelsVersionsAndRegistriesAreClearErrors) {
  CliResult result = Run("show nope");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "rtml models show: no model 'nope' in the registry " + dir_ +
                            " (models: btc-close-5m)\n");
  result = Run(std::string("show ") + kName + " 7");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "rtml models show: model btc-close-5m has no version 7 (versions: 1, 2)\n");
  result = Run(std::string("show ") + kName + " 1.5");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "rtml models show: '1.5' is not a version number, 'latest' or an alias\n");
  result = Run("list nope");
  EXPECT_EQ(result.exit_code, 1);

  const std::string missing = cli_.dir().str() + "/missing";
  result = cli_.Run("models list --registry " + missing);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "rtml models list: no model registry in " + missing +
                            " (rtml train creates it; name another with --registry DIR or "
                            "$RTML_REGISTRY)\n");
  EXPECT_FALSE(std::filesystem::exists(missing));

  // $RTML_REGISTRY is the default.
  ::setenv("RTML_REGISTRY", dir_.c_str(), 1);
  result = cli_.Run("models list");
  ::unsetenv("RTML_REGISTRY");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("btc-close-5m"));
}

}  // namespace
}  // namespace rtml::cli

namespace rtml::cli {
namespace {

// A model Debian's `xgboost` tool trained is registered from its JSON and serves
// what the tool predicts; one that is not a model, or has no features named, is not
// registered.
TEST(ModelsImportForeignTest, AnXGBoostToolModelIsRegisteredAndPredictsAsTheToolDoes) {
  CliRunner cli;
  const std::string dir = cli.dir().str();
  std::ofstream(dir + "/train.csv") << "1,0,0\n2,1,0\n3,0,1\n4,1,1\n5,2,1\n6,2,2\n7,3,2\n8,3,3\n";
  std::ofstream(dir + "/train.conf")
      << "booster = gbtree\nobjective = reg:squarederror\nnum_round = 20\nmax_depth = 3\n"
         "min_child_weight = 0\ndata = \"train.csv?format=csv&label_column=0\"\n"
         "model_out = model.json\n";
  std::ofstream(dir + "/pred.conf") << "task = pred\nmodel_in = model.json\n"
                                       "test:data = \"train.csv?format=csv&label_column=0\"\n"
                                       "name_pred = pred.txt\n";
  for (const char* conf : {"train.conf", "pred.conf"}) {
    const auto run = rtml::testing::RunCommand("cd " + dir + " && xgboost " + conf + " 2>&1");
    ASSERT_EQ(run.exit_code, 0) << "Debian's xgboost tool (apt-get install xgboost): " << run.out;
  }
  const std::string registry = " --registry " + dir + "/models";
  CliResult run = cli.Run("models import " + dir +
                          "/model.json --format xgboost-json --name outside --features a,b "
                          "--target y" +
                          registry);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("as outside v1"));

  ASSERT_OK_AND_ASSIGN(auto models, ModelRegistry::Open(dir + "/models"));
  ASSERT_OK_AND_ASSIGN(auto model, models->Load("outside", "1"));
  EXPECT_EQ(model->version().type, "xgboost");
  EXPECT_EQ(model->version().source, "import:" + dir + "/model.json");
  std::ifstream predictions(dir + "/pred.txt");
  const double rows[8][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 1}, {2, 2}, {3, 2}, {3, 3}};
  std::string line;
  for (const auto& row : rows) {
    ASSERT_TRUE(std::getline(predictions, line));
    EXPECT_EQ(static_cast<float>(model->Predict(row)), std::strtof(line.c_str(), nullptr));
  }

  run = cli.Run("models import " + dir +
                "/train.csv --format xgboost-json --name bad "
                "--features a,b" +
                registry);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("train.csv"));
  run = cli.Run("models import " + dir + "/model.json --format xgboost-json --name bad" + registry);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.err, HasSubstr("--features"));
  EXPECT_EQ(models->ListVersions("bad").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace rtml::cli
