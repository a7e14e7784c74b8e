#include "rtml/ingest/trade_sink.h"

#include "rtml/stream/broker.h"
#include "testing.h"
#include "topic_records.h"

namespace rtml::ingest {
namespace {

using testing::ReadTopic;

constexpr int64_t kReceivedNs = 1723161254087896568;

Trade MakeTrade(int64_t id, std::string pair = "BTCUSDT") {
  return Trade{.exchange = "binance",
               .pair = std::move(pair),
               .trade_id = id,
               .price = 61837.63,
               .qty = 0.02,
               .side = Side::kSell,
               .ts_ms = 1723161255342 + id,
               .received_ns = kReceivedNs};
}

class TradeSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(broker_, stream::OpenBroker("file://" + dir_.str()));
    ASSERT_OK(broker_->CreateTopic({.name = "trades", .partitions = 2}));
    ASSERT_OK(broker_->CreateTopic({.name = "trades.dlq"}));
    ASSERT_OK_AND_ASSIGN(producer_, broker_->NewProducer());
  }

  rtml::testing::TempDir dir_;
  std::unique_ptr<stream::Broker> broker_;
  std::unique_ptr<stream::Producer> producer_;
};

TEST_F(TradeSinkTest, WritesAcceptedTradesAndDeadLettersTheRest) {
  TradeSink sink(*producer_);
  ASSERT_OK(sink.Accept(MakeTrade(1), "frame-1", "test:a"));
  ASSERT_OK(sink.Accept(MakeTrade(2), "frame-2", "test:a"));
  ASSERT_OK(sink.Accept(MakeTrade(1, "ETHUSDT"), "frame-3", "test:a"));
  Trade bad = MakeTrade(3);
  bad.price = -1;
  ASSERT_OK(sink.Accept(bad, "frame-bad", "test:b"));
  ASSERT_OK(sink.Accept(MakeTrade(2), "frame-2-again", "test:a"));  // duplicate: dropped
  ASSERT_OK(sink.Reject("{garbage", "not valid JSON", "test:c", 42));
  ASSERT_OK(sink.Flush());

  EXPECT_EQ(sink.counters(),
            (TradeCounters{.accepted = 3, .rejected = 2, .duplicates = 1, .gaps = 0}));
  EXPECT_EQ(sink.dead_letters(), 2);

  std::vector<testing::StoredRecord> trades = ReadTopic(*broker_, "trades");
  ASSERT_EQ(trades.size(), 3u);
  std::map<std::string, std::vector<int64_t>> ids_by_pair;
  for (const testing::StoredRecord& record : trades) {
    ASSERT_OK_AND_ASSIGN(Trade trade, ParseTradeJson(record.value));
    EXPECT_EQ(record.key, trade.pair);  // key = pair
    EXPECT_EQ(record.timestamp_ms, trade.ts_ms);
    EXPECT_EQ(trade, MakeTrade(trade.trade_id, trade.pair));
    ids_by_pair[trade.pair].push_back(trade.trade_id);
  }
  EXPECT_EQ(ids_by_pair["BTCUSDT"], (std::vector<int64_t>{1, 2}));  // in order within a key
  EXPECT_EQ(ids_by_pair["ETHUSDT"], (std::vector<int64_t>{1}));

  std::vector<testing::StoredRecord> letters = ReadTopic(*broker_, "trades.dlq");
  ASSERT_EQ(letters.size(), 2u);
  ASSERT_OK_AND_ASSIGN(DeadLetter invalid, ParseDeadLetterJson(letters[0].value));
  EXPECT_EQ(invalid, (DeadLetter{.source = "test:b",
                                 .error = "trade 3: price -1 is not a positive number",
                                 .raw = "frame-bad",
                                 .received_ns = kReceivedNs}));
  EXPECT_EQ(letters[0].timestamp_ms, kReceivedNs / 1'000'000);
  ASSERT_OK_AND_ASSIGN(DeadLetter unparsed, ParseDeadLetterJson(letters[1].value));
  EXPECT_EQ(
      unparsed,
      (DeadLetter{
          .source = "test:c", .error = "not valid JSON", .raw = "{garbage", .received_ns = 42}));
}

TEST_F(TradeSinkTest, RejectWithATopicPositionAndDefaultTime) {
  TradeSink sink(*producer_);
  ASSERT_OK(sink.Reject(DeadLetter{.source = "topic:raw",
                                   .partition = 1,
                                   .offset = 9,
                                   .error = "bad",
                                   .raw = "x",
                                   .received_ns = 1}));
  ASSERT_OK(sink.Reject("y", "worse", "test"));
  ASSERT_OK(sink.Flush());
  std::vector<testing::StoredRecord> letters = ReadTopic(*broker_, "trades.dlq");
  ASSERT_EQ(letters.size(), 2u);
  ASSERT_OK_AND_ASSIGN(DeadLetter first, ParseDeadLetterJson(letters[0].value));
  EXPECT_EQ(first.partition, 1);
  EXPECT_EQ(first.offset, 9);
  ASSERT_OK_AND_ASSIGN(DeadLetter second, ParseDeadLetterJson(letters[1].value));
  EXPECT_GT(second.received_ns, 1'700'000'000'000'000'000);  // now
  EXPECT_EQ(sink.counters().rejected, 2);
}

TEST_F(TradeSinkTest, AMissingTopicIsTheOnlyFailure) {
  TradeSink sink(*producer_, TradeSinkOptions{.topic = "nope", .dlq_topic = "trades.dlq"});
  EXPECT_FALSE(sink.Accept(MakeTrade(1), "f", "s").ok());
  Trade bad = MakeTrade(2);
  bad.qty = 0;
  EXPECT_OK(sink.Accept(bad, "f", "s"));  // goes to the existing DLQ
}

}  // namespace
}  // namespace rtml::ingest
