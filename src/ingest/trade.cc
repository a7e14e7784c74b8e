#include "rtml/ingest/trade.h"

#include <charconv>
#include <cmath>

#include <simdjson.h>

#include "number_text.h"
#include "padded_buffer.h"
#include "rtml/core/json_writer.h"

namespace rtml::ingest {
namespace {

// Exchange and pair names are almost always plain ASCII: skip the escaping loop then.
void AppendName(std::string& out, std::string_view name) {
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') {
      json::AppendString(out, name);
      return;
    }
  }
  out += '"';
  out += name;
  out += '"';
}

using json::AppendDouble;
using json::AppendInt;

Status FieldError(std::string_view field, std::string_view problem) {
  return Status::InvalidArgument("trade JSON: field '" + std::string(field) + "' " +
                                 std::string(problem));
}

// A number, or a decimal string holding one.
bool ReadDouble(simdjson::ondemand::value value, double* out) {
  simdjson::ondemand::json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return false;
  if (type == simdjson::ondemand::json_type::number) {
    return value.get_double().get(*out) == simdjson::SUCCESS;
  }
  std::string_view text;
  return type == simdjson::ondemand::json_type::string &&
         value.get_string().get(text) == simdjson::SUCCESS && ParseDouble(text, out);
}

bool IsNull(simdjson::ondemand::value value) {
  bool null = false;
  return value.is_null().get(null) == simdjson::SUCCESS && null;
}

enum FieldBit : unsigned {
  kPairBit = 1,
  kTradeIdBit = 2,
  kPriceBit = 4,
  kQtyBit = 8,
  kSideBit = 16,
  kTsBit = 32,
};

}  // namespace

std::string_view SideName(Side side) { return side == Side::kBuy ? "buy" : "sell"; }

std::optional<Side> ParseSide(std::string_view text) {
  auto equals = [text](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
      if ((text[i] | 0x20) != word[i]) return false;  // ASCII case folding
    }
    return true;
  };
  if (equals("buy") || equals("b")) return Side::kBuy;
  if (equals("sell") || equals("s")) return Side::kSell;
  return std::nullopt;
}

void AppendTradeJson(const Trade& trade, std::string& out) {
  out += "{\"exchange\":";
  AppendName(out, trade.exchange);
  out += ",\"pair\":";
  AppendName(out, trade.pair);
  out += ",\"trade_id\":";
  AppendInt(out, trade.trade_id);
  out += ",\"price\":";
  AppendDouble(out, trade.price);
  out += ",\"qty\":";
  AppendDouble(out, trade.qty);
  out += ",\"side\":\"";
  out += SideName(trade.side);
  out += "\",\"ts_ms\":";
  AppendInt(out, trade.ts_ms);
  out += ",\"received_ns\":";
  AppendInt(out, trade.received_ns);
  out += '}';
}

Result<Trade> ParseTradeJson(std::string_view json) {
  thread_local simdjson::ondemand::parser parser;
  thread_local PaddedBuffer buffer;
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (const auto error = parser.iterate(buffer.Fill(json)).get(doc); error) {
    return Status::InvalidArgument(std::string("trade JSON: not valid JSON (") +
                                   simdjson::error_message(error) + ")");
  }
  if (const auto error = doc.get_object().get(object); error) {
    return Status::InvalidArgument("trade JSON: " + NotAnObjectReason(error));
  }
  Trade trade;
  unsigned seen = 0;
  for (auto field : object) {
    std::string_view key;
    simdjson::ondemand::value value;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS ||
        field.value().get(value) != simdjson::SUCCESS) {
      return Status::InvalidArgument("trade JSON: not valid JSON (truncated or malformed object)");
    }
    std::string_view text;
    if (key == "exchange") {
      if (IsNull(value)) continue;
      if (value.get_string().get(text) != simdjson::SUCCESS) {
        return FieldError(key, "is not a string");
      }
      trade.exchange.assign(text);
    } else if (key == "pair") {
      if (value.get_string().get(text) != simdjson::SUCCESS) {
        return FieldError(key, "is not a string");
      }
      trade.pair.assign(text);
      seen |= kPairBit;
    } else if (key == "trade_id") {
      if (value.get_int64().get(trade.trade_id) != simdjson::SUCCESS) {
        return FieldError(key, "is not an integer");
      }
      seen |= kTradeIdBit;
    } else if (key == "price") {
      if (!ReadDouble(value, &trade.price)) return FieldError(key, "is not a number");
      seen |= kPriceBit;
    } else if (key == "qty") {
      if (!ReadDouble(value, &trade.qty)) return FieldError(key, "is not a number");
      seen |= kQtyBit;
    } else if (key == "side") {
      std::optional<Side> side;
      if (value.get_string().get(text) != simdjson::SUCCESS || !(side = ParseSide(text))) {
        return FieldError(key, "is not \"buy\" or \"sell\"");
      }
      trade.side = *side;
      seen |= kSideBit;
    } else if (key == "ts_ms") {
      if (value.get_int64().get(trade.ts_ms) != simdjson::SUCCESS) {
        return FieldError(key, "is not an integer");
      }
      seen |= kTsBit;
    } else if (key == "received_ns") {
      if (IsNull(value)) continue;
      if (value.get_int64().get(trade.received_ns) != simdjson::SUCCESS) {
        return FieldError(key, "is not an integer");
      }
    }
  }
  if (!AtDocumentEnd(doc)) {
    return Status::InvalidArgument("trade JSON: not valid JSON (content after the object)");
  }
  static constexpr std::pair<unsigned, std::string_view> kRequired[] = {
      {kPairBit, "pair"}, {kTradeIdBit, "trade_id"}, {kPriceBit, "price"},
      {kQtyBit, "qty"},   {kSideBit, "side"},        {kTsBit, "ts_ms"},
  };
  for (const auto& [bit, name] : kRequired) {
    if ((seen & bit) == 0) return FieldError(name, "is missing");
  }
  return trade;
}

}  // namespace rtml::ingest
