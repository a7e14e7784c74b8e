// Built with RTML_WITH_TORCH=OFF: the torchscript type is known and refused with the
// reason, never mistaken for an unknown type.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtml/ml/model_spec.h"

namespace rtml::ml {
namespace {

using ::testing::HasSubstr;

TEST(TorchUnavailableTest, SpecsImportsAndSavedModelsSayRtmlWasBuiltWithoutLibtorch) {
  const auto made =
      MakeModel({.type = "torchscript", .features = {"a"}, .text_params = {{"module", "net.pt"}}});
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), StatusCode::kUnsupported);
  EXPECT_THAT(made.status().message(), HasSubstr("built without libtorch (RTML_WITH_TORCH=OFF)"));

  const auto imported = ImportTorchScript("PK...", {"a"});
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.status().code(), StatusCode::kUnsupported);

  const auto loaded = LoadModel("rtml-model\t1\ntype\ttorchscript\nfeatures\ta\n");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace rtml::ml
