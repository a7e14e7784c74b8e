#include "rest_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace rtml::bench {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct KeepAliveClient::Impl {
  boost::asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  std::string host;
};

KeepAliveClient::KeepAliveClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KeepAliveClient::~KeepAliveClient() = default;

Result<std::unique_ptr<KeepAliveClient>> KeepAliveClient::Connect(const std::string& host,
                                                                  uint16_t port) {
  auto impl = std::make_unique<Impl>();
  impl->host = host;
  beast::error_code ec;
  tcp::resolver resolver(impl->ioc);
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (!ec) impl->stream.connect(endpoints, ec);
  if (ec) return Status::IOError("connect " + host + ": " + ec.message());
  impl->stream.socket().set_option(tcp::no_delay(true));
  return std::unique_ptr<KeepAliveClient>(new KeepAliveClient(std::move(impl)));
}

Result<std::pair<int, std::string>> KeepAliveClient::Get(const std::string& target) {
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, impl_->host);
  request.keep_alive(true);
  beast::error_code ec;
  http::write(impl_->stream, request, ec);
  http::response<http::string_body> response;
  if (!ec) http::read(impl_->stream, impl_->buffer, response, ec);
  if (ec) return Status::IOError("GET " + target + ": " + ec.message());
  return std::make_pair(static_cast<int>(response.result_int()), std::move(response.body()));
}

}  // namespace rtml::bench
