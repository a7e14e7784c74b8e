// Several processes and threads on one registry directory: a training process
// registering and promoting while a serving process polls and loads, and writers
// racing for version numbers.
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "fitted_models.h"
#include "rtml/ml/model_registry.h"
#include "testing.h"

namespace rtml::ml {
namespace {

using testing::Fit;
using testing::Fitted;
using testing::Generated;
using testing::Metadata;

constexpr int kVersions = 20;

// The child's whole life: register and promote kVersions versions, exit 0 if all
// succeeded. No gtest calls here (they are not fork-safe).
[[noreturn]] void RegisterAndPromote(const std::string& dir, const ModelVersion& metadata,
                                     const std::string& artifact) {
  auto registry = ModelRegistry::Open(dir);
  if (!registry.ok()) _exit(2);
  for (int i = 0; i < kVersions; ++i) {
    ModelVersion version = metadata;
    version.metrics["test.mae"] = i;
    Result<ModelVersion> stored = (*registry)->Register(version, artifact);
    if (!stored.ok()) _exit(3);
    if (!(*registry)->Promote(metadata.name, "production", stored->version).ok()) _exit(4);
  }
  _exit(0);
}

TEST(RegistryProcessesTest, ServingReadsWhileTrainingRegistersInAnotherProcess) {
  const Fitted fitted = Fit("ridge", Generated(200, 9));
  const ModelVersion metadata = Metadata("live", fitted);
  rtml::testing::TempDir dir;
  const std::string path = dir.str() + "/registry";
  ASSERT_OK_AND_ASSIGN(auto reader, ModelRegistry::Open(path));

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) RegisterAndPromote(path, metadata, fitted.artifact);

  // Poll as a serving stage would: each alias move seen is to a newer version, which
  // loads, whole and checked, at once.
  int64_t seen = 0;
  int loads = 0;
  int status = 0;
  while (true) {
    const pid_t done = waitpid(child, &status, WNOHANG);
    Result<std::map<std::string, int64_t>> aliases = reader->Aliases("live");
    if (aliases.ok() && aliases->contains("production")) {
      const int64_t production = aliases->at("production");
      ASSERT_GE(production, seen);
      if (production > seen) {
        ASSERT_OK_AND_ASSIGN(const auto serving, reader->Load("live", "production"));
        EXPECT_GE(serving->version().version, production);
        EXPECT_EQ(serving->version().metrics.at("test.mae"),
                  static_cast<double>(serving->version().version - 1));
        seen = production;
        ++loads;
      }
    } else if (!aliases.ok()) {
      ASSERT_EQ(aliases.status().code(), StatusCode::kNotFound) << aliases.status().ToString();
    }
    if (done == child) break;
  }
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(seen, kVersions);
  EXPECT_GE(loads, 1);
  ASSERT_OK_AND_ASSIGN(const auto versions, reader->ListVersions("live"));
  EXPECT_EQ(versions.size(), static_cast<size_t>(kVersions));
}

TEST(RegistryProcessesTest, ConcurrentWritersGetDistinctNumbers) {
  const Fitted fitted = Fit("ridge", Generated(200, 10));
  rtml::testing::TempDir dir;
  const std::string path = dir.str() + "/registry";
  constexpr int kWriters = 3;
  std::vector<std::vector<int64_t>> numbers(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto registry = ModelRegistry::Open(path);  // each its own connection
      ASSERT_TRUE(registry.ok()) << registry.status().ToString();
      for (int i = 0; i < 8; ++i) {
        Result<ModelVersion> stored =
            (*registry)->Register(Metadata("shared", fitted), fitted.artifact);
        ASSERT_TRUE(stored.ok()) << stored.status().ToString();
        numbers[w].push_back(stored->version);
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  std::set<int64_t> all;
  for (const auto& mine : numbers) all.insert(mine.begin(), mine.end());
  EXPECT_EQ(all.size(), 24u);
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), 24);
  ASSERT_OK_AND_ASSIGN(auto registry, ModelRegistry::Open(path));
  for (const int64_t number : all) {
    ASSERT_OK(registry->Load("shared", std::to_string(number)).status());
  }
}

}  // namespace
}  // namespace rtml::ml
