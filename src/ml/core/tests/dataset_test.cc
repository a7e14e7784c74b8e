#include "rtml/ml/dataset.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing.h"

namespace rtml::ml {
namespace {

TEST(DatasetTest, RowsSlicesAndValidation) {
  Dataset data{.feature_names = {"a", "b"}};
  data.Add(std::vector<double>{1, 2}, 10, 100);
  data.Add(std::vector<double>{3, 4}, 20, 200);
  data.Add(std::vector<double>{5, 6}, 30, 300);
  ASSERT_OK(data.Validate());
  EXPECT_EQ(data.Row(1)[1], 4);
  const Dataset tail = data.Slice(1, 3);
  EXPECT_EQ(tail.rows(), 2u);
  EXPECT_EQ(tail.Row(0)[0], 3);
  EXPECT_EQ(tail.time_ms, (std::vector<int64_t>{200, 300}));
  EXPECT_EQ(data.FeatureIndex("b"), 1);
  EXPECT_EQ(data.FeatureIndex("c"), -1);

  Dataset nan = data;
  nan.x[3] = std::nan("");
  EXPECT_THAT(nan.Validate().message(), ::testing::HasSubstr("row 1: feature 'b'"));
  Dataset backwards = data;
  backwards.time_ms[2] = 150;
  EXPECT_THAT(backwards.Validate().message(), ::testing::HasSubstr("row 2"));
}

}  // namespace
}  // namespace rtml::ml
