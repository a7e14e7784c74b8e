// Model specs from YAML and JSON: what a user writes, checked before anything runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtml/ml/model_spec.h"
#include "testing.h"

namespace rtml::ml {
namespace {

TEST(ModelSpecTest, ReadsYamlAndJson) {
  ASSERT_OK_AND_ASSIGN(ModelSpec yaml, ParseModelSpec("type: ridge\nfeatures: [close, rsi_14]\n"
                                                      "params: {alpha: 0.5, note: fast}\n",
                                                      "m.yaml"));
  EXPECT_EQ(yaml.type, "ridge");
  EXPECT_EQ(yaml.features, (std::vector<std::string>{"close", "rsi_14"}));
  EXPECT_EQ(yaml.params.at("alpha"), 0.5);
  EXPECT_EQ(yaml.text_params.at("note"), "fast");
  ASSERT_OK_AND_ASSIGN(
      ModelSpec json,
      ParseModelSpec(R"({"type":"last_value","features":["close"],"params":{"feature":"close"}})",
                     "m.json"));
  EXPECT_EQ(json.text_params.at("feature"), "close");
  ASSERT_OK(MakeModel(json).status());
}

TEST(ModelSpecTest, MistakesNameTheFileAndThePlace) {
  EXPECT_EQ(ParseModelSpec("features: [a]\n", "m.yaml").status().message().substr(0, 38),
            "m.yaml: type: name the model type (las");
  EXPECT_EQ(ParseModelSpec("type: ridge\nlayers: 3\n", "m.yaml").status().message(),
            "m.yaml: layers: unknown setting (a spec has type, features, params)");
  EXPECT_EQ(ParseModelSpec("type: ridge\nfeatures: [a, a]\n", "m.yaml").status().message(),
            "m.yaml: features: each must be a name, once");
  EXPECT_FALSE(ParseModelSpec("type: [unclosed\n", "m.yaml").ok());
  EXPECT_FALSE(ParseModelSpec("import os", "m.yaml").ok());
}

}  // namespace
}  // namespace rtml::ml
