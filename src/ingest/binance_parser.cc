#include "rtml/ingest/binance_parser.h"

#include <cstring>

#include <simdjson.h>

#include "number_text.h"
#include "padded_buffer.h"

namespace rtml::ingest {
namespace {

using simdjson::ondemand::object;
using simdjson::ondemand::value;

// The fields of a payload, as views into the parser's string buffer. Type errors
// are noted, not returned at once: they only matter if the frame is a trade.
struct Payload {
  std::string_view event;
  std::string_view symbol;
  std::string_view price;
  std::string_view qty;
  int64_t trade_id = 0;
  int64_t trade_time = 0;
  bool maker = false;
  unsigned seen = 0;  // FieldBits
  const char* error = nullptr;
};

enum FieldBit : unsigned {
  kEventBit = 1,
  kSymbolBit = 2,
  kTradeIdBit = 4,
  kPriceBit = 8,
  kQtyBit = 16,
  kTimeBit = 32,
  kMakerBit = 64,
};
constexpr unsigned kTradeFields =
    kSymbolBit | kTradeIdBit | kPriceBit | kQtyBit | kTimeBit | kMakerBit;

// Keys are compared raw (unescaped names only, which is all Binance sends); the
// document's padding makes reading name.size() + 1 bytes safe.
bool KeyIs(const char* raw, std::string_view name) {
  return std::memcmp(raw, name.data(), name.size()) == 0 && raw[name.size()] == '"';
}

void Note(Payload& p, const char* error) {
  if (p.error == nullptr) p.error = error;
}

void ReadString(value& v, std::string_view* out, unsigned bit, const char* error, Payload& p) {
  if (v.get_string().get(*out) == simdjson::SUCCESS) {
    p.seen |= bit;
  } else {
    Note(p, error);
  }
}

void ReadInt(value& v, int64_t* out, unsigned bit, const char* error, Payload& p) {
  if (v.get_int64().get(*out) == simdjson::SUCCESS) {
    p.seen |= bit;
  } else {
    Note(p, error);
  }
}

// Reads one payload field if it is one we use; a wrong type is noted in `p`.
void ReadPayloadField(const char* key, value& v, Payload& p) {
  if (key[1] != '"') return;  // every payload field we read has a one-letter name
  switch (key[0]) {
    case 'e':
      ReadString(v, &p.event, kEventBit, "field 'e' is not a string", p);
      break;
    case 's':
      ReadString(v, &p.symbol, kSymbolBit, "field 's' is not a string", p);
      break;
    case 't':
      ReadInt(v, &p.trade_id, kTradeIdBit, "field 't' is not an integer", p);
      break;
    case 'p':
      ReadString(v, &p.price, kPriceBit, "field 'p' is not a string", p);
      break;
    case 'q':
      ReadString(v, &p.qty, kQtyBit, "field 'q' is not a string", p);
      break;
    case 'T':
      ReadInt(v, &p.trade_time, kTimeBit, "field 'T' is not an integer", p);
      break;
    case 'm':
      if (v.get_bool().get(p.maker) == simdjson::SUCCESS) {
        p.seen |= kMakerBit;
      } else {
        Note(p, "field 'm' is not true or false");
      }
      break;
    default:
      break;
  }
}

constexpr std::string_view kBroken = "not valid JSON (truncated or malformed)";

}  // namespace

struct BinanceParser::Impl {
  BinanceParserOptions options;
  simdjson::ondemand::parser parser;
  PaddedBuffer buffer;
};

BinanceParser::BinanceParser(BinanceParserOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

BinanceParser::~BinanceParser() = default;

Result<BinanceParser::Frame> BinanceParser::Parse(std::string_view frame, int64_t received_ns,
                                                  Trade* trade) {
  simdjson::ondemand::document doc;
  if (const auto error = impl_->parser.iterate(impl_->buffer.Fill(frame)).get(doc); error) {
    return Status::InvalidArgument(std::string("not valid JSON (") +
                                   simdjson::error_message(error) + ")");
  }
  object top;
  if (const auto error = doc.get_object().get(top); error) {
    return Status::InvalidArgument(NotAnObjectReason(error));
  }

  Payload payload;
  std::string_view stream;
  bool has_stream = false;
  // One pass over the top level: a combined frame's "stream" and "data", or the
  // fields of a raw payload.
  for (auto field : top) {
    simdjson::ondemand::raw_json_string raw_key;
    value v;
    if (field.key().get(raw_key) != simdjson::SUCCESS ||
        field.value().get(v) != simdjson::SUCCESS) {
      return Status::InvalidArgument(std::string(kBroken));
    }
    const char* key = raw_key.raw();
    if (KeyIs(key, "stream")) {
      if (v.get_string().get(stream) != simdjson::SUCCESS) {
        return Status::InvalidArgument("field 'stream' is not a string");
      }
      has_stream = true;
    } else if (KeyIs(key, "data")) {
      object data;
      if (v.get_object().get(data) != simdjson::SUCCESS) {
        return Status::InvalidArgument("field 'data' is not an object");
      }
      for (auto data_field : data) {
        simdjson::ondemand::raw_json_string data_key;
        value dv;
        if (data_field.key().get(data_key) != simdjson::SUCCESS ||
            data_field.value().get(dv) != simdjson::SUCCESS) {
          return Status::InvalidArgument(std::string(kBroken));
        }
        ReadPayloadField(data_key.raw(), dv, payload);
      }
    } else {
      ReadPayloadField(key, v, payload);
    }
  }
  if (!AtDocumentEnd(doc)) return Status::InvalidArgument("content after the JSON object");

  const bool stream_says_trade = has_stream && stream.ends_with("@trade");
  const bool event_says_trade = (payload.seen & kEventBit) != 0 && payload.event == "trade";
  if (!stream_says_trade && !event_says_trade) return Frame::kOther;
  if (stream_says_trade && (payload.seen & kEventBit) != 0 && !event_says_trade) {
    return Status::InvalidArgument("stream '" + std::string(stream) + "' carries event '" +
                                   std::string(payload.event) + "', not 'trade'");
  }
  if (payload.error != nullptr) return Status::InvalidArgument(payload.error);
  if ((payload.seen & kTradeFields) != kTradeFields) {
    static constexpr std::pair<unsigned, const char*> kNames[] = {
        {kSymbolBit, "s"}, {kTradeIdBit, "t"}, {kPriceBit, "p"},
        {kQtyBit, "q"},    {kTimeBit, "T"},    {kMakerBit, "m"},
    };
    for (const auto& [bit, name] : kNames) {
      if ((payload.seen & bit) == 0) {
        return Status::InvalidArgument(std::string("trade without field '") + name + "'");
      }
    }
  }
  if (!ParseDouble(payload.price, &trade->price)) {
    return Status::InvalidArgument("field 'p' is not a decimal number: \"" +
                                   std::string(payload.price) + "\"");
  }
  if (!ParseDouble(payload.qty, &trade->qty)) {
    return Status::InvalidArgument("field 'q' is not a decimal number: \"" +
                                   std::string(payload.qty) + "\"");
  }
  trade->exchange.assign(impl_->options.exchange);
  trade->pair.assign(payload.symbol);
  trade->trade_id = payload.trade_id;
  trade->side = payload.maker ? Side::kSell : Side::kBuy;  // the maker bought: the taker sold
  trade->ts_ms = payload.trade_time;
  trade->received_ns = received_ns;
  return Frame::kTrade;
}

}  // namespace rtml::ingest
