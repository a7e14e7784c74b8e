#include "redis/redis_uri.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing.h"

namespace rtml::features {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedisUriTest, ReadsHostPortDatabaseAndPassword) {
  ASSERT_OK_AND_ASSIGN(RedisEndpoint plain, ParseRedisUri("redis://cache.local"));
  EXPECT_EQ(plain.host, "cache.local");
  EXPECT_EQ(plain.port, 6379);
  EXPECT_EQ(plain.db, 0);
  EXPECT_EQ(plain.password, "");

  ASSERT_OK_AND_ASSIGN(RedisEndpoint full, ParseRedisUri("redis://:p%40ss%2Fw@10.0.0.7:6380/3"));
  EXPECT_EQ(full.host, "10.0.0.7");
  EXPECT_EQ(full.port, 6380);
  EXPECT_EQ(full.db, 3);
  EXPECT_EQ(full.user, "");
  EXPECT_EQ(full.password, "p@ss/w");
  EXPECT_EQ(full.Describe(), "redis://10.0.0.7:6380/3");

  ASSERT_OK_AND_ASSIGN(RedisEndpoint acl, ParseRedisUri("redis://feeder:pw@[::1]:7000/"));
  EXPECT_EQ(acl.host, "::1");
  EXPECT_EQ(acl.port, 7000);
  EXPECT_EQ(acl.db, 0);
  EXPECT_EQ(acl.user, "feeder");
  EXPECT_EQ(acl.Describe(), "redis://[::1]:7000/0");
}

TEST(RedisUriTest, RejectsMalformedUrisWithoutShowingThePassword) {
  for (const char* uri : {"http://h:6379", "redis://", "redis://:6379", "redis://h:", "redis://h:0",
                          "redis://h:99999", "redis://h:port", "redis://h/db1",
                          "redis://h/1?timeout=1", "redis://secret@h", "redis://:secret@h:x",
                          "redis://:@h", "redis://:%zzsecret@h", "redis://[::1"}) {
    SCOPED_TRACE(uri);
    const auto endpoint = ParseRedisUri(uri);
    ASSERT_FALSE(endpoint.ok());
    EXPECT_EQ(endpoint.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(endpoint.status().message(), HasSubstr("redis://HOST:PORT[/DB]"));
    EXPECT_THAT(endpoint.status().message(), Not(HasSubstr("secret")));
  }
}

}  // namespace
}  // namespace rtml::features
