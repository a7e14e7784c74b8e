#include "rtml/ingest/kraken_parser.h"

#include <optional>

#include <simdjson.h>

#include "padded_buffer.h"
#include "rfc3339.h"

namespace rtml::ingest {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::string_view StringOr(object obj, std::string_view key, std::string_view fallback) {
  std::string_view text;
  return obj.at_key(key).get_string().get(text) == simdjson::SUCCESS ? text : fallback;
}

Status TradeError(size_t index, std::string_view problem) {
  return Status::InvalidArgument("trade " + std::to_string(index) + ": " + std::string(problem));
}

// One element of a trade message's data array.
Status ParseTrade(element item, size_t index, const std::string& exchange, int64_t received_ns,
                  Trade* trade) {
  object obj;
  if (item.get_object().get(obj) != simdjson::SUCCESS) return TradeError(index, "not an object");
  enum : unsigned { kSymbol = 1, kSide = 2, kPrice = 4, kQty = 8, kId = 16, kTime = 32 };
  unsigned seen = 0;
  for (const auto field : obj) {
    const std::string_view key = field.key;
    std::string_view text;
    if (key == "symbol") {
      if (field.value.get_string().get(text) != simdjson::SUCCESS) {
        return TradeError(index, "field 'symbol' is not a string");
      }
      trade->pair.assign(text);
      seen |= kSymbol;
    } else if (key == "side") {
      if (field.value.get_string().get(text) != simdjson::SUCCESS ||
          (text != "buy" && text != "sell")) {
        return TradeError(index, "field 'side' is not \"buy\" or \"sell\"");
      }
      trade->side = text == "buy" ? Side::kBuy : Side::kSell;
      seen |= kSide;
    } else if (key == "price") {
      if (field.value.get_double().get(trade->price) != simdjson::SUCCESS) {
        return TradeError(index, "field 'price' is not a number");
      }
      seen |= kPrice;
    } else if (key == "qty") {
      if (field.value.get_double().get(trade->qty) != simdjson::SUCCESS) {
        return TradeError(index, "field 'qty' is not a number");
      }
      seen |= kQty;
    } else if (key == "trade_id") {
      if (field.value.get_int64().get(trade->trade_id) != simdjson::SUCCESS) {
        return TradeError(index, "field 'trade_id' is not an integer");
      }
      seen |= kId;
    } else if (key == "timestamp") {
      std::optional<int64_t> ms;
      if (field.value.get_string().get(text) != simdjson::SUCCESS || !(ms = ParseRfc3339Ms(text))) {
        return TradeError(index, "field 'timestamp' is not an RFC 3339 time");
      }
      trade->ts_ms = *ms;
      seen |= kTime;
    }
  }
  static constexpr std::pair<unsigned, std::string_view> kRequired[] = {
      {kSymbol, "symbol"}, {kSide, "side"},   {kPrice, "price"},
      {kQty, "qty"},       {kId, "trade_id"}, {kTime, "timestamp"},
  };
  for (const auto& [bit, name] : kRequired) {
    if ((seen & bit) == 0) return TradeError(index, "no field '" + std::string(name) + "'");
  }
  trade->exchange.assign(exchange);
  trade->received_ns = received_ns;
  return Status::Ok();
}

}  // namespace

struct KrakenParser::Impl {
  KrakenParserOptions options;
  simdjson::dom::parser parser;
  PaddedBuffer buffer;

  Status ParseChannel(object top, std::string_view channel, int64_t received_ns,
                      KrakenMessage* out);
  Status ParseReply(object top, std::string_view method, KrakenMessage* out);
};

Status KrakenParser::Impl::ParseChannel(object top, std::string_view channel, int64_t received_ns,
                                        KrakenMessage* out) {
  out->channel.assign(channel);
  if (channel == "heartbeat") {
    out->kind = KrakenMessage::Kind::kHeartbeat;
    return Status::Ok();
  }
  if (channel == "status") {
    out->kind = KrakenMessage::Kind::kStatus;
    simdjson::dom::array data;
    object first;
    if (top.at_key("data").get_array().get(data) == simdjson::SUCCESS &&
        data.at(0).get_object().get(first) == simdjson::SUCCESS) {
      out->system.assign(StringOr(first, "system", ""));
    }
    return Status::Ok();
  }
  if (channel != "trade") return Status::Ok();  // kOther: book, ticker, ...

  std::string_view type;
  if (top.at_key("type").get_string().get(type) != simdjson::SUCCESS ||
      (type != "snapshot" && type != "update")) {
    return Status::InvalidArgument("trade message without type \"snapshot\" or \"update\"");
  }
  simdjson::dom::array data;
  if (top.at_key("data").get_array().get(data) != simdjson::SUCCESS) {
    return Status::InvalidArgument("trade message without a 'data' array");
  }
  out->trades.resize(data.size());
  size_t index = 0;
  for (const element item : data) {
    RTML_RETURN_IF_ERROR(
        ParseTrade(item, index, options.exchange, received_ns, &out->trades[index]));
    ++index;
  }
  out->snapshot = type == "snapshot";
  out->kind = KrakenMessage::Kind::kTrades;
  return Status::Ok();
}

Status KrakenParser::Impl::ParseReply(object top, std::string_view method, KrakenMessage* out) {
  out->method.assign(method);
  bool success = true;
  if (element value; top.at_key("success").get(value) == simdjson::SUCCESS) {
    if (value.get_bool().get(success) != simdjson::SUCCESS) {
      return Status::InvalidArgument("field 'success' is not true or false");
    }
  }
  out->error.assign(StringOr(top, "error", ""));
  if (!out->error.empty()) success = false;
  object result;
  const bool has_result = top.at_key("result").get_object().get(result) == simdjson::SUCCESS;

  if (method == "subscribe") {
    out->kind = success ? KrakenMessage::Kind::kSubscribed : KrakenMessage::Kind::kSubscribeFailed;
    // Kraken names the symbol inside "result" on success and, on some failures,
    // at the top level.
    std::string_view symbol = StringOr(top, "symbol", "");
    if (has_result) {
      symbol = StringOr(result, "symbol", symbol);
      out->channel.assign(StringOr(result, "channel", ""));
    }
    out->symbol.assign(symbol);
    if (!success && out->error.empty()) out->error = "subscribe failed (no reason given)";
    return Status::Ok();
  }
  if (!success) {
    out->kind = KrakenMessage::Kind::kError;
    if (out->error.empty()) out->error = std::string(method) + " failed (no reason given)";
    return Status::Ok();
  }
  if (method == "pong") out->kind = KrakenMessage::Kind::kPong;
  return Status::Ok();
}

KrakenParser::KrakenParser(KrakenParserOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

KrakenParser::~KrakenParser() = default;

Status KrakenParser::Parse(std::string_view frame, int64_t received_ns, KrakenMessage* out) {
  out->kind = KrakenMessage::Kind::kOther;
  out->snapshot = false;
  out->channel.clear();
  out->method.clear();
  out->symbol.clear();
  out->error.clear();
  out->system.clear();
  out->trades.clear();

  const simdjson::padded_string_view padded = impl_->buffer.Fill(frame);
  element root;
  if (const auto error =
          impl_->parser.parse(padded.data(), padded.size(), /*realloc_if_needed=*/false).get(root);
      error) {
    return Status::InvalidArgument(std::string("not valid JSON (") +
                                   simdjson::error_message(error) + ")");
  }
  object top;
  if (root.get_object().get(top) != simdjson::SUCCESS) {
    return Status::InvalidArgument("not a JSON object");
  }
  std::string_view name;
  if (element channel; top.at_key("channel").get(channel) == simdjson::SUCCESS) {
    if (channel.get_string().get(name) != simdjson::SUCCESS) {
      return Status::InvalidArgument("field 'channel' is not a string");
    }
    Status status = impl_->ParseChannel(top, name, received_ns, out);
    if (!status.ok()) out->trades.clear();
    return status;
  }
  if (element method; top.at_key("method").get(method) == simdjson::SUCCESS) {
    if (method.get_string().get(name) != simdjson::SUCCESS) {
      return Status::InvalidArgument("field 'method' is not a string");
    }
    return impl_->ParseReply(top, name, out);
  }
  return Status::InvalidArgument("not a Kraken v2 message (no 'channel' or 'method')");
}

}  // namespace rtml::ingest
