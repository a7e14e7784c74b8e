// Window assignment and the policies' names, against brute force.
#include "rtml/process/window.h"

#include <gtest/gtest.h>

#include "candle_reference.h"
#include "testing.h"

namespace rtml::process {
namespace {

// Brute force: every window index k with k * hop <= t < k * hop + size.
std::vector<int64_t> BruteForceStarts(const WindowSpec& spec, int64_t t) {
  std::vector<int64_t> starts;
  for (int64_t k = t / spec.hop() - spec.size_ms / spec.hop() - 3; k <= t / spec.hop() + 3; ++k) {
    if (spec.StartOf(k) <= t && t < spec.EndOf(k)) starts.push_back(spec.StartOf(k));
  }
  return starts;
}

TEST(WindowSpecTest, AssignsEveryTimeToTheWindowsHoldingIt) {
  const WindowSpec specs[] = {
      WindowSpec::Tumbling(1000),          WindowSpec::Tumbling(60'000),
      WindowSpec::Hopping(60'000, 15'000), WindowSpec::Hopping(60'000, 25'000),
      WindowSpec::Hopping(10, 3),          WindowSpec{.size_ms = 7}};
  for (const WindowSpec& spec : specs) {
    for (int64_t t = -200'000; t <= 200'000; t += spec.size_ms < 100 ? 1 : 997) {
      const WindowRange range = spec.WindowsOf(t);
      std::vector<int64_t> starts;
      for (int64_t k = range.first; k <= range.last; ++k) starts.push_back(spec.StartOf(k));
      ASSERT_EQ(starts, BruteForceStarts(spec, t)) << spec.ToString() << " t=" << t;
      ASSERT_EQ(starts, testing::WindowStarts(t, spec.size_ms, spec.hop()));
    }
  }
}

TEST(WindowSpecTest, TumblingHoldsEachTimeOnceAndHoppingSeveralTimes) {
  EXPECT_EQ(WindowSpec::Tumbling(1000).WindowsOf(1999).first, 1);
  EXPECT_EQ(WindowSpec::Tumbling(1000).WindowsOf(2000).first, 2);
  EXPECT_EQ(WindowSpec::Tumbling(1000).WindowsOf(-1).first, -1);
  const WindowRange range = WindowSpec::Hopping(60'000, 15'000).WindowsOf(61'000);
  EXPECT_EQ(range.first, 1);  // [15 s, 75 s) ... [60 s, 120 s)
  EXPECT_EQ(range.last, 4);
  // hop 25 s does not divide 60 s: 2 or 3 windows.
  EXPECT_EQ(WindowSpec::Hopping(60'000, 25'000).WindowsOf(0).last -
                WindowSpec::Hopping(60'000, 25'000).WindowsOf(0).first + 1,
            3);
  EXPECT_EQ(WindowSpec::Hopping(60'000, 25'000).WindowsOf(12'000).last -
                WindowSpec::Hopping(60'000, 25'000).WindowsOf(12'000).first + 1,
            2);
}

TEST(WindowSpecTest, RejectsBadSpecsWithClearMessages) {
  struct Case {
    WindowSpec spec;
    std::string message;
  };
  const Case cases[] = {
      {{.size_ms = 0}, "window size must be positive, got 0 ms"},
      {{.size_ms = -5}, "window size must be positive, got -5 ms"},
      {{.size_ms = 1000, .hop_ms = -1}, "window hop must be positive, got -1 ms"},
      {{.size_ms = 60'000, .hop_ms = 90'000},
       "window hop 90s is larger than the window size 60s (events between windows would belong "
       "to none)"},
      {{.size_ms = 60'000, .hop_ms = 1},
       "window 60s/1ms puts each event in 60000 windows, more than 1000"},
      {{.size_ms = kMaxEventTimeMs + 1}, "too large"},
  };
  for (const Case& c : cases) {
    const Status status = c.spec.Validate();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.message;
    EXPECT_NE(status.message().find(c.message), std::string::npos) << status.message();
  }
  EXPECT_OK(WindowSpec::Hopping(60'000, 60'000).Validate());
  EXPECT_OK(WindowSpec::Hopping(60'000, 7'000).Validate());
}

TEST(WindowSpecTest, NamesAndPolicies) {
  EXPECT_EQ(WindowSpec::Tumbling(60'000).ToString(), "60s");
  EXPECT_EQ(WindowSpec::Hopping(60'000, 15'000).ToString(), "60s/15s");
  EXPECT_EQ(WindowSpec::Tumbling(1500).ToString(), "1500ms");
  EXPECT_EQ(WindowSpec::Tumbling(60'000), (WindowSpec{.size_ms = 60'000}));
  for (const LatePolicy policy : {LatePolicy::kDeadLetter, LatePolicy::kUpdate}) {
    EXPECT_EQ(ParseLatePolicy(LatePolicyName(policy)), policy);
  }
  for (const EmitMode mode : {EmitMode::kFinal, EmitMode::kCurrent}) {
    EXPECT_EQ(ParseEmitMode(EmitModeName(mode)), mode);
  }
  EXPECT_EQ(ParseLatePolicy("drop"), std::nullopt);
  EXPECT_EQ(ParseEmitMode("Final"), std::nullopt);
}

}  // namespace
}  // namespace rtml::process
