#include "rtml/core/result.h"

#include <gtest/gtest.h>

namespace rtml {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

Status Quarter(int x, int* out) {
  RTML_ASSIGN_OR_RETURN(const int half, Half(x));
  RTML_ASSIGN_OR_RETURN(*out, Half(half));
  return Status::Ok();
}

TEST(Status, OkAndFailureRender) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "OK");
  const Status s = Status::Corruption("segment 0: bad checksum at byte 40");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "corruption: segment 0: bad checksum at byte 40");
  EXPECT_EQ(s.WithContext("topic trades").message(),
            "topic trades: segment 0: bad checksum at byte 40");
}

TEST(Result, PropagatesTheFirstFailure) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  const Status s = Quarter(6, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "3 is odd");
}

}  // namespace
}  // namespace rtml
