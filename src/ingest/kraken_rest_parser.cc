#include "rtml/ingest/kraken_rest_parser.h"

#include <simdjson.h>

#include "number_text.h"
#include "padded_buffer.h"

namespace rtml::ingest {
namespace {

using simdjson::ondemand::json_type;
using simdjson::ondemand::value;

std::string_view KrakenAsset(std::string_view code) {
  if (code == "XBT") return "BTC";
  if (code == "XDG") return "DOGE";
  return code;
}

std::string JoinSymbol(std::string_view base, std::string_view quote) {
  std::string symbol(KrakenAsset(base));
  symbol += '/';
  symbol += KrakenAsset(quote);
  return symbol;
}

Status RowError(size_t row, std::string_view problem) {
  return Status::InvalidArgument("trade row " + std::to_string(row) + ": " + std::string(problem));
}

// A decimal number written either as a JSON number or as a JSON string.
bool ReadDecimal(value v, double* out) {
  json_type type;
  if (v.type().get(type) != simdjson::SUCCESS) return false;
  if (type == json_type::number) return v.get_double().get(*out) == simdjson::SUCCESS;
  std::string_view text;
  return type == json_type::string && v.get_string().get(text) == simdjson::SUCCESS &&
         ParseDouble(text, out);
}

// Seconds since the epoch ("1688669597.8277369") to ms, from the digits, so no
// rounding of a double can move a trade into the next millisecond.
bool SecondsTextToMs(std::string_view text, int64_t* ms) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r' || text.back() == '"')) {
    text.remove_suffix(1);
  }
  if (!text.empty() && text.front() == '"') text.remove_prefix(1);
  const size_t dot = text.find('.');
  int64_t seconds = 0;
  if (!ParseInt64(text.substr(0, dot), &seconds) || seconds < 0) return false;
  int64_t millis = 0;
  if (dot != std::string_view::npos) {
    const std::string_view fraction = text.substr(dot + 1);
    if (fraction.empty()) return false;
    for (size_t i = 0; i < fraction.size(); ++i) {
      if (fraction[i] < '0' || fraction[i] > '9') return false;
      if (i < 3) millis = millis * 10 + (fraction[i] - '0');
    }
    for (size_t i = fraction.size(); i < 3; ++i) millis *= 10;
  }
  if (seconds > INT64_MAX / 1000 - 1) return false;
  *ms = seconds * 1000 + millis;
  return true;
}

bool IsRateLimit(std::string_view error) {
  return error.starts_with("EAPI:Rate limit") || error.starts_with("EGeneral:Too many requests");
}

}  // namespace

struct KrakenRestParser::Impl {
  KrakenRestParserOptions options;
  simdjson::ondemand::parser parser;
  PaddedBuffer buffer;

  Status ParseRows(value rows, int64_t received_ns, KrakenTradesPage* out);
  Status ParseRow(value row, size_t index, Trade* trade);
};

Status KrakenRestParser::Impl::ParseRow(value row, size_t index, Trade* trade) {
  simdjson::ondemand::array cells;
  if (row.get_array().get(cells) != simdjson::SUCCESS) return RowError(index, "not an array");
  size_t cell_index = 0;
  for (auto cell_result : cells) {
    value cell;
    if (cell_result.get(cell) != simdjson::SUCCESS) {
      return RowError(index, "not valid JSON (truncated or malformed)");
    }
    std::string_view text;
    switch (cell_index) {
      case 0:
        if (!ReadDecimal(cell, &trade->price)) return RowError(index, "price is not a number");
        break;
      case 1:
        if (!ReadDecimal(cell, &trade->qty)) return RowError(index, "volume is not a number");
        break;
      case 2: {
        json_type type;
        if (cell.type().get(type) != simdjson::SUCCESS ||
            (type != json_type::number && type != json_type::string) ||
            !SecondsTextToMs(cell.raw_json_token(), &trade->ts_ms)) {
          return RowError(index, "time is not a number of seconds");
        }
        break;
      }
      case 3:
        if (cell.get_string().get(text) != simdjson::SUCCESS || (text != "b" && text != "s")) {
          return RowError(index, "side is not \"b\" or \"s\"");
        }
        trade->side = text == "b" ? Side::kBuy : Side::kSell;
        break;
      case 6:
        if (cell.get_int64().get(trade->trade_id) != simdjson::SUCCESS) {
          return RowError(index, "trade_id is not an integer");
        }
        break;
      default:  // order type, misc, and whatever Kraken adds later
        break;
    }
    ++cell_index;
  }
  if (cell_index < 7) {
    return RowError(index, "has " + std::to_string(cell_index) + " elements, expected 7");
  }
  return Status::Ok();
}

Status KrakenRestParser::Impl::ParseRows(value rows, int64_t received_ns, KrakenTradesPage* out) {
  simdjson::ondemand::array array;
  if (rows.get_array().get(array) != simdjson::SUCCESS) {
    return Status::InvalidArgument("result '" + out->pair + "' is not an array of trades");
  }
  for (auto row_result : array) {
    value row;
    if (row_result.get(row) != simdjson::SUCCESS) {
      return Status::InvalidArgument("not valid JSON (truncated or malformed)");
    }
    Trade& trade = out->trades.emplace_back();
    RTML_RETURN_IF_ERROR(ParseRow(row, out->trades.size() - 1, &trade));
    trade.exchange = options.exchange;
    trade.received_ns = received_ns;
  }
  return Status::Ok();
}

KrakenRestParser::KrakenRestParser(KrakenRestParserOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

KrakenRestParser::~KrakenRestParser() = default;

Status KrakenRestParser::Parse(std::string_view body, int64_t received_ns, KrakenTradesPage* out) {
  out->outcome = KrakenTradesPage::Outcome::kTrades;
  out->errors.clear();
  out->pair.clear();
  out->trades.clear();
  out->last = 0;

  simdjson::ondemand::document doc;
  if (const auto error = impl_->parser.iterate(impl_->buffer.Fill(body)).get(doc); error) {
    return Status::InvalidArgument(std::string("not valid JSON (") +
                                   simdjson::error_message(error) + ")");
  }
  simdjson::ondemand::object top;
  if (const auto error = doc.get_object().get(top); error) {
    return Status::InvalidArgument(NotAnObjectReason(error));
  }
  bool has_error = false;
  bool has_result = false;
  bool has_last = false;
  constexpr std::string_view kBroken = "not valid JSON (truncated or malformed)";
  for (auto field : top) {
    std::string_view key;
    value v;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS ||
        field.value().get(v) != simdjson::SUCCESS) {
      return Status::InvalidArgument(std::string(kBroken));
    }
    if (key == "error") {
      simdjson::ondemand::array errors;
      if (v.get_array().get(errors) != simdjson::SUCCESS) {
        return Status::InvalidArgument("field 'error' is not an array");
      }
      for (auto item : errors) {
        std::string_view text;
        if (item.get_string().get(text) != simdjson::SUCCESS) {
          return Status::InvalidArgument("field 'error' holds a non-string");
        }
        if (!text.starts_with('W')) out->errors.emplace_back(text);  // 'W...': a warning
      }
      has_error = true;
    } else if (key == "result") {
      simdjson::ondemand::object result;
      if (v.get_object().get(result) != simdjson::SUCCESS) {
        return Status::InvalidArgument("field 'result' is not an object");
      }
      for (auto entry : result) {
        std::string_view name;
        value entry_value;
        if (entry.unescaped_key().get(name) != simdjson::SUCCESS ||
            entry.value().get(entry_value) != simdjson::SUCCESS) {
          return Status::InvalidArgument(std::string(kBroken));
        }
        if (name == "last") {
          json_type type;
          std::string_view text;
          if (entry_value.type().get(type) != simdjson::SUCCESS ||
              (type == json_type::string
                   ? entry_value.get_string().get(text) != simdjson::SUCCESS ||
                         !ParseInt64(text, &out->last)
                   : entry_value.get_int64().get(out->last) != simdjson::SUCCESS)) {
            return Status::InvalidArgument("field 'last' is not an integer cursor");
          }
          has_last = true;
          continue;
        }
        if (!out->pair.empty()) {
          return Status::InvalidArgument("result holds more than one pair ('" + out->pair + "', '" +
                                         std::string(name) + "')");
        }
        out->pair.assign(name);
        RTML_RETURN_IF_ERROR(impl_->ParseRows(entry_value, received_ns, out));
      }
      has_result = true;
    }
  }
  if (!AtDocumentEnd(doc)) return Status::InvalidArgument("content after the JSON object");
  if (!has_error && !has_result) {
    return Status::InvalidArgument("not a Kraken REST reply (no 'error' or 'result')");
  }
  if (!out->errors.empty()) {
    out->trades.clear();
    out->outcome = KrakenTradesPage::Outcome::kError;
    for (const std::string& error : out->errors) {
      if (IsRateLimit(error)) {
        out->outcome = KrakenTradesPage::Outcome::kRateLimited;
        break;
      }
      if (error.starts_with("EService:")) out->outcome = KrakenTradesPage::Outcome::kUnavailable;
    }
    return Status::Ok();
  }
  if (!has_result) return Status::InvalidArgument("no 'result' and no error");
  if (!has_last) return Status::InvalidArgument("result without a 'last' cursor");
  if (out->pair.empty()) return Status::InvalidArgument("result without a pair");
  const std::string symbol =
      impl_->options.symbol.empty() ? KrakenSymbolForPair(out->pair) : impl_->options.symbol;
  for (Trade& trade : out->trades) trade.pair = symbol;
  return Status::Ok();
}

std::string KrakenSymbolForPair(std::string_view pair) {
  if (const size_t slash = pair.find('/'); slash != std::string_view::npos) {
    return JoinSymbol(pair.substr(0, slash), pair.substr(slash + 1));
  }
  auto legacy_prefix = [](char c) { return c == 'X' || c == 'Z'; };
  if (pair.size() == 8 && legacy_prefix(pair[0]) && legacy_prefix(pair[4])) {
    return JoinSymbol(pair.substr(1, 3), pair.substr(5, 3));
  }
  static constexpr std::string_view kQuotes[] = {"USDT", "USDC", "USD", "EUR", "GBP", "CAD",
                                                 "JPY",  "CHF",  "AUD", "XBT", "ETH", "DAI"};
  for (const std::string_view quote : kQuotes) {
    if (pair.size() > quote.size() && pair.ends_with(quote)) {
      return JoinSymbol(pair.substr(0, pair.size() - quote.size()), quote);
    }
  }
  return std::string(pair);
}

std::string KrakenRestPairForSymbol(std::string_view symbol) {
  const size_t slash = symbol.find('/');
  if (slash == std::string_view::npos) return std::string(symbol);
  auto rest_asset = [](std::string_view code) -> std::string_view {
    if (code == "BTC") return "XBT";
    if (code == "DOGE") return "XDG";
    return code;
  };
  std::string pair(rest_asset(symbol.substr(0, slash)));
  pair += rest_asset(symbol.substr(slash + 1));
  return pair;
}

}  // namespace rtml::ingest
