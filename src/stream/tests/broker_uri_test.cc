#include "rtml/stream/broker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace rtml::stream {
namespace {

using ::testing::HasSubstr;

TEST(OpenBroker, RejectsUnknownSchemeNamingTheUri) {
  auto broker = OpenBroker("redis://localhost:6379");
  ASSERT_FALSE(broker.ok());
  EXPECT_EQ(broker.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(broker.status().message(), HasSubstr("redis://localhost:6379"));
  EXPECT_THAT(broker.status().message(), HasSubstr("file://DIR"));
}

TEST(OpenBroker, RejectsMalformedKafkaHosts) {
  for (const char* uri :
       {"kafka://", "kafka://localhost", "kafka://host:", "kafka://h:9092,x", "kafka://h:90a2"}) {
    auto broker = OpenBroker(uri);
    ASSERT_FALSE(broker.ok()) << uri;
    EXPECT_EQ(broker.status().code(), StatusCode::kInvalidArgument) << uri;
  }
}

TEST(OpenBroker, RejectsFileUriWithoutDirectory) {
  auto broker = OpenBroker("file://");
  ASSERT_FALSE(broker.ok());
  EXPECT_THAT(broker.status().message(), HasSubstr("no directory"));
}

TEST(ResolveBrokerUri, FlagBeatsEnvironmentBeatsDefault) {
  unsetenv("RTML_BROKER");
  EXPECT_EQ(ResolveBrokerUri(""), std::string(kDefaultBrokerUri));
  setenv("RTML_BROKER", "kafka://k:9092", 1);
  EXPECT_EQ(ResolveBrokerUri(""), "kafka://k:9092");
  EXPECT_EQ(ResolveBrokerUri("file:///tmp/x"), "file:///tmp/x");
  unsetenv("RTML_BROKER");
}

TEST(ValidateTopicName, AcceptsKafkaLegalNamesOnly) {
  EXPECT_TRUE(ValidateTopicName("trades.v1_raw-2").ok());
  EXPECT_FALSE(ValidateTopicName("").ok());
  EXPECT_FALSE(ValidateTopicName("..").ok());
  EXPECT_FALSE(ValidateTopicName("a/b").ok());
  EXPECT_FALSE(ValidateTopicName(std::string(250, 'a')).ok());
}

}  // namespace
}  // namespace rtml::stream
