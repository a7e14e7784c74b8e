#include "flags.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing.h"

namespace rtml::cli {
namespace {

FlagSet TestFlags() {
  FlagSet flags;
  flags.Value("partitions", "N", "number of partitions")
      .Value("offset", "N", "start offset")
      .Bool("json", "print JSON")
      .Repeated("header", "KEY=VALUE", "a header");
  return flags;
}

Result<ParsedFlags> Parse(std::vector<std::string> args) { return TestFlags().Parse(args); }

std::string ErrorOf(std::vector<std::string> args) {
  Result<ParsedFlags> parsed = Parse(std::move(args));
  EXPECT_FALSE(parsed.ok());
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  return parsed.status().message();
}

TEST(FlagsTest, ValueFlagsTakeSpaceOrEqualsForms) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--partitions", "3", "--offset=7"}));
  EXPECT_EQ(flags.Get("partitions"), "3");
  EXPECT_EQ(flags.Get("offset"), "7");
  EXPECT_FALSE(flags.Get("json").has_value());
  EXPECT_TRUE(flags.positional().empty());
}

TEST(FlagsTest, EqualsFormKeepsEverythingAfterTheFirstEquals) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--header=k=v=w", "--partitions="}));
  EXPECT_EQ(flags.GetAll("header"), std::vector<std::string_view>{"k=v=w"});
  EXPECT_EQ(flags.Get("partitions"), "");
}

TEST(FlagsTest, LastValueWinsForAValueFlag) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--offset", "1", "--offset", "2"}));
  EXPECT_EQ(flags.Get("offset"), "2");
}

TEST(FlagsTest, BooleanFlags) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags on, Parse({"--json"}));
  EXPECT_TRUE(on.Has("json"));
  ASSERT_OK_AND_ASSIGN(ParsedFlags off, Parse({"--json=false"}));
  EXPECT_FALSE(off.Has("json"));
  ASSERT_OK_AND_ASSIGN(ParsedFlags explicit_on, Parse({"--json=true"}));
  EXPECT_TRUE(explicit_on.Has("json"));
  ASSERT_OK_AND_ASSIGN(ParsedFlags none, Parse({}));
  EXPECT_FALSE(none.Has("json"));
}

TEST(FlagsTest, BooleanFlagDoesNotSwallowTheNextArgument) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--json", "trades"}));
  EXPECT_TRUE(flags.Has("json"));
  EXPECT_EQ(flags.positional(), std::vector<std::string>{"trades"});
}

TEST(FlagsTest, RepeatedFlagKeepsEveryValueInOrder) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags,
                       Parse({"--header", "a=1", "x", "--header=b=2", "--header", "a=3"}));
  EXPECT_EQ(flags.GetAll("header"), (std::vector<std::string_view>{"a=1", "b=2", "a=3"}));
  EXPECT_EQ(flags.positional(), std::vector<std::string>{"x"});
  EXPECT_TRUE(flags.GetAll("offset").empty());
}

TEST(FlagsTest, PositionalsMixWithFlags) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags,
                       Parse({"create", "--partitions", "3", "trades", "-", "--json"}));
  EXPECT_EQ(flags.positional(), (std::vector<std::string>{"create", "trades", "-"}));
  EXPECT_EQ(flags.Get("partitions"), "3");
  EXPECT_TRUE(flags.Has("json"));
}

TEST(FlagsTest, DoubleDashEndsFlags) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"a", "--", "--json", "-h", "b"}));
  EXPECT_EQ(flags.positional(), (std::vector<std::string>{"a", "--json", "-h", "b"}));
  EXPECT_FALSE(flags.Has("json"));
  EXPECT_FALSE(flags.help());
}

TEST(FlagsTest, ValueMayStartWithOneDash) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--offset", "-5"}));
  EXPECT_EQ(flags.Get("offset"), "-5");
}

TEST(FlagsTest, HelpInEitherForm) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags long_form, Parse({"x", "--help"}));
  EXPECT_TRUE(long_form.help());
  ASSERT_OK_AND_ASSIGN(ParsedFlags short_form, Parse({"-h"}));
  EXPECT_TRUE(short_form.help());
  // Help wins over what follows it, even an unknown flag.
  ASSERT_OK_AND_ASSIGN(ParsedFlags then_bad, Parse({"--help", "--bogus"}));
  EXPECT_TRUE(then_bad.help());
}

TEST(FlagsTest, UnknownFlagsAreNamed) {
  EXPECT_EQ(ErrorOf({"--bogus"}), "unknown flag --bogus");
  EXPECT_EQ(ErrorOf({"--bogus=1"}), "unknown flag --bogus");
  EXPECT_EQ(ErrorOf({"-x"}), "unknown flag -x");
  EXPECT_EQ(ErrorOf({"trades", "--partition", "1"}), "unknown flag --partition");
}

TEST(FlagsTest, MissingValuesAreNamed) {
  EXPECT_EQ(ErrorOf({"--partitions"}), "flag --partitions needs a value (--partitions N)");
  EXPECT_EQ(ErrorOf({"--offset", "--json"}), "flag --offset needs a value (--offset N)");
  EXPECT_EQ(ErrorOf({"--header"}), "flag --header needs a value (--header KEY=VALUE)");
}

TEST(FlagsTest, BooleanFlagRejectsOtherValues) {
  EXPECT_EQ(ErrorOf({"--json=yes"}),
            "flag --json is a switch; it takes no value other than =true or =false");
}

TEST(FlagsTest, GetIntChecksTypeAndRange) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags flags, Parse({"--partitions", "3", "--offset", "x1"}));
  ASSERT_OK_AND_ASSIGN(int64_t partitions, flags.GetInt("partitions", 1, 1, 100));
  EXPECT_EQ(partitions, 3);
  ASSERT_OK_AND_ASSIGN(int64_t fallback, flags.GetInt("missing", 42, 0, 100));
  EXPECT_EQ(fallback, 42);

  Result<int64_t> bad = flags.GetInt("offset", 0, 0, INT64_MAX);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "flag --offset: 'x1' is not a non-negative integer");
  Result<int64_t> out_of_range = flags.GetInt("partitions", 1, 5, 10);
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_EQ(out_of_range.status().message(),
            "flag --partitions: '3' is not an integer from 5 to 10");
  Result<int64_t> positive = flags.GetInt("partitions", 1, 4, INT64_MAX);
  ASSERT_FALSE(positive.ok());
}

TEST(FlagsTest, ExpectPositional) {
  ASSERT_OK_AND_ASSIGN(ParsedFlags none, Parse({}));
  EXPECT_EQ(none.ExpectPositional(1, "a topic name").message(), "expected a topic name");
  ASSERT_OK_AND_ASSIGN(ParsedFlags two, Parse({"a", "b"}));
  EXPECT_EQ(two.ExpectPositional(1, "a topic name").message(), "unexpected argument 'b'");
  EXPECT_OK(two.ExpectPositional(2, "two names"));
}

TEST(FlagsTest, ParseInt64) {
  EXPECT_EQ(ParseInt64("0"), 0);
  EXPECT_EQ(ParseInt64("-12"), -12);
  EXPECT_EQ(ParseInt64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseInt64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseInt64(""), std::nullopt);
  EXPECT_EQ(ParseInt64("+1"), std::nullopt);
  EXPECT_EQ(ParseInt64("1 "), std::nullopt);
  EXPECT_EQ(ParseInt64("1e3"), std::nullopt);
}

TEST(FlagsTest, HelpListsEveryFlagAligned) {
  EXPECT_EQ(TestFlags().Help(),
            "      --partitions N       number of partitions\n"
            "      --offset N           start offset\n"
            "      --json               print JSON\n"
            "      --header KEY=VALUE   a header (repeatable)\n"
            "  -h, --help               show this help\n");
}

TEST(FlagsTest, HelpWrapsLongDescriptions) {
  FlagSet flags;
  std::string help;
  for (int i = 0; i < 30; ++i) help += "word" + std::to_string(i) + " ";
  help.pop_back();
  flags.Value("name", "N", help);
  const std::string text = flags.Help();
  EXPECT_EQ(text,
            "      --name N   word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 "
            "word11 word12\n"
            "                 word13 word14 word15 word16 word17 word18 word19 word20 word21 "
            "word22 word23 word24\n"
            "                 word25 word26 word27 word28 word29\n"
            "  -h, --help     show this help\n");
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    EXPECT_LE(end - start, 100u);
  }
}

}  // namespace
}  // namespace rtml::cli
