#include "sim_truth.h"

#include <fstream>
#include <regex>

#include <gtest/gtest.h>

namespace rtml::cli::testing {

std::map<TradeKey, ingest::Trade> ReadSimTruth(const std::string& path) {
  std::map<TradeKey, ingest::Trade> truth;
  std::ifstream in(path);
  EXPECT_TRUE(in.is_open()) << "no truth file " << path;
  const std::regex line_re(
      R"re("pair":"([^"]+)".*"trade_id":(\d+),"price":"([^"]+)","qty":"([^"]+)","side":"(\w+)".*"ts_ns":(\d+))re");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, line_re)) {
      ADD_FAILURE() << path << ": unreadable truth line " << line;
      continue;
    }
    ingest::Trade t;
    t.pair = m[1];
    t.trade_id = std::stoll(m[2]);
    t.price = std::stod(m[3]);
    t.qty = std::stod(m[4]);
    t.side = m[5] == "buy" ? ingest::Side::kBuy : ingest::Side::kSell;
    t.ts_ms = std::stoll(m[6]) / 1'000'000;
    truth[{t.pair, t.trade_id}] = t;
  }
  return truth;
}

}  // namespace rtml::cli::testing
