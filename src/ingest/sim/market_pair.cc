#include "rtml/ingest/sim/market_pair.h"

#include <cctype>

namespace rtml::ingest::sim {
namespace {

struct Known {
  std::string_view base;
  double start_price;
  int price_decimals;
  int qty_decimals;
  double median_qty;
  double weight;
  double volatility;
};

// Realistic-looking starting points; weights roughly follow traded volume.
constexpr Known kKnown[] = {
    {"BTC", 60'000, 1, 5, 0.004, 5, 1.2e-4}, {"ETH", 2'600, 2, 4, 0.08, 3, 1.6e-4},
    {"SOL", 150, 2, 3, 2.0, 2, 2.2e-4},      {"XRP", 0.55, 5, 1, 600, 1.5, 2.5e-4},
    {"DOGE", 0.11, 6, 0, 3000, 1, 3e-4},     {"LTC", 65, 2, 3, 3.0, 0.7, 2e-4},
    {"ADA", 0.35, 6, 1, 900, 0.7, 2.5e-4},
};

// Kraken's legacy X-prefixed crypto assets, in REST spelling.
constexpr std::string_view kLegacyCrypto[] = {"XBT", "ETH", "LTC", "XRP", "XLM",
                                              "XMR", "ETC", "ZEC", "MLN", "REP"};
constexpr std::string_view kFiat[] = {"USD", "EUR", "GBP", "JPY", "CAD"};

template <size_t N>
bool In(const std::string_view (&list)[N], std::string_view value) {
  for (std::string_view item : list) {
    if (item == value) return true;
  }
  return false;
}

std::string RestAsset(std::string_view asset) {
  if (asset == "BTC") return "XBT";
  if (asset == "DOGE") return "XDG";
  return std::string(asset);
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool ValidAsset(std::string_view asset) {
  if (asset.size() < 2 || asset.size() > 10) return false;
  for (char c : asset) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

bool MarketPair::Matches(std::string_view name) const {
  const std::string upper = Upper(name);
  const std::string plain =
      symbol.substr(0, symbol.find('/')) + symbol.substr(symbol.find('/') + 1);
  return upper == symbol || upper == rest_altname || upper == rest_name || upper == plain ||
         upper == binance_symbol;
}

Result<MarketPair> MakeMarketPair(std::string_view symbol) {
  const std::string upper = Upper(symbol);
  const size_t slash = upper.find('/');
  if (slash == std::string::npos || !ValidAsset(upper.substr(0, slash)) ||
      !ValidAsset(upper.substr(slash + 1))) {
    return Status::InvalidArgument("bad pair '" + std::string(symbol) +
                                   "': expected BASE/QUOTE, e.g. BTC/USD");
  }
  const std::string base = upper.substr(0, slash);
  const std::string quote = upper.substr(slash + 1);
  MarketPair pair;
  pair.symbol = upper;
  pair.binance_symbol = base + (quote == "USD" ? "USDT" : quote);
  const std::string rest_base = RestAsset(base);
  const std::string rest_quote = RestAsset(quote);
  pair.rest_altname = rest_base + rest_quote;
  if (In(kLegacyCrypto, rest_base) && (In(kFiat, rest_quote) || In(kLegacyCrypto, rest_quote))) {
    pair.rest_name = "X" + rest_base + (In(kFiat, rest_quote) ? "Z" : "X") + rest_quote;
  } else {
    pair.rest_name = pair.rest_altname;
  }
  for (const Known& known : kKnown) {
    if (known.base != base) continue;
    pair.start_price = known.start_price;
    pair.price_decimals = known.price_decimals;
    pair.qty_decimals = known.qty_decimals;
    pair.median_qty = known.median_qty;
    pair.weight = known.weight;
    pair.volatility = known.volatility;
    if (quote != "USD") pair.start_price = 1;  // cross pairs: a price of 1, 8 decimals
    if (quote != "USD") pair.price_decimals = 8;
  }
  return pair;
}

}  // namespace rtml::ingest::sim
