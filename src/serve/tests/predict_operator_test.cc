// The predict stage's model and operator: the baseline serves until the registry has
// a version; promoting a version (or rolling back) swaps the model between two
// records, so every record is scored by one version, versions change at one point in
// the stream, and no record is lost or scored twice; a pinned version ignores the
// alias; records that cannot be scored are dead-lettered with the reason, records still
// warming up are skipped.
#include "rtml/serve/predict_operator.h"

#include <simdjson.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fitted_models.h"
#include "testing.h"

namespace rtml::serve {
namespace {

using ::testing::HasSubstr;

constexpr const char* kName = "btc-close-5m";

class PredictTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<ml::ModelRegistry> registry,
                         ml::ModelRegistry::Open(dir_.str() + "/models"));
    registry_ = std::move(registry);
    const ml::Dataset train = ml::testing::Generated(300, 1);
    for (const char* type : {"ridge", "xgboost"}) {
      ml::testing::Fitted fitted = ml::testing::Fit(type, train);
      ASSERT_NE(fitted.model, nullptr);
      ASSERT_OK(
          registry_->Register(ml::testing::Metadata(kName, fitted), fitted.artifact).status());
    }
  }

  std::shared_ptr<ModelSlot> Slot(std::optional<int64_t> pinned = {}) {
    auto slot = ModelSlot::Make(registry_, {.name = kName,
                                            .pinned = pinned,
                                            .baseline = {.type = "last_value",
                                                         .features = {"close"},
                                                         .text_params = {{"feature", "close"}}}});
    EXPECT_TRUE(slot.ok()) << slot.status().ToString();
    return slot.ok() ? std::shared_ptr<ModelSlot>(std::move(*slot)) : nullptr;
  }

  static std::string Features(int64_t ts, double close) {
    return "{\"pair\":\"BTCUSDT\",\"candle_seconds\":60,\"window_end_ms\":" + std::to_string(ts) +
           ",\"close\":" + std::to_string(close) + ",\"rsi_14\":0.5,\"ema_21\":-0.25}";
  }

  // Runs one record through `op`; returns its outputs.
  static std::vector<process::OutputRecord> Score(process::PartitionOperator& op,
                                                  const std::string& value, int64_t offset = 0) {
    stream::ConsumedRecord record{.topic = "features", .offset = offset, .value = value};
    std::vector<process::OutputRecord> out;
    EXPECT_OK(op.Process(record, &out));
    return out;
  }

  static int64_t VersionOf(const process::OutputRecord& prediction) {
    simdjson::dom::parser parser;
    return parser.parse(prediction.value)["model_version"].get_int64().value();
  }

  rtml::testing::TempDir dir_;
  std::shared_ptr<ml::ModelRegistry> registry_;
};

TEST_F(PredictTest, TheBaselineServesUntilAVersionIsPromoted) {
  std::shared_ptr<ModelSlot> slot = Slot();
  ASSERT_OK_AND_ASSIGN(const bool changed, slot->Refresh());
  EXPECT_FALSE(changed);  // no production alias yet
  EXPECT_EQ(slot->current()->version().version, 0);
  EXPECT_EQ(slot->current()->version().type, "last_value");

  ASSERT_OK(registry_->Promote(kName, "production", 2));
  ASSERT_OK_AND_ASSIGN(const bool swapped, slot->Refresh());
  EXPECT_TRUE(swapped);
  EXPECT_EQ(slot->current()->version().version, 2);
  ASSERT_OK_AND_ASSIGN(const bool again, slot->Refresh());
  EXPECT_FALSE(again);

  ASSERT_OK(registry_->Promote(kName, "production", 1));
  ASSERT_OK(slot->Refresh().status());
  EXPECT_EQ(slot->current()->version().version, 1);
  ASSERT_OK_AND_ASSIGN(const int64_t back, registry_->Rollback(kName, "production"));
  EXPECT_EQ(back, 2);
  ASSERT_OK(slot->Refresh().status());
  EXPECT_EQ(slot->current()->version().version, 2);

  // A pinned version ignores the alias.
  std::shared_ptr<ModelSlot> pinned = Slot(1);
  ASSERT_OK(pinned->Refresh().status());
  EXPECT_EQ(pinned->current()->version().version, 1);
}

TEST_F(PredictTest, PredictionsCarryTheirModelAndTargetTime) {
  auto counts = std::make_shared<PredictCounts>();
  ASSERT_OK_AND_ASSIGN(auto op,
                       MakePredictOperator({.slot = Slot(), .horizon_ms = 300'000}, counts));
  std::vector<process::OutputRecord> out = Score(*op, Features(1'000'000, 61000.5));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "predictions");
  EXPECT_EQ(out[0].key, "BTCUSDT");
  EXPECT_EQ(out[0].timestamp_ms, 1'000'000);
  simdjson::dom::parser parser;
  const simdjson::dom::element json = parser.parse(out[0].value).value();
  EXPECT_EQ(std::string_view(json["pair"].get_string().value()), "BTCUSDT");
  EXPECT_EQ(std::string_view(json["model"].get_string().value()), kName);
  EXPECT_EQ(json["model_version"].get_int64().value(), 0);  // the baseline
  EXPECT_EQ(json["ts_ms"].get_int64().value(), 1'000'000);
  EXPECT_EQ(json["target_ts_ms"].get_int64().value(), 1'300'000);
  EXPECT_EQ(json["prediction"].get_double().value(), 61000.5);  // the close stays
  EXPECT_GE(json["latency_us"].get_int64().value(), 0);
  EXPECT_EQ(counts->predictions, 1);
}

TEST_F(PredictTest, AHotSwapChangesVersionsAtOnePointLosingAndRepeatingNothing) {
  std::shared_ptr<ModelSlot> slot = Slot();
  auto counts = std::make_shared<PredictCounts>();
  // Refresh before every record: the swap lands between two records.
  ASSERT_OK_AND_ASSIGN(auto op, MakePredictOperator({.slot = slot, .refresh_ms = 0}, counts));
  std::vector<int64_t> versions;
  for (int i = 0; i < 300; ++i) {
    if (i == 100) ASSERT_OK(registry_->Promote(kName, "production", 1));
    if (i == 200) ASSERT_OK(registry_->Promote(kName, "production", 2));
    const std::vector<process::OutputRecord> out = Score(*op, Features(i * 60'000, 0.1 * i), i);
    ASSERT_EQ(out.size(), 1u) << "record " << i;
    versions.push_back(VersionOf(out[0]));
  }
  // Every record scored once; the versions change exactly where the alias moved.
  for (int i = 0; i < 300; ++i) EXPECT_EQ(versions[i], i / 100) << "record " << i;
  EXPECT_EQ(counts->predictions, 300);
  EXPECT_EQ(counts->swaps, 2);
}

TEST_F(PredictTest, UnscorableRecordsAreDeadLetteredAndWarmingRecordsSkipped) {
  ASSERT_OK(registry_->Promote(kName, "production", 1));
  auto counts = std::make_shared<PredictCounts>();
  ASSERT_OK_AND_ASSIGN(
      auto op, MakePredictOperator({.slot = Slot(), .where = {{"candle_seconds", "60"}}}, counts));
  auto rejected = [&](const std::string& value) {
    const std::vector<process::OutputRecord> out = Score(*op, value);
    EXPECT_EQ(out.size(), 1u);
    return out.empty() ? std::string() : out[0].topic + " " + out[0].value;
  };
  EXPECT_THAT(rejected("not json"), HasSubstr("predictions.dlq"));
  EXPECT_THAT(rejected("not json"), HasSubstr("not a JSON object"));
  EXPECT_THAT(rejected(R"({"candle_seconds":60,"window_end_ms":1,"close":1})"),
              HasSubstr("no string field 'pair'"));
  EXPECT_THAT(rejected(R"({"pair":"X","candle_seconds":60,"close":1})"),
              HasSubstr("no integer field 'window_end_ms'"));
  EXPECT_THAT(rejected(R"({"pair":"X","candle_seconds":60,"window_end_ms":1,"close":1})"),
              HasSubstr("missing feature 'rsi_14' (btc-close-5m v1 reads it)"));
  EXPECT_THAT(
      rejected(
          R"({"pair":"X","candle_seconds":60,"window_end_ms":1,"close":1,"rsi_14":"a","ema_21":1})"),
      HasSubstr("feature 'rsi_14' is not a number"));
  EXPECT_EQ(counts->rejected, 6);

  // Indicators warming up: skipped, not dead-lettered. Other candle sizes: filtered.
  EXPECT_TRUE(Score(*op, R"({"pair":"X","candle_seconds":60,"window_end_ms":1,"close":1,)"
                         R"("rsi_14":null,"ema_21":1})")
                  .empty());
  EXPECT_TRUE(Score(*op, R"({"pair":"X","candle_seconds":1,"window_end_ms":1,"close":1})").empty());
  EXPECT_EQ(counts->warming_up, 1);
  EXPECT_EQ(counts->filtered, 1);
  EXPECT_EQ(counts->predictions, 0);
}

TEST_F(PredictTest, EachPredictionIsJudgedAtItsTargetTimeNextToTheBaseline) {
  ASSERT_OK(registry_->Promote(kName, "production", 1));
  auto counts = std::make_shared<PredictCounts>();
  const PredictOptions options{.slot = Slot(), .actual_feature = "close", .horizon_ms = 120'000};
  ASSERT_OK_AND_ASSIGN(auto op, MakePredictOperator(options, counts));
  std::vector<process::OutputRecord> evaluations;
  std::vector<double> predicted, closes;
  for (int i = 0; i < 10; ++i) {
    closes.push_back(1 + 0.25 * i * i);  // exact in the record's text
    for (process::OutputRecord& out : Score(*op, Features(i * 60'000, closes.back()), i)) {
      if (out.topic == "predictions") {
        simdjson::dom::parser parser;
        predicted.push_back(parser.parse(out.value)["prediction"].get_double().value());
      } else {
        evaluations.push_back(std::move(out));
      }
    }
    if (i == 4) {  // a checkpoint and a restart in the middle
      const std::string state = op->SaveState();
      ASSERT_OK_AND_ASSIGN(op, MakePredictOperator(options, counts));
      ASSERT_OK(op->RestoreState(state));
    }
  }
  // Predictions 0..7 reach their target (two minutes on); 8 and 9 still wait.
  ASSERT_EQ(evaluations.size(), 8u);
  EXPECT_EQ(counts->judged, 8);
  for (size_t i = 0; i < evaluations.size(); ++i) {
    EXPECT_EQ(evaluations[i].topic, "predictions.eval");
    simdjson::dom::parser parser;
    const simdjson::dom::element json = parser.parse(evaluations[i].value).value();
    EXPECT_EQ(json["ts_ms"].get_int64().value(), static_cast<int64_t>(i) * 60'000);
    EXPECT_EQ(json["actual"].get_double().value(), closes[i + 2]);
    EXPECT_EQ(json["baseline"].get_double().value(), closes[i]);
    EXPECT_EQ(json["abs_error"].get_double().value(), std::abs(predicted[i] - closes[i + 2]));
    EXPECT_EQ(json["baseline_abs_error"].get_double().value(), std::abs(closes[i] - closes[i + 2]));
    EXPECT_EQ(json["model_version"].get_int64().value(), 1);
  }
}

}  // namespace
}  // namespace rtml::serve
