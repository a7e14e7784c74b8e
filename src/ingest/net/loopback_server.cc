// The Beast adapter of LoopbackServer: the listener, the I/O thread and Stop().
#include "rtml/ingest/net/loopback_server.h"

#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include "http_session.h"
#include "rtml/core/log.h"
#include "server_core.h"
#include "tls_context.h"

namespace rtml::ingest::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

class LoopbackServer::Impl {
 public:
  explicit Impl(LoopbackServerOptions options) : options_(std::move(options)) {
    core_.ioc = std::make_shared<asio::io_context>(1);
  }

  ~Impl() {
    Stop();
    // Handlers posted after the I/O thread ended (e.g. a Send on a closed connection):
    // run them so none keeps a session alive.
    core_.ioc->restart();
    core_.ioc->poll();
  }

  Status Start() {
    if (started_) return Status::Internal("LoopbackServer::Start called twice");
    if (!options_.cert_file.empty() || !options_.key_file.empty()) {
      auto tls = internal::MakeServerTlsContext(options_.cert_file, options_.key_file);
      if (!tls.ok()) return tls.status();
      tls_ = std::move(tls).value();
    }
    boost::system::error_code ec;
    const asio::ip::address address = asio::ip::make_address(options_.address, ec);
    if (ec) return Status::InvalidArgument("bad listen address '" + options_.address + "'");
    const tcp::endpoint endpoint(address, options_.port);
    const std::string where = options_.address + ":" + std::to_string(options_.port);
    acceptor_.emplace(*core_.ioc);
    if (acceptor_->open(endpoint.protocol(), ec); ec) {
      return Status::IOError("cannot open a socket for " + where + ": " + ec.message());
    }
    acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (acceptor_->bind(endpoint, ec); ec) {
      return Status::IOError("cannot bind " + where + ": " + ec.message());
    }
    if (acceptor_->listen(asio::socket_base::max_listen_connections, ec); ec) {
      return Status::IOError("cannot listen on " + where + ": " + ec.message());
    }
    port_ = acceptor_->local_endpoint(ec).port();
    started_ = true;
    DoAccept();
    std::promise<void> finished;
    finished_ = finished.get_future();
    thread_ = std::thread([this, done = std::move(finished)]() mutable {
      try {
        core_.ioc->run();
      } catch (const std::exception& e) {
        LogWarning(std::string("loopback server: I/O thread failed: ") + e.what());
      }
      done.set_value();
    });
    return Status::Ok();
  }

  void Stop() {
    if (!thread_.joinable()) return;
    asio::post(*core_.ioc, [this] {
      core_.stopping = true;
      boost::system::error_code ignored;
      acceptor_->close(ignored);
      std::vector<std::shared_ptr<internal::Session>> sessions;
      for (auto& [id, weak] : core_.sessions) {
        if (auto session = weak.lock()) sessions.push_back(std::move(session));
      }
      for (auto& session : sessions) session->Abort();
    });
    // Every aborted operation completes promptly; the bound only guards against a bug.
    if (finished_.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      LogWarning("loopback server: connections did not end within 5 s of Stop(); stopping");
      core_.ioc->stop();
    }
    thread_.join();
  }

  void DoAccept() {
    acceptor_->async_accept(*core_.ioc, [this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || core_.stopping) return;
        DoAccept();  // e.g. too many open files: keep listening
        return;
      }
      ++core_.connections_accepted;
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (tls_) {
        using Stream = beast::ssl_stream<beast::tcp_stream>;
        std::make_shared<internal::HttpSession<Stream>>(
            &core_, Stream(beast::tcp_stream(std::move(socket)), *tls_))
            ->Start();
      } else {
        std::make_shared<internal::HttpSession<beast::tcp_stream>>(
            &core_, beast::tcp_stream(std::move(socket)))
            ->Start();
      }
      DoAccept();
    });
  }

  LoopbackServerOptions options_;
  internal::ServerCore core_;
  std::unique_ptr<asio::ssl::context> tls_;
  std::optional<tcp::acceptor> acceptor_;
  std::thread thread_;
  std::future<void> finished_;
  std::atomic<uint16_t> port_{0};
  bool started_ = false;
};

LoopbackServer::LoopbackServer(LoopbackServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
LoopbackServer::~LoopbackServer() = default;

void LoopbackServer::AddWebSocketRoute(std::string path, WebSocketHandler handler) {
  impl_->core_.websocket_routes[std::move(path)] = std::move(handler);
}
void LoopbackServer::AddHttpRoute(std::string path, HttpHandler handler) {
  impl_->core_.http_routes[std::move(path)] = std::move(handler);
}
Status LoopbackServer::Start() { return impl_->Start(); }
void LoopbackServer::Stop() { impl_->Stop(); }
uint16_t LoopbackServer::port() const { return impl_->port_; }

std::string LoopbackServer::BaseUrl(bool websocket) const {
  const bool tls = impl_->tls_ != nullptr;
  std::string scheme = websocket ? (tls ? "wss" : "ws") : (tls ? "https" : "http");
  std::string host = impl_->options_.address;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return scheme + "://" + host + ":" + std::to_string(port());
}

int64_t LoopbackServer::connections_accepted() const { return impl_->core_.connections_accepted; }
int64_t LoopbackServer::websockets_open() const { return impl_->core_.websockets_open; }

}  // namespace rtml::ingest::net
