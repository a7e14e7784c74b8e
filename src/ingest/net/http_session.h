// Internal: one accepted TCP (or TLS) connection of the loopback server until it is
// either upgraded to a websocket or closed: reads requests, answers GETs by route.
#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "server_core.h"
#include "websocket_session.h"

namespace rtml::ingest::net::internal {

template <class Stream>
class HttpSession final : public Session, public std::enable_shared_from_this<HttpSession<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, boost::beast::tcp_stream>;
  static constexpr std::chrono::seconds kRequestTimeout{30};

 public:
  HttpSession(ServerCore* core, Stream stream)
      : ioc_(core->ioc), core_(core), stream_(std::move(stream)) {}

  void Start() {
    session_id_ = core_->Register(this->shared_from_this());
    if constexpr (kTls) {
      boost::beast::get_lowest_layer(stream_).expires_after(kRequestTimeout);
      stream_.async_handshake(boost::asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](boost::system::error_code ec) {
                                if (ec) return self->End();
                                self->DoRead();
                              });
    } else {
      DoRead();
    }
  }

  void Abort() override {
    if (handed_over_) return;
    boost::system::error_code ignored;
    boost::beast::get_lowest_layer(stream_).socket().set_option(
        boost::asio::socket_base::linger(true, 0), ignored);
    boost::beast::get_lowest_layer(stream_).close();
  }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->body_limit(1 << 20);
    boost::beast::get_lowest_layer(stream_).expires_after(kRequestTimeout);
    boost::beast::http::async_read(stream_, buffer_, *parser_,
                                   [self = this->shared_from_this()](boost::system::error_code ec,
                                                                     size_t) { self->OnRead(ec); });
  }

  void OnRead(boost::system::error_code ec) {
    namespace http = boost::beast::http;
    if (ec || core_->stopping) return End();
    http::request<http::string_body> request = parser_->release();
    HttpRequest view;
    view.method = std::string(request.method_string());
    view.target = std::string(request.target());
    SplitTarget(view.target, view.path, view.query);

    if (boost::beast::websocket::is_upgrade(request)) {
      auto route = core_->websocket_routes.find(view.path);
      if (route != core_->websocket_routes.end()) {
        handed_over_ = true;
        core_->Unregister(session_id_);
        auto session = std::make_shared<WebSocketSession<Stream>>(core_, &route->second,
                                                                  std::move(stream_), view.target);
        session->Accept(request);
        return;
      }
    }

    for (const auto& field : request) {
      view.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    HttpResponse answer;
    const HttpHandler* route = core_->FindHttpRoute(view.path);
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      answer.status = 405;
      answer.body = "method not allowed\n";
    } else if (route == nullptr) {
      answer.status = 404;
      answer.body = "no route for " + view.path + "\n";
    } else {
      try {
        answer = (*route)(view);
      } catch (const std::exception& e) {
        answer = HttpResponse{500, {}, std::string("handler failed: ") + e.what() + "\n"};
      }
    }

    response_.emplace();
    response_->version(request.version());
    response_->result(static_cast<unsigned>(answer.status));
    response_->set(http::field::server, "rtml-loopback");
    bool has_type = false;
    for (const HttpHeader& header : answer.headers) {
      response_->insert(header.name, header.value);
      if (boost::beast::iequals(header.name, "content-type")) has_type = true;
    }
    if (!has_type) response_->set(http::field::content_type, "application/json");
    response_->body() = std::move(answer.body);
    response_->keep_alive(request.keep_alive());
    response_->prepare_payload();
    if (request.method() == http::verb::head) response_->body().clear();
    http::async_write(
        stream_, *response_,
        [self = this->shared_from_this()](boost::system::error_code write_ec, size_t) {
          if (write_ec || !self->response_->keep_alive()) return self->End();
          self->DoRead();
        });
  }

  void End() {
    if (!handed_over_) {
      boost::system::error_code ignored;
      boost::beast::get_lowest_layer(stream_).socket().shutdown(
          boost::asio::ip::tcp::socket::shutdown_send, ignored);
      boost::beast::get_lowest_layer(stream_).close();
    }
    core_->Unregister(session_id_);
  }

  std::shared_ptr<boost::asio::io_context> ioc_;  // first: outlives the stream
  ServerCore* core_;
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
  uint64_t session_id_ = 0;
  bool handed_over_ = false;  // the stream moved into a WebSocketSession
};

}  // namespace rtml::ingest::net::internal
