// MakeIndicator() and IndicatorKinds(): names, parameters and their error messages.
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtml/process/indicators/indicator.h"
#include "testing.h"

namespace rtml::process {
namespace {

using ::testing::HasSubstr;

std::string ErrorOf(std::string_view name) {
  Result<std::unique_ptr<Indicator>> made = MakeIndicator(name);
  if (made.ok()) return "made " + std::string(name);
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument) << name;
  return made.status().message();
}

TEST(IndicatorRegistryTest, EveryKindMakesItsExample) {
  ASSERT_FALSE(IndicatorKinds().empty());
  for (const IndicatorKind& kind : IndicatorKinds()) {
    SCOPED_TRACE(std::string(kind.kind));
    EXPECT_FALSE(kind.description.empty());
    EXPECT_TRUE(kind.syntax.starts_with(kind.kind));
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Indicator> indicator, MakeIndicator(kind.example));
    // Every output is named after the kind and the parameters: "bbands_upper_20_2".
    const std::string_view params = kind.example.substr(kind.kind.size());
    ASSERT_FALSE(indicator->output_names().empty());
    for (const std::string& output : indicator->output_names()) {
      EXPECT_TRUE(output.starts_with(kind.kind) && output.ends_with(params)) << output;
    }
    if (indicator->output_names().size() == 1) {
      EXPECT_EQ(indicator->output_names()[0], kind.example);
    }
    EXPECT_EQ(indicator->bars(), 0);
    EXPECT_FALSE(indicator->ready());
  }
}

TEST(IndicatorRegistryTest, OutputNamesCarryTheParameters) {
  ASSERT_OK_AND_ASSIGN(auto macd, MakeIndicator("macd_12_26_9"));
  EXPECT_THAT(macd->output_names(),
              ::testing::ElementsAre("macd_12_26_9", "macd_signal_12_26_9", "macd_hist_12_26_9"));
  ASSERT_OK_AND_ASSIGN(auto bands, MakeIndicator("bbands_20_2.5"));
  EXPECT_THAT(
      bands->output_names(),
      ::testing::ElementsAre("bbands_upper_20_2.5", "bbands_middle_20_2.5", "bbands_lower_20_2.5"));
  ASSERT_OK_AND_ASSIGN(auto obv, MakeIndicator("obv"));
  EXPECT_THAT(obv->output_names(), ::testing::ElementsAre("obv"));
}

TEST(IndicatorRegistryTest, LookbacksAreTaLibs) {
  const std::pair<std::string_view, int> cases[] = {
      {"sma_20", 19},  {"ema_21", 20},       {"wma_10", 9},       {"dema_10", 18},
      {"tema_10", 27}, {"macd_12_26_9", 33}, {"bbands_20_2", 19}, {"stddev_5", 4},
      {"roc_10", 10},  {"mom_1", 1},         {"obv", 0},          {"vwap_20", 19}};
  for (const auto& [name, lookback] : cases) {
    ASSERT_OK_AND_ASSIGN(auto indicator, MakeIndicator(name));
    EXPECT_EQ(indicator->lookback(), lookback) << name;
  }
}

TEST(IndicatorRegistryTest, UnknownKindListsTheKnownOnes) {
  const std::string error = ErrorOf("foo_14");
  EXPECT_THAT(error, HasSubstr("unknown kind \"foo\""));
  for (const IndicatorKind& kind : IndicatorKinds()) EXPECT_THAT(error, HasSubstr(kind.kind));
  EXPECT_THAT(ErrorOf("emax_3"), HasSubstr("unknown kind \"emax\""));
  EXPECT_THAT(ErrorOf(""), HasSubstr("unknown kind"));
}

TEST(IndicatorRegistryTest, WrongParameterCountShowsTheSyntax) {
  EXPECT_THAT(ErrorOf("macd_12_26"),
              HasSubstr("macd takes 3 parameters: macd_<fast>_<slow>_<signal>, e.g. macd_12_26_9"));
  EXPECT_THAT(ErrorOf("ema"), HasSubstr("ema takes 1 parameter: ema_<period>, e.g. ema_21"));
  EXPECT_THAT(ErrorOf("ema_1_2"), HasSubstr("ema takes 1 parameter"));
  EXPECT_THAT(ErrorOf("obv_10"), HasSubstr("obv takes no parameters: obv, e.g. obv"));
  EXPECT_THAT(ErrorOf("bbands_20"), HasSubstr("bbands takes 2 parameters: bbands_<period>_<k>"));
}

TEST(IndicatorRegistryTest, ParametersOutOfRange) {
  EXPECT_THAT(ErrorOf("ema_0"), HasSubstr("period must be between 2 and 100000, got 0"));
  EXPECT_THAT(ErrorOf("sma_1"), HasSubstr("period must be between 2 and 100000, got 1"));
  EXPECT_THAT(ErrorOf("sma_-5"), HasSubstr("period must be between 2 and 100000, got -5"));
  EXPECT_THAT(ErrorOf("sma_100001"), HasSubstr("between 2 and 100000, got 100001"));
  EXPECT_THAT(ErrorOf("roc_0"), HasSubstr("period must be between 1 and 100000, got 0"));
  EXPECT_THAT(ErrorOf("ema_x"), HasSubstr("period must be a whole number, got \"x\""));
  EXPECT_THAT(ErrorOf("ema_2.5"), HasSubstr("period must be a whole number, got \"2.5\""));
  EXPECT_THAT(ErrorOf("ema_"), HasSubstr("period must be a whole number, got \"\""));
  EXPECT_THAT(ErrorOf("ema_021"), HasSubstr("period must be written as 21, got \"021\""));
  EXPECT_THAT(ErrorOf("ema_1e1"), HasSubstr("period must be written as 10"));
  EXPECT_THAT(ErrorOf("ema_nan"), HasSubstr("period must be a whole number"));
  EXPECT_THAT(ErrorOf("bbands_20_x"), HasSubstr("k must be a number, got \"x\""));
  EXPECT_THAT(ErrorOf("bbands_20_-1"), HasSubstr("k must be between 0 and 1000, got -1"));
  EXPECT_THAT(ErrorOf("bbands_20_2.50"), HasSubstr("k must be written as 2.5"));
  EXPECT_THAT(ErrorOf("macd_26_12_9"),
              HasSubstr("fast (26) must be below slow (12) (macd_<fast>_<slow>_<signal>)"));
  EXPECT_THAT(ErrorOf("macd_12_12_9"), HasSubstr("fast (12) must be below slow (12)"));
  EXPECT_THAT(ErrorOf("macd_12_26_1"), HasSubstr("signal must be between 2 and 100000, got 1"));
  EXPECT_THAT(ErrorOf("macd_1_26_9"), HasSubstr("fast must be between 2 and 100000, got 1"));
  EXPECT_THAT(ErrorOf("ema_0"), HasSubstr("indicator \"ema_0\""));
}

}  // namespace
}  // namespace rtml::process
