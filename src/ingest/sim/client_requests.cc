// The simdjson adapter for client requests; simdjson's error codes, no exceptions.
#include "client_requests.h"

#include <simdjson.h>

#include <cctype>

namespace rtml::ingest::sim {
namespace {

std::optional<int64_t> IntField(simdjson::dom::element element, std::string_view key) {
  int64_t value = 0;
  if (element[key].get_int64().get(value) == simdjson::SUCCESS) return value;
  return std::nullopt;
}

}  // namespace

Result<KrakenRequest> ParseKrakenRequest(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(text.data(), text.size()).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    return Status::InvalidArgument("Malformed request");
  }
  KrakenRequest request;
  std::string_view method;
  if (doc["method"].get_string().get(method) != simdjson::SUCCESS) {
    return Status::InvalidArgument("Missing method");
  }
  request.method = std::string(method);
  request.req_id = IntField(doc, "req_id");
  simdjson::dom::object params;
  if (doc["params"].get_object().get(params) == simdjson::SUCCESS) {
    std::string_view channel;
    if (params["channel"].get_string().get(channel) == simdjson::SUCCESS) {
      request.channel = std::string(channel);
    }
    bool snapshot = false;
    if (params["snapshot"].get_bool().get(snapshot) == simdjson::SUCCESS) {
      request.snapshot = snapshot;
    }
    simdjson::dom::array symbols;
    if (params["symbol"].get_array().get(symbols) == simdjson::SUCCESS) {
      for (simdjson::dom::element symbol : symbols) {
        std::string_view name;
        if (symbol.get_string().get(name) == simdjson::SUCCESS) {
          request.symbols.emplace_back(name);
        }
      }
    }
  }
  return request;
}

Result<BinanceRequest> ParseBinanceRequest(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(text.data(), text.size()).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    return Status::InvalidArgument("Invalid JSON");
  }
  BinanceRequest request;
  std::string_view method;
  if (doc["method"].get_string().get(method) != simdjson::SUCCESS) {
    return Status::InvalidArgument("Invalid request: method");
  }
  request.method = std::string(method);
  request.id = IntField(doc, "id");
  simdjson::dom::array params;
  if (doc["params"].get_array().get(params) == simdjson::SUCCESS) {
    for (simdjson::dom::element param : params) {
      std::string_view name;
      if (param.get_string().get(name) == simdjson::SUCCESS) request.params.emplace_back(name);
    }
  }
  return request;
}

std::vector<std::string> StreamsOfTarget(std::string_view target) {
  std::vector<std::string> streams;
  const size_t at = target.find("streams=");
  if (at == std::string_view::npos) return streams;
  std::string_view rest = target.substr(at + 8);
  rest = rest.substr(0, rest.find('&'));
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    std::string name(rest.substr(0, slash));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!name.empty()) streams.push_back(std::move(name));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  return streams;
}

}  // namespace rtml::ingest::sim
