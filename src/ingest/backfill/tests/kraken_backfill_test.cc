// KrakenBackfill against the exchange simulator's REST endpoint, over loopback HTTP,
// into the embedded log: the trades of the range exactly once whatever the server
// does (rate limits, 5xx), and whatever happened before (a stopped run, a crash
// between writing trades and the checkpoint, a rerun).
#include "rtml/ingest/kraken_backfill.h"

#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "rtml/core/clock.h"
#include "rtml/ingest/sim/exchange_simulator.h"
#include "rtml/stream/broker.h"
#include "testing.h"
#include "topic_records.h"

namespace rtml::ingest {
namespace {

using sim::ExchangeSimulator;
using sim::SimTrade;
using std::chrono::milliseconds;

constexpr int64_t kMinuteMs = 60'000;

class KrakenBackfillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(broker_, stream::OpenBroker("file://" + dir_.str()));
    for (const char* topic : {"trades", "trades.dlq", "trades.backfill"}) {
      ASSERT_OK(broker_->CreateTopic(
          {.name = topic, .partitions = 2, .retention_ms = stream::kUnlimited}));
    }
  }

  void StartSim(const std::string& faults = "") {
    sim::ExchangeSimulatorOptions options;
    options.market.pairs = {"BTC/USD", "ETH/USD"};
    options.market.trades_per_second = 40;
    options.market.seed = 7;
    options.history = std::chrono::minutes(10);
    ASSERT_OK_AND_ASSIGN(options.faults, sim::ParseFaultSpec(faults));
    ASSERT_OK_AND_ASSIGN(sim_, ExchangeSimulator::Start(std::move(options)));
    // A range well inside the history, so the live trades that follow never count.
    start_ms_ = WallClockMs() - 10 * kMinuteMs;
    since_ms_ = start_ms_ + kMinuteMs;
    until_ms_ = start_ms_ + 8 * kMinuteMs;
  }

  KrakenBackfillOptions Options() const {
    KrakenBackfillOptions options;
    options.url = sim_->KrakenRestUrl();
    options.symbol = "BTC/USD";
    options.since_ms = since_ms_;
    options.until_ms = until_ms_;
    options.request_interval = milliseconds(0);
    options.backoff = {.initial = milliseconds(20), .max = milliseconds(200)};
    return options;
  }

  Result<KrakenBackfillProgress> RunBackfill(KrakenBackfillOptions options) {
    RTML_ASSIGN_OR_RETURN(auto backfill, KrakenBackfill::Create(std::move(options), broker_.get()));
    RTML_RETURN_IF_ERROR(backfill->Run());
    return backfill->progress();
  }

  // The BTC/USD trades the exchange made in [since, until].
  std::vector<SimTrade> TruthInRange() const {
    std::vector<SimTrade> in_range;
    for (const SimTrade& trade : sim_->GroundTruth("BTC/USD")) {
      if (trade.ts_ms() >= since_ms_ && trade.ts_ms() <= until_ms_) in_range.push_back(trade);
    }
    return in_range;
  }

  // The topic holds each trade of the range once, with its exact fields, and nothing else.
  void ExpectEveryTradeOfTheRangeOnce() {
    const std::vector<SimTrade> truth = TruthInRange();
    ASSERT_GT(truth.size(), 5000u) << "the range should span several pages";
    std::map<int64_t, Trade> stored;
    for (const auto& record : testing::ReadTopic(*broker_, "trades")) {
      ASSERT_OK_AND_ASSIGN(Trade trade, ParseTradeJson(record.value));
      EXPECT_EQ(trade.exchange, "kraken");
      EXPECT_EQ(trade.pair, "BTC/USD");
      EXPECT_EQ(record.key, "BTC/USD");
      EXPECT_TRUE(stored.emplace(trade.trade_id, trade).second) << "twice: " << record.value;
    }
    EXPECT_EQ(stored.size(), truth.size());
    for (const SimTrade& sent : truth) {
      const auto it = stored.find(sent.trade_id);
      ASSERT_NE(it, stored.end()) << "missing trade " << sent.trade_id;
      EXPECT_EQ(it->second.price, sent.price()) << sent.trade_id;
      EXPECT_EQ(it->second.qty, sent.qty()) << sent.trade_id;
      EXPECT_EQ(it->second.side, sent.side) << sent.trade_id;
      EXPECT_EQ(it->second.ts_ms, sent.ts_ms()) << sent.trade_id;
    }
  }

  rtml::testing::TempDir dir_;
  std::unique_ptr<stream::Broker> broker_;
  std::unique_ptr<ExchangeSimulator> sim_;
  int64_t start_ms_ = 0;
  int64_t since_ms_ = 0;
  int64_t until_ms_ = 0;
};

TEST_F(KrakenBackfillTest, WritesEveryTradeOfTheRangeOnce) {
  StartSim();
  ASSERT_OK_AND_ASSIGN(const KrakenBackfillProgress progress, RunBackfill(Options()));
  ExpectEveryTradeOfTheRangeOnce();
  EXPECT_TRUE(progress.complete);
  EXPECT_FALSE(progress.resumed);
  EXPECT_EQ(progress.written, static_cast<int64_t>(TruthInRange().size()));
  EXPECT_GE(progress.pages, progress.written / 1000);
  EXPECT_EQ(progress.cursor_ms, until_ms_);
  EXPECT_TRUE(testing::ReadTopic(*broker_, "trades.dlq").empty());
}

TEST_F(KrakenBackfillTest, BacksOffThroughRateLimitsAndServerErrors) {
  StartSim("rate-limit=0.4,server-error=0.15");
  KrakenBackfillOptions options = Options();
  options.max_retries = 30;
  ASSERT_OK_AND_ASSIGN(const KrakenBackfillProgress progress, RunBackfill(options));
  ExpectEveryTradeOfTheRangeOnce();
  EXPECT_GT(progress.rate_limited, 0);
  EXPECT_GT(progress.retries, 0);
  EXPECT_EQ(progress.rate_limited, sim_->stats().rate_limited);
  EXPECT_EQ(progress.retries, sim_->stats().server_errors);
}

TEST_F(KrakenBackfillTest, StoppedRunResumesFromItsCheckpoint) {
  StartSim();
  ASSERT_OK_AND_ASSIGN(auto first, KrakenBackfill::Create(Options(), broker_.get()));
  std::thread stopper([&] {
    while (first->progress().pages < 2) std::this_thread::sleep_for(milliseconds(1));
    first->Stop();
  });
  ASSERT_OK(first->Run());
  stopper.join();
  const KrakenBackfillProgress stopped = first->progress();
  ASSERT_FALSE(stopped.complete);
  ASSERT_LT(stopped.cursor_ms, until_ms_);

  ASSERT_GT(stopped.written, 0);
  ASSERT_OK_AND_ASSIGN(const KrakenBackfillProgress resumed, RunBackfill(Options()));
  EXPECT_TRUE(resumed.resumed);
  EXPECT_TRUE(resumed.complete);
  // It went on from the checkpoint: nothing it fetched was in the topic already.
  EXPECT_EQ(resumed.already_stored, 0);
  EXPECT_EQ(stopped.written + resumed.written, static_cast<int64_t>(TruthInRange().size()));
  ExpectEveryTradeOfTheRangeOnce();
}

TEST_F(KrakenBackfillTest, RerunAddsNothing) {
  StartSim();
  ASSERT_OK(RunBackfill(Options()).status());
  const int64_t requests_before = sim_->stats().rest_requests;
  ASSERT_OK_AND_ASSIGN(const KrakenBackfillProgress again, RunBackfill(Options()));
  EXPECT_TRUE(again.complete);
  EXPECT_EQ(again.written, 0);
  EXPECT_EQ(sim_->stats().rest_requests, requests_before) << "a complete range needs no request";
  ExpectEveryTradeOfTheRangeOnce();
}

// A crash after trades were flushed but before their checkpoint: the next run fetches
// those pages again and must skip what the topic already holds. Here the trades come
// from an earlier backfill of an overlapping range (another start: another checkpoint).
TEST_F(KrakenBackfillTest, SkipsTradesTheTopicAlreadyHolds) {
  StartSim();
  KrakenBackfillOptions middle = Options();
  middle.since_ms = since_ms_ + 2 * kMinuteMs;
  middle.until_ms = since_ms_ + 4 * kMinuteMs;
  ASSERT_OK_AND_ASSIGN(const KrakenBackfillProgress first, RunBackfill(middle));
  ASSERT_GT(first.written, 1000);
  ASSERT_OK_AND_ASSIGN(const KrakenBackfillProgress whole, RunBackfill(Options()));
  EXPECT_FALSE(whole.resumed);
  EXPECT_EQ(whole.already_stored, first.written);
  EXPECT_EQ(first.written + whole.written, static_cast<int64_t>(TruthInRange().size()));
  ExpectEveryTradeOfTheRangeOnce();
}

TEST_F(KrakenBackfillTest, UnknownPairFailsAtOnceWithKrakensError) {
  StartSim();
  KrakenBackfillOptions options = Options();
  options.symbol = "NOPE/USD";
  const auto result = RunBackfill(options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("EQuery:Unknown asset pair"), std::string::npos)
      << result.status().ToString();
  EXPECT_EQ(sim_->stats().rest_requests, 1);
}

TEST_F(KrakenBackfillTest, GivesUpAfterMaxRetriesOfServerErrors) {
  StartSim("server-error=1");
  KrakenBackfillOptions options = Options();
  options.max_retries = 3;
  options.backoff = {.initial = milliseconds(1), .max = milliseconds(1)};
  const auto result = RunBackfill(options);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("gave up after 3 retries"), std::string::npos)
      << result.status().ToString();
  EXPECT_NE(result.status().message().find("HTTP 503"), std::string::npos);
  EXPECT_EQ(sim_->stats().rest_requests, 4);
}

TEST_F(KrakenBackfillTest, RejectsBadOptions) {
  KrakenBackfillOptions options;
  options.symbol = "BTC/USD";
  options.since_ms = 1000;
  options.until_ms = 999;
  EXPECT_FALSE(KrakenBackfill::Create(options, broker_.get()).ok());
  options.until_ms = 0;
  options.url = "ws://127.0.0.1:1/0/public/Trades";
  EXPECT_FALSE(KrakenBackfill::Create(options, broker_.get()).ok());
  options.url = std::string(kKrakenRestTradesUrl);
  options.symbol.clear();
  EXPECT_FALSE(KrakenBackfill::Create(options, broker_.get()).ok());
  options.symbol = "BTC/USD";
  options.checkpoint_topic = "bad topic";
  EXPECT_FALSE(KrakenBackfill::Create(options, broker_.get()).ok());
  options.checkpoint_topic.clear();
  ASSERT_OK_AND_ASSIGN(auto made, KrakenBackfill::Create(options, broker_.get()));
  EXPECT_EQ(made->options().checkpoint_topic, "trades.backfill");
}

}  // namespace
}  // namespace rtml::ingest
