// The embedded registry: versions numbered in order and never reused, metadata kept
// exactly, aliases promoted and rolled back, deletes that would break an alias
// refused, damaged artifacts reported as Corruption, errors that name what exists.
#include "rtml/ml/model_registry.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fitted_models.h"
#include "testing.h"

namespace rtml::ml {
namespace {

using testing::Fit;
using testing::Fitted;
using testing::Generated;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using testing::Metadata;

class ModelRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    train_ = Generated(400, 1);
    ridge_ = Fit("ridge", train_);
    ASSERT_NE(ridge_.model, nullptr);
    auto opened = ModelRegistry::Open(dir_.str() + "/models");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    registry_ = std::move(opened).value();
  }

  // Registers the ridge model under `name`; returns its version number.
  int64_t RegisterRidge(const std::string& name) {
    Result<ModelVersion> stored = registry_->Register(Metadata(name, ridge_), ridge_.artifact);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? stored->version : -1;
  }

  rtml::testing::TempDir dir_;
  Dataset train_;
  Fitted ridge_;
  std::unique_ptr<ModelRegistry> registry_;
};

TEST_F(ModelRegistryTest, RegistersVersionsInOrderAndLoadsThemBack) {
  const Fitted trees = Fit("xgboost", train_);
  ASSERT_OK_AND_ASSIGN(const ModelVersion v1,
                       registry_->Register(Metadata("btc-close-5m", ridge_), ridge_.artifact));
  ASSERT_OK_AND_ASSIGN(const ModelVersion v2,
                       registry_->Register(Metadata("btc-close-5m", trees), trees.artifact));
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(v2.type, "xgboost");
  EXPECT_GT(v1.created_ms, 1'700'000'000'000);
  EXPECT_THAT(v1.artifact_checksum, MatchesRegex("[0-9a-f]{8}"));
  EXPECT_TRUE(std::filesystem::is_regular_file(dir_.path() / "models/registry.db"));
  EXPECT_TRUE(
      std::filesystem::is_regular_file(dir_.path() / "models/artifacts/btc-close-5m/2.model"));
  EXPECT_EQ(registry_->ArtifactPath(v2), dir_.str() + "/models/artifacts/btc-close-5m/2.model");

  ASSERT_OK_AND_ASSIGN(const auto names, registry_->ListNames());
  EXPECT_EQ(names, std::vector<std::string>{"btc-close-5m"});
  ASSERT_OK_AND_ASSIGN(const auto versions, registry_->ListVersions("btc-close-5m"));
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].version, 1);
  EXPECT_EQ(versions[1].version, 2);
  ASSERT_OK_AND_ASSIGN(const ModelVersion latest, registry_->Find("btc-close-5m", "latest"));
  EXPECT_EQ(latest.version, 2);
  ASSERT_OK_AND_ASSIGN(const ModelVersion first, registry_->Find("btc-close-5m", "1"));
  EXPECT_EQ(first.type, "ridge");
  ASSERT_OK_AND_ASSIGN(const std::string artifact, registry_->ReadArtifact(first));
  EXPECT_EQ(artifact, ridge_.artifact);

  // The loaded models predict what the fitted ones did, bit for bit.
  const Dataset rows = Generated(500, 7);
  for (const auto& [spec, fitted] :
       {std::pair<const char*, const Fitted*>{"1", &ridge_}, {"latest", &trees}}) {
    ASSERT_OK_AND_ASSIGN(const auto serving, registry_->Load("btc-close-5m", spec));
    for (size_t i = 0; i < rows.rows(); ++i) {
      const double want = fitted->model->Predict(rows.Row(i));
      const double got = serving->Predict(rows.Row(i));
      ASSERT_EQ(std::memcmp(&want, &got, sizeof want), 0) << spec << " row " << i;
    }
  }
}

TEST_F(ModelRegistryTest, KeepsEveryMetadataFieldAcrossReopening) {
  ModelVersion version = Metadata("eth-up", ridge_);
  version.feature_group = "";
  version.source = "topic:labelled \"rows\" é";
  version.target = "up";
  version.reference_feature = "close";
  version.params = {{"alpha", "0.5"}, {"note", "tab\there"}};
  version.metrics = {{"test.mae", 0.1 + 0.2},
                     {"test.directional_accuracy", std::nan("")},
                     {"validation.r2", -1e-300}};
  version.training_seconds = 12.345678901234567;
  ASSERT_OK_AND_ASSIGN(const ModelVersion stored, registry_->Register(version, ridge_.artifact));
  registry_.reset();

  ASSERT_OK_AND_ASSIGN(auto reopened, ModelRegistry::Open(dir_.str() + "/models"));
  ASSERT_OK_AND_ASSIGN(const ModelVersion found, reopened->Find("eth-up", "1"));
  EXPECT_EQ(found.name, "eth-up");
  EXPECT_EQ(found.version, 1);
  EXPECT_EQ(found.type, "ridge");
  EXPECT_EQ(found.task, "regression");
  EXPECT_EQ(found.features, (std::vector<std::string>{"close", "rsi_14", "ema_21"}));
  EXPECT_EQ(found.feature_group, "");
  EXPECT_EQ(found.feature_group_version, 1);
  EXPECT_EQ(found.source, version.source);
  EXPECT_EQ(found.target, "up");
  EXPECT_EQ(found.reference_feature, "close");
  EXPECT_EQ(found.params, version.params);
  ASSERT_EQ(found.metrics.size(), 3u);
  EXPECT_EQ(found.metrics.at("test.mae"), 0.1 + 0.2);
  EXPECT_TRUE(std::isnan(found.metrics.at("test.directional_accuracy")));
  EXPECT_EQ(found.metrics.at("validation.r2"), -1e-300);
  EXPECT_EQ(found.data_from_ms, version.data_from_ms);
  EXPECT_EQ(found.data_to_ms, version.data_to_ms);
  EXPECT_EQ(found.created_ms, stored.created_ms);
  EXPECT_EQ(found.training_seconds, version.training_seconds);
  EXPECT_EQ(found.artifact_checksum, stored.artifact_checksum);
}

TEST_F(ModelRegistryTest, FillsMetadataFromTheArtifactAndRefusesWhatDisagrees) {
  ModelVersion bare;
  bare.name = "bare";
  ASSERT_OK_AND_ASSIGN(const ModelVersion filled, registry_->Register(bare, ridge_.artifact));
  EXPECT_EQ(filled.type, "ridge");
  EXPECT_EQ(filled.task, "regression");
  EXPECT_EQ(filled.features, ridge_.model->feature_names());

  ModelVersion wrong = Metadata("m", ridge_);
  wrong.features = {"close", "rsi_7", "ema_21"};
  Result<ModelVersion> refused = registry_->Register(wrong, ridge_.artifact);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().message(),
            "metadata lists features [close, rsi_7, ema_21] but the model reads [close, rsi_14, "
            "ema_21]");

  wrong = Metadata("m", ridge_);
  wrong.type = "xgboost";
  EXPECT_THAT(registry_->Register(wrong, ridge_.artifact).status().message(),
              HasSubstr("metadata says type 'xgboost' but the artifact is a ridge model"));
  wrong = Metadata("m", ridge_);
  wrong.task = "ranking";
  EXPECT_THAT(registry_->Register(wrong, ridge_.artifact).status().message(),
              HasSubstr("task 'ranking' is neither"));
  wrong = Metadata("m", ridge_);
  wrong.reference_feature = "open";
  EXPECT_THAT(registry_->Register(wrong, ridge_.artifact).status().message(),
              HasSubstr("reference feature 'open' is not one of the model's features"));
  for (const std::string name : {"", "../escape", ".hidden", "a/b", "sp ace"}) {
    Result<ModelVersion> bad_name = registry_->Register(Metadata(name, ridge_), ridge_.artifact);
    EXPECT_EQ(bad_name.status().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(bad_name.status().message(), HasSubstr("is not a model name")) << name;
  }
  Result<ModelVersion> garbage = registry_->Register(Metadata("m", ridge_), "not a model");
  EXPECT_EQ(garbage.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(garbage.status().message(), HasSubstr("the artifact of m is not a saved model"));

  // Nothing refused was stored, not even a file.
  ASSERT_OK_AND_ASSIGN(const auto names, registry_->ListNames());
  EXPECT_EQ(names, std::vector<std::string>{"bare"});
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir_.path() / "models/artifacts")) {
    if (entry.is_regular_file()) files.push_back(entry.path().lexically_relative(dir_.path()));
  }
  EXPECT_EQ(files, std::vector<std::string>{"models/artifacts/bare/1.model"});
}

TEST_F(ModelRegistryTest, PromoteAndRollBackAnAlias) {
  for (int i = 0; i < 3; ++i) RegisterRidge("m");
  ASSERT_OK(registry_->Promote("m", "production", 1));
  ASSERT_OK(registry_->Promote("m", "production", 2));
  ASSERT_OK(registry_->Promote("m", "production", 2));  // no change, nothing remembered
  ASSERT_OK(registry_->Promote("m", "production", 3));
  ASSERT_OK(registry_->Promote("m", "staging", 1));
  ASSERT_OK_AND_ASSIGN(auto aliases, registry_->Aliases("m"));
  EXPECT_EQ(aliases, (std::map<std::string, int64_t>{{"production", 3}, {"staging", 1}}));
  ASSERT_OK_AND_ASSIGN(const ModelVersion production, registry_->Find("m", "production"));
  EXPECT_EQ(production.version, 3);

  ASSERT_OK_AND_ASSIGN(const int64_t back, registry_->Rollback("m", "production"));
  EXPECT_EQ(back, 2);
  ASSERT_OK_AND_ASSIGN(const ModelVersion after, registry_->Find("m", "production"));
  EXPECT_EQ(after.version, 2);
  ASSERT_OK_AND_ASSIGN(const int64_t further, registry_->Rollback("m", "production"));
  EXPECT_EQ(further, 1);
  Result<int64_t> none = registry_->Rollback("m", "production");
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(none.status().message(),
            "alias 'production' of model m points at v1 and has no earlier version to roll "
            "back to");
  ASSERT_OK_AND_ASSIGN(aliases, registry_->Aliases("m"));
  EXPECT_EQ(aliases, (std::map<std::string, int64_t>{{"production", 1}, {"staging", 1}}));

  Result<int64_t> unknown = registry_->Rollback("m", "canary");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().message(),
            "model m has no alias 'canary' (aliases: production -> v1, staging -> v1)");
  for (const std::string alias : {"Production", "latest", "3", "", "a b"}) {
    EXPECT_EQ(registry_->Promote("m", alias, 1).code(), StatusCode::kInvalidArgument) << alias;
  }
  const Status missing_version = registry_->Promote("m", "production", 9);
  EXPECT_EQ(missing_version.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing_version.message(), "model m has no version 9 (versions: 1, 2, 3)");
}

TEST_F(ModelRegistryTest, DeleteRefusesAnAliasedVersionAndNumbersAreNeverReused) {
  for (int i = 0; i < 3; ++i) RegisterRidge("m");
  ASSERT_OK(registry_->Promote("m", "production", 2));
  ASSERT_OK(registry_->Promote("m", "canary", 2));
  const Status refused = registry_->Delete("m", 2);
  EXPECT_EQ(refused.code(), StatusCode::kBusy);
  EXPECT_THAT(refused.message(),
              HasSubstr("model m v2 is what alias canary, production points at"));
  ASSERT_OK(registry_->Find("m", "2").status());

  ASSERT_OK(registry_->Delete("m", 3));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "models/artifacts/m/3.model"));
  const Status gone = registry_->Find("m", "3").status();
  EXPECT_EQ(gone.code(), StatusCode::kNotFound);
  EXPECT_EQ(gone.message(), "model m has no version 3 (versions: 1, 2)");
  EXPECT_EQ(registry_->Delete("m", 3).code(), StatusCode::kNotFound);
  EXPECT_EQ(RegisterRidge("m"), 4);

  // A rollback skips a version deleted since.
  ASSERT_OK(registry_->Promote("m", "production", 1));
  ASSERT_OK(registry_->Promote("m", "production", 4));  // history: 2, 1
  ASSERT_OK(registry_->Delete("m", 1));
  ASSERT_OK_AND_ASSIGN(const int64_t back, registry_->Rollback("m", "production"));
  EXPECT_EQ(back, 2);
  EXPECT_EQ(registry_->Rollback("m", "production").status().code(), StatusCode::kNotFound);

  // A model whose only version was deleted leaves the list but keeps counting.
  EXPECT_EQ(RegisterRidge("solo"), 1);
  ASSERT_OK(registry_->Delete("solo", 1));
  ASSERT_OK_AND_ASSIGN(const auto names, registry_->ListNames());
  EXPECT_EQ(names, std::vector<std::string>{"m"});
  EXPECT_EQ(RegisterRidge("solo"), 2);
}

TEST_F(ModelRegistryTest, ADamagedOrMissingArtifactIsCorruption) {
  RegisterRidge("m");
  ASSERT_OK_AND_ASSIGN(const ModelVersion version, registry_->Find("m", "1"));
  const std::string path = registry_->ArtifactPath(version);
  std::string bytes = ridge_.artifact;
  bytes[bytes.size() / 2] ^= 0x01;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  Result<std::string> read = registry_->ReadArtifact(version);
  EXPECT_EQ(read.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(read.status().message(),
              HasSubstr("the artifact of m v1 (" + path + ") has checksum"));
  EXPECT_THAT(read.status().message(), HasSubstr("it was changed or damaged"));
  EXPECT_EQ(registry_->Load("m", "latest").status().code(), StatusCode::kCorruption);

  std::filesystem::remove(path);
  read = registry_->ReadArtifact(version);
  EXPECT_EQ(read.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(read.status().message(), "the artifact of m v1 is missing: " + path);
}

TEST_F(ModelRegistryTest, LookupErrorsNameWhatExists) {
  Status status = registry_->Find("nope", "latest").status();
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.message(),
            "no model 'nope' in the registry " + dir_.str() + "/models (it is empty)");
  RegisterRidge("b-model");
  RegisterRidge("a-model");
  for (const std::string spec : {"latest", "1", "production"}) {
    status = registry_->Find("nope", spec).status();
    EXPECT_EQ(status.code(), StatusCode::kNotFound);
    EXPECT_EQ(status.message(), "no model 'nope' in the registry " + dir_.str() +
                                    "/models (models: a-model, b-model)");
  }
  EXPECT_EQ(registry_->ListVersions("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(registry_->Aliases("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(registry_->Find("a-model", "production").status().message(),
            "model a-model has no alias 'production' (it has none yet)");
  EXPECT_EQ(registry_->Find("a-model", "v1").status().message(),
            "model a-model has no alias 'v1' (it has none yet; for version 1, write 1)");
  for (const std::string spec : {"0", "-1", "1.5", "Prod", ""}) {
    EXPECT_EQ(registry_->Find("a-model", spec).status().code(), StatusCode::kInvalidArgument)
        << spec;
  }
}

}  // namespace
}  // namespace rtml::ml
