#include "rtml/ingest/replay_pacer.h"

#include "rtml/core/clock.h"
#include "testing.h"

namespace rtml::ingest {
namespace {

TEST(ReplayPacerTest, ParsesSpeeds) {
  EXPECT_EQ(*ReplayPacer::ParseSpeed("max"), ReplayPacer::kMaxSpeed);
  EXPECT_EQ(*ReplayPacer::ParseSpeed("1"), 1.0);
  EXPECT_EQ(*ReplayPacer::ParseSpeed("2.5"), 2.5);
  EXPECT_EQ(*ReplayPacer::ParseSpeed("10x"), 10.0);
  for (const char* bad : {"", "0", "-1", "fast", "x", "1e999", "nan"}) {
    EXPECT_FALSE(ReplayPacer::ParseSpeed(bad).ok()) << bad;
  }
}

TEST(ReplayPacerTest, DelaysScaleWithSpeed) {
  ReplayPacer pacer(2);
  EXPECT_EQ(pacer.DelayNs(1'000'000'000), 0);          // the first record pins the clock
  const int64_t delay = pacer.DelayNs(1'200'000'000);  // 200 ms later at 2x: 100 ms
  EXPECT_GT(delay, 90'000'000);
  EXPECT_LE(delay, 100'000'000);
  EXPECT_EQ(pacer.DelayNs(900'000'000), 0);  // going back in time does not wait
  EXPECT_EQ(pacer.DelayNs(0), 0);            // unknown time
}

TEST(ReplayPacerTest, MaxSpeedNeverWaits) {
  ReplayPacer pacer(ReplayPacer::kMaxSpeed);
  pacer.Wait(1);
  const int64_t start = MonotonicNs();
  EXPECT_TRUE(pacer.Wait(3'600'000'000'000));  // an hour later
  EXPECT_LT(MonotonicNs() - start, 10'000'000);
}

TEST(ReplayPacerTest, WaitsTheScaledTime) {
  ReplayPacer pacer(2);
  const int64_t start = MonotonicNs();
  for (int64_t t : {0, 200, 400}) ASSERT_TRUE(pacer.Wait(5'000'000'000 + t * 1'000'000));
  const int64_t elapsed_ms = (MonotonicNs() - start) / 1'000'000;
  EXPECT_GE(elapsed_ms, 195);
  EXPECT_LT(elapsed_ms, 400);
}

bool AlwaysStop() { return true; }

TEST(ReplayPacerTest, StopsEarly) {
  ReplayPacer pacer(1);
  ASSERT_TRUE(pacer.Wait(1'000'000'000));
  const int64_t start = MonotonicNs();
  EXPECT_FALSE(pacer.Wait(100'000'000'000, AlwaysStop));
  EXPECT_LT(MonotonicNs() - start, 50'000'000);
}

}  // namespace
}  // namespace rtml::ingest
