// The oracle works: TA-Lib, as built for the tests, computes what its definitions say.
#include <ta_func.h>

#include <vector>

#include <gtest/gtest.h>

namespace {

TEST(TaLibReferenceTest, SmaOfAShortSeries) {
  const std::vector<double> close = {1, 2, 3, 4, 5, 6};
  std::vector<double> out(close.size());
  int begin = 0, count = 0;
  ASSERT_EQ(
      TA_SMA(0, static_cast<int>(close.size()) - 1, close.data(), 3, &begin, &count, out.data()),
      TA_SUCCESS);
  EXPECT_EQ(TA_SMA_Lookback(3), 2);
  EXPECT_EQ(begin, 2);
  ASSERT_EQ(count, 4);
  EXPECT_DOUBLE_EQ(out[0], 2);
  EXPECT_DOUBLE_EQ(out[3], 5);
}

}  // namespace
