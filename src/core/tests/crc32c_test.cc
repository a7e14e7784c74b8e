#include "rtml/core/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace rtml {
namespace {

// Check values from RFC 3720 (iSCSI), appendix B.4, and the common "123456789" vector.
TEST(Crc32c, MatchesPublishedVectors) {
  EXPECT_EQ(crc32c::Value("123456789"), 0xE3069283u);
  const std::string zeros(32, '\0');
  EXPECT_EQ(crc32c::Value(zeros), 0x8A9136AAu);
  const std::string ones(32, '\xff');
  EXPECT_EQ(crc32c::Value(ones), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending += static_cast<char>(i);
  EXPECT_EQ(crc32c::Value(ascending), 0x46DD794Eu);
}

TEST(Crc32c, ExtendEqualsWholeValue) {
  const std::string data = "the quick brown fox jumps over the lazy dog, twice over";
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    const uint32_t head = crc32c::Value(data.data(), cut);
    EXPECT_EQ(crc32c::Extend(head, data.data() + cut, data.size() - cut), crc32c::Value(data));
  }
}

}  // namespace
}  // namespace rtml
