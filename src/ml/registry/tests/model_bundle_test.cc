// Export bundles: a version exported from one registry and imported into another
// predicts bit for bit what the original did; any damage to a bundle is refused as
// Corruption (never a crash, never a half-stored version).
#include "model_bundle.h"

#include <cstring>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fitted_models.h"
#include "rtml/ml/model_registry.h"
#include "testing.h"
#include "version_rules.h"

namespace rtml::ml {
namespace {

using testing::Fit;
using testing::Fitted;
using testing::Generated;
using ::testing::HasSubstr;
using testing::Metadata;

std::unique_ptr<ModelRegistry> OpenIn(const rtml::testing::TempDir& dir) {
  auto opened = ModelRegistry::Open(dir.str() + "/registry");
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? std::move(opened).value() : nullptr;
}

TEST(ModelBundleTest, ImportedIntoAnotherRegistryPredictsBitForBit) {
  const Dataset train = Generated(600, 11), rows = Generated(2000, 12);
  rtml::testing::TempDir source_dir, target_dir;
  auto source = OpenIn(source_dir), target = OpenIn(target_dir);
  ASSERT_NE(source, nullptr);
  ASSERT_NE(target, nullptr);
  for (const std::string type : {"ridge", "xgboost"}) {
    SCOPED_TRACE(type);
    const Fitted fitted = Fit(type, train);
    ModelVersion metadata = Metadata("btc-" + type, fitted);
    metadata.reference_feature = "close";
    ASSERT_OK_AND_ASSIGN(const ModelVersion original, source->Register(metadata, fitted.artifact));
    ASSERT_OK_AND_ASSIGN(const std::string bundle, source->Export(original.name, 1));

    ASSERT_OK_AND_ASSIGN(const ModelVersion imported, target->Import(bundle));
    EXPECT_EQ(imported.name, original.name);
    EXPECT_EQ(imported.version, 1);
    EXPECT_EQ(imported.features, original.features);
    EXPECT_EQ(imported.metrics, original.metrics);
    EXPECT_EQ(imported.params, original.params);
    EXPECT_EQ(imported.source, original.source);
    EXPECT_EQ(imported.reference_feature, "close");
    EXPECT_EQ(imported.artifact_checksum, original.artifact_checksum);
    ASSERT_OK_AND_ASSIGN(const ModelVersion renamed, target->Import(bundle, "copy-" + type));
    EXPECT_EQ(renamed.name, "copy-" + type);
    ASSERT_OK_AND_ASSIGN(const ModelVersion again, target->Import(bundle));
    EXPECT_EQ(again.version, 2);

    ASSERT_OK_AND_ASSIGN(const auto before, source->Load(original.name, "1"));
    for (const std::string& name : {original.name, "copy-" + type}) {
      ASSERT_OK_AND_ASSIGN(const auto after, target->Load(name, "1"));
      for (size_t i = 0; i < rows.rows(); ++i) {
        const double want = before->Predict(rows.Row(i)), got = after->Predict(rows.Row(i));
        ASSERT_EQ(std::memcmp(&want, &got, sizeof want), 0) << name << " row " << i;
        // The reference feature is added to what the model itself predicts.
        ASSERT_EQ(want, fitted.model->Predict(rows.Row(i)) + rows.Row(i)[0]);
      }
    }
  }
}

TEST(ModelBundleTest, EveryDamagedByteAndEveryTruncationIsRefused) {
  const Fitted fitted = Fit("ridge", Generated(200, 3));
  rtml::testing::TempDir source_dir, target_dir;
  auto source = OpenIn(source_dir), target = OpenIn(target_dir);
  ASSERT_OK(source->Register(Metadata("m", fitted), fitted.artifact).status());
  ASSERT_OK_AND_ASSIGN(const std::string bundle, source->Export("m", 1));
  ASSERT_OK(registry::DecodeBundle(bundle).status());

  for (size_t i = 0; i < bundle.size(); ++i) {
    std::string damaged = bundle;
    damaged[i] ^= 0x20;
    const Status status = target->Import(damaged).status();
    ASSERT_FALSE(status.ok()) << "byte " << i;
    ASSERT_TRUE(status.code() == StatusCode::kCorruption ||
                status.code() == StatusCode::kUnsupported)
        << "byte " << i << ": " << status.ToString();
  }
  for (size_t length = 0; length < bundle.size(); ++length) {
    const Status status = target->Import(std::string_view(bundle).substr(0, length)).status();
    ASSERT_EQ(status.code(), StatusCode::kCorruption) << "length " << length;
  }
  EXPECT_EQ(target->Import(bundle + "x").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(target->Import("").status().message(),
            "not a model bundle: it does not start with 'rtml-model-bundle'");
  // Nothing was stored.
  ASSERT_OK_AND_ASSIGN(const auto names, target->ListNames());
  EXPECT_TRUE(names.empty());
}

TEST(ModelBundleTest, AnIntactBundleOfBadContentIsRefused) {
  const Fitted fitted = Fit("ridge", Generated(200, 3));
  ModelVersion version = Metadata("m", fitted);
  version.artifact_checksum = "00000000";
  rtml::testing::TempDir dir;
  auto registry = OpenIn(dir);
  Result<ModelVersion> imported =
      registry->Import(registry::EncodeBundle(version, fitted.artifact));
  EXPECT_EQ(imported.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(imported.status().message(),
              HasSubstr("the artifact's checksum differs from the one its metadata records"));

  // Metadata that disagrees with its artifact, under a correct checksum.
  version.artifact_checksum = registry::ArtifactChecksum(fitted.artifact);
  version.features = {"a", "b", "c"};
  imported = registry->Import(registry::EncodeBundle(version, fitted.artifact));
  EXPECT_EQ(imported.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(imported.status().message(), HasSubstr("metadata lists features [a, b, c]"));

  EXPECT_EQ(registry->Import("rtml-model-bundle 2\n").status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace rtml::ml
