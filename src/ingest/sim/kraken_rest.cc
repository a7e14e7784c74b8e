#include "kraken_rest.h"

#include <charconv>

#include "trade_messages.h"

namespace rtml::ingest::sim {
namespace {

net::HttpResponse KrakenError(std::string_view error) {
  net::HttpResponse response;
  response.body = "{\"error\":[\"" + std::string(error) + "\"]}";
  return response;
}

bool ParseInt(std::string_view text, int64_t* value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && *value >= 0;
}

}  // namespace

net::HttpResponse KrakenTradesResponse(const net::HttpRequest& request,
                                       const std::vector<MarketPair>& pairs,
                                       const TradeHistory& history) {
  const std::optional<std::string> pair_name = request.QueryParam("pair");
  if (!pair_name || pair_name->empty()) return KrakenError("EGeneral:Invalid arguments");
  int index = -1;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (pairs[i].Matches(*pair_name)) index = static_cast<int>(i);
  }
  if (index < 0) return KrakenError("EQuery:Unknown asset pair");

  size_t count = kKrakenRestMaxTrades;
  if (const auto text = request.QueryParam("count")) {
    int64_t value = 0;
    if (!ParseInt(*text, &value) || value < 1) return KrakenError("EGeneral:Invalid arguments");
    count = std::min<size_t>(static_cast<size_t>(value), kKrakenRestMaxTrades);
  }

  std::vector<SimTrade> trades;
  int64_t since_ns = 0;
  if (const auto text = request.QueryParam("since")) {
    int64_t value = 0;
    if (!ParseInt(*text, &value)) return KrakenError("EGeneral:Invalid arguments");
    since_ns = value < 100'000'000'000 ? value * 1'000'000'000 : value;  // seconds, else ns
    trades = history.After(index, since_ns, count);
  } else {
    trades = history.Last(index, count);
  }

  const MarketPair& pair = pairs[static_cast<size_t>(index)];
  std::string body = "{\"error\":[],\"result\":{\"" + pair.rest_name + "\":[";
  for (size_t i = 0; i < trades.size(); ++i) {
    if (i > 0) body += ',';
    AppendKrakenRestRow(pair, trades[i], body);
  }
  const int64_t last = trades.empty() ? since_ns : trades.back().ts_ns;
  body += "],\"last\":\"" + std::to_string(last) + "\"}}";
  net::HttpResponse response;
  response.body = std::move(body);
  return response;
}

}  // namespace rtml::ingest::sim
