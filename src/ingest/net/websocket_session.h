// Internal: the server side of one websocket connection, over a plain or TLS stream.
// Everything but the WebSocketConnection methods runs on the I/O thread; those
// methods post to it.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "server_core.h"

namespace rtml::ingest::net::internal {

template <class Stream>
class WebSocketSession final : public WebSocketConnection,
                               public Session,
                               public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  WebSocketSession(ServerCore* core, const WebSocketHandler* handler, Stream stream,
                   std::string target)
      : ioc_(core->ioc),
        core_(core),
        handler_(handler),
        ws_(std::move(stream)),
        target_(std::move(target)) {}

  template <class Request>
  void Accept(const Request& request) {
    namespace websocket = boost::beast::websocket;
    boost::beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(10);
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(boost::beast::http::field::server, "rtml-loopback");
    }));
    ws_.control_callback([this](websocket::frame_type kind, boost::beast::string_view) {
      if (kind == websocket::frame_type::pong) ++pongs_;
    });
    session_id_ = core_->Register(this->shared_from_this());
    ws_.async_accept(request, [self = this->shared_from_this()](boost::system::error_code ec) {
      self->OnAccept(ec);
    });
  }

  // WebSocketConnection
  uint64_t id() const override { return id_; }
  const std::string& target() const override { return target_; }
  void Send(std::string text) override { Enqueue(Item::kText, std::move(text)); }
  void Ping(std::string payload) override { Enqueue(Item::kPing, std::move(payload)); }
  void Close() override { Enqueue(Item::kClose, {}); }
  void Drop() override {
    boost::asio::post(*ioc_, [self = this->shared_from_this()] { self->Abort(); });
  }
  void SetSending(bool sending) override {
    boost::asio::post(*ioc_, [self = this->shared_from_this(), sending] {
      self->sending_ = sending;
      self->DoWrite();
    });
  }
  size_t queued() const override { return queued_; }
  bool is_open() const override { return open_; }
  int64_t pongs_received() const override { return pongs_; }

  // Session
  void Abort() override {
    boost::system::error_code ignored;
    auto& socket = boost::beast::get_lowest_layer(ws_).socket();
    socket.set_option(boost::asio::socket_base::linger(true, 0), ignored);
    boost::beast::get_lowest_layer(ws_).close();
  }

 private:
  struct Item {
    enum Kind { kText, kPing, kClose } kind;
    std::string payload;
  };

  void OnAccept(boost::system::error_code ec) {
    if (ec || core_->stopping) {
      core_->Unregister(session_id_);
      return;
    }
    id_ = core_->next_websocket_id++;
    open_ = true;
    ++core_->websockets_open;
    if (handler_->on_open) handler_->on_open(this->shared_from_this());
    DoRead();
    DoWrite();
  }

  void DoRead() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](boost::system::error_code ec,
                                                              size_t) { self->OnRead(ec); });
  }

  void OnRead(boost::system::error_code ec) {
    if (ec) {
      Finish();
      return;
    }
    if (handler_->on_message) {
      const auto data = buffer_.data();
      handler_->on_message(*this,
                           std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
    buffer_.clear();
    DoRead();
  }

  void Enqueue(typename Item::Kind kind, std::string payload) {
    ++queued_;
    boost::asio::post(*ioc_,
                      [self = this->shared_from_this(), kind, p = std::move(payload)]() mutable {
                        if (!self->open_) {
                          --self->queued_;
                          return;
                        }
                        self->queue_.push_back(Item{kind, std::move(p)});
                        self->DoWrite();
                      });
  }

  void DoWrite() {
    namespace websocket = boost::beast::websocket;
    if (writing_ || !sending_ || !open_ || queue_.empty()) return;
    writing_ = true;
    Item& item = queue_.front();
    auto done = [self = this->shared_from_this()](boost::system::error_code ec, auto&&...) {
      self->OnWrite(ec);
    };
    switch (item.kind) {
      case Item::kText:
        ws_.text(true);
        ws_.async_write(boost::asio::buffer(item.payload), std::move(done));
        break;
      case Item::kPing: {
        websocket::ping_data data;
        data.assign(item.payload.data(), std::min(item.payload.size(), data.max_size()));
        ws_.async_ping(data, std::move(done));
        break;
      }
      case Item::kClose:
        ws_.async_close(websocket::close_code::normal, std::move(done));
        break;
    }
  }

  void OnWrite(boost::system::error_code ec) {
    writing_ = false;
    if (!queue_.empty()) {
      queue_.pop_front();
      --queued_;
    }
    if (ec) {
      Abort();  // the read fails next and finishes the session
      return;
    }
    DoWrite();
  }

  void Finish() {
    if (!open_) {
      core_->Unregister(session_id_);
      return;
    }
    open_ = false;
    queued_ -= queue_.size();
    queue_.clear();
    --core_->websockets_open;
    core_->Unregister(session_id_);
    if (handler_->on_close) handler_->on_close(*this);
  }

  std::shared_ptr<boost::asio::io_context> ioc_;  // first: outlives the stream
  ServerCore* core_;
  const WebSocketHandler* handler_;
  boost::beast::websocket::stream<Stream> ws_;
  std::string target_;
  boost::beast::flat_buffer buffer_;
  std::deque<Item> queue_;
  uint64_t id_ = 0;
  uint64_t session_id_ = 0;
  bool writing_ = false;
  bool sending_ = true;
  std::atomic<bool> open_{false};
  std::atomic<size_t> queued_{0};
  std::atomic<int64_t> pongs_{0};
};

}  // namespace rtml::ingest::net::internal
