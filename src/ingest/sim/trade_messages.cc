#include "trade_messages.h"

#include <ctime>

namespace rtml::ingest::sim {
namespace {

void AppendRequestId(std::optional<int64_t> req_id, std::string& out) {
  if (req_id) out += ",\"req_id\":" + std::to_string(*req_id);
}

void AppendTimes(int64_t time_in_ns, int64_t time_out_ns, std::string& out) {
  out += ",\"time_in\":\"" + Rfc3339Micros(time_in_ns) + "\",\"time_out\":\"" +
         Rfc3339Micros(time_out_ns) + "\"";
}

std::string ReplaceFirst(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  const size_t at = out.find(from);
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

}  // namespace

std::string FixedE8(int64_t value_e8, int decimals) {
  const bool negative = value_e8 < 0;
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(value_e8 + 1)) + 1 : static_cast<uint64_t>(value_e8);
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 100'000'000);
  if (decimals > 0) {
    std::string fraction = std::to_string(magnitude % 100'000'000);
    fraction.insert(0, 8 - fraction.size(), '0');
    out += '.';
    if (decimals <= 8) {
      out += fraction.substr(0, static_cast<size_t>(decimals));
    } else {
      out += fraction;
      out.append(static_cast<size_t>(decimals - 8), '0');
    }
  }
  return out;
}

std::string TrimmedE8(int64_t value_e8) {
  std::string out = FixedE8(value_e8, 8);
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string Rfc3339Micros(int64_t ts_ns) {
  const time_t seconds = static_cast<time_t>(ts_ns / 1'000'000'000);
  const int64_t micros = (ts_ns % 1'000'000'000) / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(micros));
  return buffer;
}

std::string KrakenTradeMessage(std::string_view type, const MarketPair& pair,
                               std::span<const SimTrade> trades) {
  std::string out = "{\"channel\":\"trade\",\"type\":\"";
  out += type;
  out += "\",\"data\":[";
  bool first = true;
  for (const SimTrade& trade : trades) {
    if (!first) out += ',';
    first = false;
    out += "{\"symbol\":\"" + pair.symbol + "\",\"side\":\"";
    out += trade.side == Side::kBuy ? "buy" : "sell";
    out += "\",\"price\":" + TrimmedE8(trade.price_e8) + ",\"qty\":" + TrimmedE8(trade.qty_e8) +
           ",\"ord_type\":\"" + (trade.market_order ? "market" : "limit") +
           "\",\"trade_id\":" + std::to_string(trade.trade_id) + ",\"timestamp\":\"" +
           Rfc3339Micros(trade.ts_ns) + "\"}";
  }
  out += "]}";
  return out;
}

std::string KrakenStatusMessage(uint64_t connection_id) {
  return "{\"channel\":\"status\",\"type\":\"update\",\"data\":[{\"version\":\"2.0.10\","
         "\"system\":\"online\",\"api_version\":\"v2\",\"connection_id\":" +
         std::to_string(connection_id) + "}]}";
}

std::string KrakenAck(std::string_view method, std::string_view symbol, bool snapshot,
                      std::optional<int64_t> req_id, std::string_view error, int64_t time_in_ns,
                      int64_t time_out_ns) {
  std::string out = "{\"method\":\"";
  out += method;
  out += '"';
  if (error.empty()) {
    out += ",\"result\":{\"channel\":\"trade\",\"snapshot\":";
    out += snapshot ? "true" : "false";
    out += ",\"symbol\":\"";
    out += symbol;
    out += "\"},\"success\":true";
  } else {
    out += ",\"error\":\"";
    out += error;
    out += "\",\"success\":false,\"symbol\":\"";
    out += symbol;
    out += '"';
  }
  AppendTimes(time_in_ns, time_out_ns, out);
  AppendRequestId(req_id, out);
  out += '}';
  return out;
}

std::string KrakenError(std::string_view method, std::string_view error,
                        std::optional<int64_t> req_id, int64_t time_in_ns, int64_t time_out_ns) {
  std::string out = "{\"error\":\"";
  out += error;
  out += "\",\"method\":\"";
  out += method;
  out += "\",\"success\":false";
  AppendTimes(time_in_ns, time_out_ns, out);
  AppendRequestId(req_id, out);
  out += '}';
  return out;
}

std::string KrakenPong(std::optional<int64_t> req_id, int64_t time_in_ns, int64_t time_out_ns) {
  std::string out = "{\"method\":\"pong\"";
  AppendRequestId(req_id, out);
  AppendTimes(time_in_ns, time_out_ns, out);
  out += '}';
  return out;
}

std::string BinanceTradeStream(const MarketPair& pair) {
  std::string stream;
  for (char c : pair.binance_symbol) {
    stream += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return stream + "@trade";
}

std::string BinanceTradeFrame(const MarketPair& pair, const SimTrade& trade) {
  const int64_t trade_ms = trade.ts_ms();
  const int64_t event_ms = trade_ms + trade.trade_id % 3;  // the event follows the trade
  std::string out = "{\"stream\":\"" + BinanceTradeStream(pair) +
                    "\",\"data\":{\"e\":\"trade\",\"E\":" + std::to_string(event_ms) + ",\"s\":\"" +
                    pair.binance_symbol + "\",\"t\":" + std::to_string(trade.trade_id) +
                    ",\"p\":\"" + FixedE8(trade.price_e8, 8) + "\",\"q\":\"" +
                    FixedE8(trade.qty_e8, 8) + "\",\"T\":" + std::to_string(trade_ms) + ",\"m\":";
  // The buyer is the maker exactly when the taker sold.
  out += trade.side == Side::kSell ? "true" : "false";
  out += ",\"M\":true}}";
  return out;
}

void AppendKrakenRestRow(const MarketPair& pair, const SimTrade& trade, std::string& out) {
  const int rest_decimals = pair.price_decimals < 5 ? 5 : pair.price_decimals;
  char time[40];
  std::snprintf(time, sizeof(time), "%lld.%06lld",
                static_cast<long long>(trade.ts_ns / 1'000'000'000),
                static_cast<long long>(trade.ts_ns % 1'000'000'000 / 1000));
  out += "[\"" + FixedE8(trade.price_e8, rest_decimals) + "\",\"" + FixedE8(trade.qty_e8, 8) +
         "\"," + time + ",\"" + (trade.side == Side::kBuy ? "b" : "s") + "\",\"" +
         (trade.market_order ? "m" : "l") + "\",\"\"," + std::to_string(trade.trade_id) + "]";
}

std::string MalformedCopy(std::string_view frame, Dialect dialect, uint64_t variant) {
  const bool kraken = dialect == Dialect::kKraken;
  switch (variant % 4) {
    case 0:
      return "{oops " + std::string(frame.substr(1));
    case 1:
      return kraken ? ReplaceFirst(frame, "\"price\":", "\"price\":-")
                    : ReplaceFirst(frame, "\"p\":\"", "\"p\":\"-");
    case 2:
      return kraken ? ReplaceFirst(ReplaceFirst(frame, "\"side\":\"buy\"", "\"side\":\"hold\""),
                                   "\"side\":\"sell\"", "\"side\":\"hold\"")
                    : ReplaceFirst(frame, "\"m\":", "\"m\":\"maybe\",\"x\":");
    default:
      return kraken ? ReplaceFirst(frame, "\"trade_id\":", "\"trade_ix\":")
                    : ReplaceFirst(frame, "\"t\":", "\"tt\":");
  }
}

}  // namespace rtml::ingest::sim
