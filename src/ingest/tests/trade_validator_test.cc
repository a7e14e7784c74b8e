#include "rtml/ingest/trade_validator.h"

#include <algorithm>
#include <limits>
#include <random>
#include <set>

#include "testing.h"

namespace rtml::ingest {
namespace {

using Verdict = TradeValidator::Verdict;

constexpr int64_t kReceivedNs = 1723161254087896568;

Trade MakeTrade(int64_t id, std::string pair = "BTCUSDT", std::string exchange = "binance") {
  return Trade{.exchange = std::move(exchange),
               .pair = std::move(pair),
               .trade_id = id,
               .price = 61837.63,
               .qty = 0.02,
               .side = Side::kSell,
               .ts_ms = kReceivedNs / 1'000'000 + 1254,  // exchange clock ahead of ours
               .received_ns = kReceivedNs};
}

Verdict Check(TradeValidator& validator, const Trade& trade) {
  Result<Verdict> verdict = validator.Check(trade);
  EXPECT_TRUE(verdict.ok()) << verdict.status().ToString();
  return verdict.ok() ? *verdict : Verdict::kDuplicate;
}

std::string RejectReason(TradeValidator& validator, const Trade& trade) {
  Result<Verdict> verdict = validator.Check(trade);
  return verdict.ok() ? "accepted" : verdict.status().message();
}

TEST(TradeValidatorTest, AcceptsAGoodTrade) {
  TradeValidator validator;
  EXPECT_EQ(Check(validator, MakeTrade(1)), Verdict::kAccept);
  EXPECT_EQ(validator.counters(), (TradeCounters{.accepted = 1}));
}

TEST(TradeValidatorTest, RejectsEachBrokenRuleWithAReason) {
  TradeValidator validator;
  struct Case {
    void (*breakit)(Trade&);
    std::string reason;
  };
  const Case cases[] = {
      {[](Trade& t) { t.exchange.clear(); }, "exchange is empty"},
      {[](Trade& t) { t.pair.clear(); }, "pair is empty"},
      {[](Trade& t) { t.pair.assign(65, 'X'); }, "pair is longer than 64 bytes"},
      {[](Trade& t) { t.trade_id = -1; }, "trade_id -1 < 0"},
      {[](Trade& t) { t.price = 0; }, "price 0 is not a positive number"},
      {[](Trade& t) { t.price = -61837.63; }, "price -61837.63 is not a positive number"},
      {[](Trade& t) { t.price = std::numeric_limits<double>::quiet_NaN(); },
       "price nan is not a positive number"},
      {[](Trade& t) { t.qty = std::numeric_limits<double>::infinity(); },
       "qty inf is not a positive number"},
      {[](Trade& t) { t.side = static_cast<Side>(7); }, "side is unknown"},
      {[](Trade& t) { t.received_ns = 0; }, "received_ns is not set"},
      {[](Trade& t) { t.ts_ms = -5; }, "ts_ms -5 < 0"},
      {[](Trade& t) { t.ts_ms = t.received_ns / 1'000'000 - 86'400'001; },
       "ts_ms 1723074854086 is 86400001 ms before the receive time (at most 86400000 allowed)"},
      {[](Trade& t) { t.ts_ms = t.received_ns / 1'000'000 + 300'001; },
       "ts_ms 1723161554088 is 300001 ms after the receive time (at most 300000 allowed)"},
  };
  int64_t id = 100;
  for (const Case& c : cases) {
    Trade trade = MakeTrade(++id);
    c.breakit(trade);
    EXPECT_EQ(RejectReason(validator, trade), c.reason);
  }
  EXPECT_EQ(validator.counters().rejected, static_cast<int64_t>(std::size(cases)));
  EXPECT_EQ(validator.counters().accepted, 0);
  // Nothing was remembered about rejected trades.
  EXPECT_EQ(Check(validator, MakeTrade(101)), Verdict::kAccept);
}

TEST(TradeValidatorTest, TheWindowIsCheckedAgainstTheReceiveTimeNotTheClock) {
  TradeValidator validator;
  Trade old = MakeTrade(1);
  old.received_ns = 1'000'000'000'000'000'000;  // 2001
  old.ts_ms = 1'000'000'000'000 - 60'000;
  EXPECT_EQ(Check(validator, old), Verdict::kAccept);
  TradeValidator narrow(TradeValidatorOptions{.max_age_ms = 1000, .max_lead_ms = 0});
  old.ts_ms = 1'000'000'000'000 - 1000;
  EXPECT_EQ(Check(narrow, old), Verdict::kAccept);
  old.ts_ms = 1'000'000'000'000 + 1;
  EXPECT_EQ(RejectReason(narrow, old),
            "ts_ms 1000000000001 is 1 ms after the receive time (at most 0 allowed)");
}

TEST(TradeValidatorTest, DropsDuplicatesPerExchangeAndPair) {
  TradeValidator validator;
  EXPECT_EQ(Check(validator, MakeTrade(10)), Verdict::kAccept);
  EXPECT_EQ(Check(validator, MakeTrade(11)), Verdict::kAccept);
  EXPECT_EQ(Check(validator, MakeTrade(10)), Verdict::kDuplicate);
  EXPECT_EQ(Check(validator, MakeTrade(11)), Verdict::kDuplicate);
  EXPECT_EQ(Check(validator, MakeTrade(9)), Verdict::kDuplicate);  // before the first seen
  // The same id elsewhere is another trade.
  EXPECT_EQ(Check(validator, MakeTrade(10, "ETHUSDT")), Verdict::kAccept);
  EXPECT_EQ(Check(validator, MakeTrade(10, "BTCUSDT", "kraken")), Verdict::kAccept);
  EXPECT_EQ(Check(validator, MakeTrade(10, "ETHUSDT")), Verdict::kDuplicate);
  EXPECT_EQ(validator.counters(), (TradeCounters{.accepted = 4, .duplicates = 4}));
  EXPECT_EQ(validator.tracked_pairs(), 3u);
}

TEST(TradeValidatorTest, IdsStoredBeforeTheRunAreDuplicates) {
  // A live feed starting where a backfill ended: its snapshot repeats stored trades.
  TradeValidator validator;
  validator.SeenThrough("binance", "BTCUSDT", 20);
  EXPECT_EQ(Check(validator, MakeTrade(18)), Verdict::kDuplicate);
  EXPECT_EQ(Check(validator, MakeTrade(20)), Verdict::kDuplicate);
  EXPECT_EQ(Check(validator, MakeTrade(21)), Verdict::kAccept);
  EXPECT_EQ(Check(validator, MakeTrade(5, "ETHUSDT")), Verdict::kAccept);  // other pairs as before
  validator.SeenThrough("binance", "BTCUSDT", 10);  // never lowers what was seen
  EXPECT_EQ(Check(validator, MakeTrade(21)), Verdict::kDuplicate);
  EXPECT_EQ(validator.counters().duplicates, 3);
}

TEST(TradeValidatorTest, CountsGapsAndFillsThemWithLateTrades) {
  TradeValidator validator;
  for (const int64_t id : {1, 2, 3, 7, 8}) Check(validator, MakeTrade(id));
  EXPECT_EQ(validator.counters().gaps, 3);  // 4, 5, 6
  EXPECT_EQ(Check(validator, MakeTrade(5)), Verdict::kAccept);
  EXPECT_EQ(validator.counters().gaps, 2);
  EXPECT_EQ(validator.counters().out_of_order, 1);
  EXPECT_EQ(Check(validator, MakeTrade(5)), Verdict::kDuplicate);
  EXPECT_EQ(Check(validator, MakeTrade(7)), Verdict::kDuplicate);
  Check(validator, MakeTrade(4));
  Check(validator, MakeTrade(6));
  EXPECT_EQ(validator.counters().gaps, 0);
  EXPECT_EQ(validator.pending_ids(), 0u);  // contiguous again: nothing remembered
  EXPECT_EQ(validator.counters().accepted, 8);
}

TEST(TradeValidatorTest, GapsOnlyForContiguousExchanges) {
  TradeValidator validator;
  Check(validator, MakeTrade(1, "X", "sim"));
  Check(validator, MakeTrade(100, "X", "sim"));
  EXPECT_EQ(validator.counters().gaps, 0);
  TradeValidator counting(TradeValidatorOptions{.contiguous_id_exchanges = {"sim"}});
  Check(counting, MakeTrade(1, "X", "sim"));
  Check(counting, MakeTrade(100, "X", "sim"));
  EXPECT_EQ(counting.counters().gaps, 98);
}

TEST(TradeValidatorTest, MemoryIsBoundedAndInOrderIdsUseNone) {
  TradeValidator validator(TradeValidatorOptions{.max_pending_ids = 100});
  for (int64_t id = 1; id <= 100'000; ++id) Check(validator, MakeTrade(id));
  EXPECT_EQ(validator.pending_ids(), 0u);
  // Sparse ids (an exchange whose ids are not contiguous): at most 100 remembered.
  for (int64_t id = 200'000; id < 1'200'000; id += 1000) {
    ASSERT_EQ(Check(validator, MakeTrade(id)), Verdict::kAccept);
    ASSERT_LE(validator.pending_ids(), 100u);
  }
  EXPECT_EQ(validator.pending_ids(), 100u);
  // The last 100 are still known as duplicates...
  EXPECT_EQ(Check(validator, MakeTrade(1'199'000)), Verdict::kDuplicate);
  EXPECT_EQ(Check(validator, MakeTrade(1'100'000)), Verdict::kDuplicate);
  // ... an unseen id among them is new ...
  EXPECT_EQ(Check(validator, MakeTrade(1'150'001)), Verdict::kAccept);
  // ... and one from before the window is taken for a duplicate (the documented cost).
  EXPECT_EQ(Check(validator, MakeTrade(1'000'001)), Verdict::kDuplicate);
}

TEST(TradeValidatorTest, AGapThatNeverFillsIsGivenUpAfterTheBound) {
  TradeValidator validator(TradeValidatorOptions{.max_pending_ids = 10});
  Check(validator, MakeTrade(1));
  for (int64_t id = 3; id <= 30; ++id) Check(validator, MakeTrade(id));  // 2 never comes
  EXPECT_EQ(validator.counters().gaps, 1);
  EXPECT_EQ(validator.pending_ids(), 0u);  // gave up on 2 and caught up
  EXPECT_EQ(Check(validator, MakeTrade(2)), Verdict::kDuplicate);
}

TEST(TradeValidatorTest, TooManyPairsAreRejected) {
  TradeValidator validator(TradeValidatorOptions{.max_pairs = 2});
  Check(validator, MakeTrade(1, "A"));
  Check(validator, MakeTrade(1, "B"));
  EXPECT_EQ(RejectReason(validator, MakeTrade(1, "C")),
            "more than 2 distinct (exchange, pair) seen; not tracking 'C'");
  EXPECT_EQ(Check(validator, MakeTrade(2, "A")), Verdict::kAccept);
}

// Property: whatever order and repetition trades arrive in, each id is accepted at
// most once, and with enough memory exactly once; gaps end at the number of ids
// never delivered.
TEST(TradeValidatorTest, ShuffledDuplicatedDeliveryAcceptsEachIdOnce) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<int64_t> ids;
    for (int64_t id = 1000; id < 3000; ++id) {
      if (rng() % 50 == 0) continue;  // never delivered
      ids.push_back(id);
      if (rng() % 5 == 0) ids.push_back(id);  // delivered twice
    }
    // Local disorder, as after a reconnect.
    for (size_t i = 1; i + 8 < ids.size(); i += 1 + rng() % 16) {
      std::shuffle(ids.begin() + static_cast<std::ptrdiff_t>(i),
                   ids.begin() + static_cast<std::ptrdiff_t>(i + 8), rng);
    }
    // The first id seen is the oldest (older ones count as from before this run).
    std::iter_swap(ids.begin(), std::min_element(ids.begin(), ids.end()));
    const int64_t first = ids[0];

    TradeValidator validator;
    std::set<int64_t> accepted;
    for (const int64_t id : ids) {
      if (Check(validator, MakeTrade(id)) == Verdict::kAccept) {
        ASSERT_TRUE(accepted.insert(id).second) << "id " << id << " accepted twice";
      }
    }
    const std::set<int64_t> distinct(ids.begin(), ids.end());
    EXPECT_EQ(accepted, distinct);
    EXPECT_EQ(validator.counters().duplicates, static_cast<int64_t>(ids.size() - distinct.size()));
    EXPECT_EQ(validator.counters().gaps,
              *distinct.rbegin() - first + 1 - static_cast<int64_t>(distinct.size()));
  }
}

}  // namespace
}  // namespace rtml::ingest
