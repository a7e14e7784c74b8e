// Test helpers shared by every rtml test binary.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "rtml/core/result.h"
#include "rtml/core/status.h"

#define ASSERT_OK(expr)                              \
  do {                                               \
    const ::rtml::Status rtml_s_ = (expr);           \
    ASSERT_TRUE(rtml_s_.ok()) << rtml_s_.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                              \
  do {                                               \
    const ::rtml::Status rtml_s_ = (expr);           \
    EXPECT_TRUE(rtml_s_.ok()) << rtml_s_.ToString(); \
  } while (0)

// ASSERT_OK_AND_ASSIGN(auto x, MakeX());
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(RTML_CONCAT_(rtml_r_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr)  \
  auto tmp = (expr);                                \
  ASSERT_TRUE(tmp.ok()) << tmp.status().ToString(); \
  lhs = std::move(tmp).value()

// Fails the test, saying where it looked and how to fix it, unless the real data
// folder `dir` (RealDataDir() or a folder in it) exists.
#define ASSERT_REAL_DATA(dir)                                                                 \
  ASSERT_TRUE(std::filesystem::is_directory(dir))                                             \
      << "real market data not found: looked in " << (dir).string()                           \
      << ". Set RTML_REAL_DATA to the shared/data folder (the one holding binance/); CI has " \
         "it beside the checkout."

namespace rtml::testing {

// A fresh directory under the system temp dir, removed with everything in it when
// the object goes away (unless RTML_KEEP_TEST_DIRS is set, for debugging).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// The lines of `text`, without their newline characters.
std::vector<std::string> SplitLines(const std::string& text);

// Writes `content` to `path`, gzip-compressed; fails the test if it cannot.
void WriteGzipFile(const std::filesystem::path& path, std::string_view content);

// The folder of real market data (it holds binance/, spy/, ohlcv/): $RTML_REAL_DATA,
// else shared/data beside the checkout. The data is never copied into the repository.
std::filesystem::path RealDataDir();

// Path of the built `rtml` binary (from RTML_BIN, set by CTest).
std::string RtmlBinary();

// Runs `command` through /bin/sh; returns its exit code and stdout.
struct CommandResult {
  int exit_code = -1;
  std::string out;
};
CommandResult RunCommand(const std::string& command);

}  // namespace rtml::testing
