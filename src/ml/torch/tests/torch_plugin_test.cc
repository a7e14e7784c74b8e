// The torchscript plugin is loaded on demand: a process linked with the model factory
// (as the `rtml` tool is) has no libtorch mapped until a torchscript model is made,
// other model types never load it, and a plugin that cannot be found makes the type
// Unsupported with the paths tried and the loader's reason. This binary links
// rtml_ml_models but not libtorch.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtml/ml/model_spec.h"
#include "testing.h"

namespace rtml::ml {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// Whether a file whose path contains `name` is mapped into this process.
bool Mapped(std::string_view name) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find(name) != std::string::npos) return true;
  }
  return false;
}

const ModelSpec kMissingModule = {
    .type = "torchscript", .features = {"a"}, .text_params = {{"module", "/no/such/net.pt"}}};

TEST(TorchPluginTest, LibtorchIsMappedOnlyOnceATorchscriptModelIsMade) {
  ASSERT_FALSE(Mapped("libtorch")) << "libtorch is loaded at start-up";
  ASSERT_FALSE(Mapped("libc10"));
  ASSERT_OK(MakeModel({.type = "mean", .features = {"a"}}).status());
  EXPECT_FALSE(Mapped("librtml_torch"));
  EXPECT_FALSE(Mapped("libtorch"));

  // The plugin itself reports the missing module file: it was found and loaded.
  const auto made = MakeModel(kMissingModule);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), HasSubstr("cannot read module '/no/such/net.pt'"));
  EXPECT_TRUE(Mapped("librtml_torch.so"));
  EXPECT_TRUE(Mapped("libtorch"));
  EXPECT_TRUE(Mapped("libc10"));

  // Loading and importing use the same plugin, and answer as it does.
  const auto imported = ImportTorchScript("not a module", {"a"});
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.status().code(), StatusCode::kInvalidArgument);
  const auto loaded = LoadModel("rtml-model\t1\ntype\ttorchscript\nfeatures\ta\n");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kCorruption);
}

// Runs in a child process of its own (a death test), where the plugin was not opened
// yet: it is opened once per process.
TEST(TorchPluginDeathTest, AMissingPluginIsUnsupportedNamingThePathTriedAndWhy) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ::setenv("RTML_TORCH_PLUGIN", "/no/such/librtml_torch.so", 1);
        const auto made = MakeModel(kMissingModule);
        const auto imported = ImportTorchScript("not a module", {"a"});
        std::cerr << made.status().message() << "\n";
        const bool unsupported = made.status().code() == StatusCode::kUnsupported &&
                                 imported.status().code() == StatusCode::kUnsupported;
        std::exit(unsupported && !Mapped("libtorch") ? 0 : 1);
      },
      ::testing::ExitedWithCode(0),
      AllOf(HasSubstr("torchscript models need librtml_torch.so (tried "
                      "/no/such/librtml_torch.so: "),
            HasSubstr("No such file"), HasSubstr("RTML_TORCH_PLUGIN")));
}

}  // namespace
}  // namespace rtml::ml
