// The Beast adapter of WebSocketClient. Every Beast/Asio call uses an error_code
// (async completion or overload); nothing here throws past the API.
#include "rtml/ingest/net/websocket_client.h"

#include <atomic>
#include <type_traits>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "asio_run.h"
#include "rtml/core/clock.h"
#include "rtml/ingest/net/url.h"
#include "tls_context.h"

namespace rtml::ingest::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using internal::Clock;
using internal::RunUntil;

namespace {

constexpr std::chrono::seconds kDrainTime{2};

// The stream-independent face of a connection; StreamClient implements it for plain
// and TLS streams.
class ClientBase {
 public:
  virtual ~ClientBase() = default;
  virtual Status Connect(const Url& url) = 0;
  virtual Status Send(std::string_view text) = 0;
  virtual Result<WebSocketFrame> Read(std::chrono::milliseconds timeout) = 0;
  virtual Status Ping(std::string_view payload) = 0;
  virtual Status Close() = 0;

  std::string url_;
  std::atomic<Clock::rep> last_receive_{0};
  std::atomic<int64_t> pings_{0};
  std::atomic<int64_t> pongs_{0};
  Status dead_;  // the first fatal error; the client is finished once it is set
  bool closed_ = false;
};

template <class NextLayer>
class StreamClient final : public ClientBase {
  static constexpr bool kTls = !std::is_same_v<NextLayer, beast::tcp_stream>;

 public:
  StreamClient(std::string url, const WebSocketClientOptions& options,
               std::unique_ptr<asio::ssl::context> tls)
      : options_(options), tls_(std::move(tls)), ws_(MakeStream()) {
    url_ = std::move(url);
  }

  Status Connect(const Url& url) override {
    const auto deadline = Clock::now() + options_.connect_timeout;
    const auto timed_out = [&] {
      return Status::Timeout(url_ + ": connect timed out after " +
                             std::to_string(options_.connect_timeout.count()) + " ms");
    };

    // Resolve.
    const internal::Resolved resolved =
        internal::ResolveUntil(ioc_, url.host, url.port, deadline, kDrainTime);
    if (resolved.timed_out) return timed_out();
    if (resolved.error)
      return Status::IOError(url_ + ": cannot resolve " + url.host + ": " +
                             resolved.error.message());
    const tcp::resolver::results_type& endpoints = resolved.endpoints;
    bool done = false;
    boost::system::error_code ec;

    // TCP, TLS and the upgrade, under the tcp_stream's timer.
    auto& lowest = beast::get_lowest_layer(ws_);
    lowest.expires_at(deadline);
    done = false;
    lowest.async_connect(endpoints, [&](boost::system::error_code e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    RunToCompletion(done);
    if (ec == beast::error::timeout) return timed_out();
    if (ec) return Status::IOError(url_ + ": connect failed: " + ec.message());

    if constexpr (kTls) {
      internal::SetServerName(ws_.next_layer().native_handle(), url.host);
      if (options_.tls.verify_peer) {
        ws_.next_layer().set_verify_callback(asio::ssl::host_name_verification(url.host), ec);
      }
      done = false;
      ws_.next_layer().async_handshake(asio::ssl::stream_base::client,
                                       [&](boost::system::error_code e) {
                                         ec = e;
                                         done = true;
                                       });
      RunToCompletion(done);
      if (ec == beast::error::timeout) return timed_out();
      if (ec) return Status::IOError(url_ + ": TLS handshake failed: " + ec.message());
    }

    ws_.set_option(websocket::stream_base::decorator(
        [agent = options_.user_agent](websocket::request_type& request) {
          request.set(http::field::user_agent, agent);
        }));
    const bool default_port = url.port == (url.tls() ? 443 : 80);
    const std::string host = default_port ? url.host : url.HostPort();
    websocket::response_type response;
    done = false;
    ws_.async_handshake(response, host, url.target, [&](boost::system::error_code e) {
      ec = e;
      done = true;
    });
    RunToCompletion(done);
    if (ec == beast::error::timeout) return timed_out();
    if (ec == websocket::error::upgrade_declined) {
      return Status::IOError(url_ + ": websocket upgrade declined with HTTP " +
                             std::to_string(response.result_int()));
    }
    if (ec) return Status::IOError(url_ + ": websocket handshake failed: " + ec.message());

    // From here on the websocket's own timeouts apply (close handshake only).
    lowest.expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.write_timeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.read_message_max(options_.max_message_bytes);
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      Touch();
      if (kind == websocket::frame_type::ping) ++pings_;
      if (kind == websocket::frame_type::pong) ++pongs_;
    });
    Touch();
    return Status::Ok();
  }

  Status Send(std::string_view text) override {
    RTML_RETURN_IF_ERROR(Usable());
    ws_.text(true);
    write_done_ = false;
    ws_.async_write(asio::buffer(text.data(), text.size()),
                    [this](boost::system::error_code e, size_t) {
                      write_ec_ = e;
                      write_done_ = true;
                    });
    return FinishWrite("send");
  }

  Result<WebSocketFrame> Read(std::chrono::milliseconds timeout) override {
    RTML_RETURN_IF_ERROR(Usable());
    if (!read_pending_) {
      buffer_.clear();
      read_done_ = false;
      read_pending_ = true;
      ws_.async_read(buffer_, [this](boost::system::error_code e, size_t) {
        read_ec_ = e;
        read_done_ = true;
      });
    }
    if (!RunUntil(ioc_, read_done_, Clock::now() + timeout)) {
      return Status::Timeout(url_ + ": no message within " + std::to_string(timeout.count()) +
                             " ms");
    }
    read_pending_ = false;
    if (read_ec_) return Fail(ReadError(read_ec_));
    Touch();
    WebSocketFrame frame;
    frame.text = std::string_view(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    frame.binary = !ws_.got_text();
    frame.received_ns = WallClockNs();
    return frame;
  }

  Status Ping(std::string_view payload) override {
    RTML_RETURN_IF_ERROR(Usable());
    websocket::ping_data data;
    data.assign(payload.data(), std::min(payload.size(), data.max_size()));
    write_done_ = false;
    ws_.async_ping(data, [this](boost::system::error_code e) {
      write_ec_ = e;
      write_done_ = true;
    });
    return FinishWrite("ping");
  }

  Status Close() override {
    if (closed_ || !dead_.ok()) {
      closed_ = true;
      return Status::Ok();
    }
    closed_ = true;
    write_done_ = false;
    ws_.async_close(websocket::close_code::normal, [this](boost::system::error_code e) {
      write_ec_ = e;
      write_done_ = true;
    });
    const auto deadline = Clock::now() + options_.write_timeout;
    const bool finished = RunUntil(ioc_, write_done_, deadline) &&
                          (!read_pending_ || RunUntil(ioc_, read_done_, deadline));
    if (!finished) Abort();
    read_pending_ = false;
    dead_ = Status::IOError(url_ + ": closed by this client");
    return Status::Ok();
  }

  ~StreamClient() override {
    if (!closed_ && dead_.ok()) Abort();
  }

 private:
  websocket::stream<NextLayer> MakeStream() {
    if constexpr (kTls) {
      return websocket::stream<NextLayer>(ioc_, *tls_);
    } else {
      return websocket::stream<NextLayer>(ioc_);
    }
  }

  void Touch() { last_receive_ = Clock::now().time_since_epoch().count(); }

  Status Usable() const {
    if (!dead_.ok()) return dead_;
    if (closed_) return Status::IOError(url_ + ": closed by this client");
    return Status::Ok();
  }

  Status Fail(Status status) {
    if (dead_.ok()) dead_ = std::move(status);
    return dead_;
  }

  Status ReadError(const boost::system::error_code& ec) {
    if (ec == websocket::error::closed) {
      const websocket::close_reason& reason = ws_.reason();
      std::string message =
          url_ + ": connection closed by the server (code " + std::to_string(reason.code);
      if (!reason.reason.empty()) {
        message += ": " + std::string(reason.reason.data(), reason.reason.size());
      }
      return Status::IOError(message + ")");
    }
    if (ec == websocket::error::message_too_big) {
      return Status::IOError(url_ + ": message longer than " +
                             std::to_string(options_.max_message_bytes) + " bytes");
    }
    return Status::IOError(url_ + ": connection lost: " + ec.message());
  }

  // Runs until an operation bounded by the tcp_stream's timer completes.
  void RunToCompletion(const bool& done) {
    if (!RunUntil(ioc_, done, Clock::now() + options_.connect_timeout + kDrainTime)) {
      Abort();  // the timer should have fired; never leave a handler pointing at the stack
    }
  }

  Status FinishWrite(std::string_view what) {
    if (!RunUntil(ioc_, write_done_, Clock::now() + options_.write_timeout)) {
      Abort();
      return Fail(Status::IOError(url_ + ": " + std::string(what) + " timed out after " +
                                  std::to_string(options_.write_timeout.count()) + " ms"));
    }
    if (write_ec_) {
      return Fail(
          Status::IOError(url_ + ": " + std::string(what) + " failed: " + write_ec_.message()));
    }
    return Status::Ok();
  }

  // Closes the socket and runs the aborted handlers, so none is left pending.
  void Abort() {
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    beast::get_lowest_layer(ws_).cancel();
    ioc_.restart();
    const auto deadline = Clock::now() + kDrainTime;
    while (!ioc_.stopped() && Clock::now() < deadline) ioc_.run_for(std::chrono::milliseconds(50));
    read_pending_ = false;
  }

  WebSocketClientOptions options_;
  asio::io_context ioc_;                     // before the stream, which it outlives
  std::unique_ptr<asio::ssl::context> tls_;  // null for ws://
  websocket::stream<NextLayer> ws_;
  beast::flat_buffer buffer_;
  bool read_pending_ = false;
  bool read_done_ = false;
  boost::system::error_code read_ec_;
  bool write_done_ = false;
  boost::system::error_code write_ec_;
};

}  // namespace

class WebSocketClient::Impl {
 public:
  std::unique_ptr<ClientBase> client;
};

WebSocketClient::WebSocketClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WebSocketClient::~WebSocketClient() = default;

Result<std::unique_ptr<WebSocketClient>> WebSocketClient::Connect(std::string_view url,
                                                                  const Options& options) {
  RTML_ASSIGN_OR_RETURN(Url parsed, ParseUrl(url));
  if (!parsed.websocket()) {
    return Status::InvalidArgument("not a websocket URL (ws:// or wss://): " + std::string(url));
  }
  auto impl = std::make_unique<Impl>();
  if (parsed.tls()) {
    auto tls = internal::MakeClientTlsContext(options.tls);
    if (!tls.ok()) return tls.status().WithContext(url);
    impl->client = std::make_unique<StreamClient<beast::ssl_stream<beast::tcp_stream>>>(
        std::string(url), options, std::move(tls).value());
  } else {
    impl->client =
        std::make_unique<StreamClient<beast::tcp_stream>>(std::string(url), options, nullptr);
  }
  RTML_RETURN_IF_ERROR(impl->client->Connect(parsed));
  return std::unique_ptr<WebSocketClient>(new WebSocketClient(std::move(impl)));
}

Status WebSocketClient::Send(std::string_view text) { return impl_->client->Send(text); }
Result<WebSocketFrame> WebSocketClient::Read(std::chrono::milliseconds timeout) {
  return impl_->client->Read(timeout);
}
Status WebSocketClient::Ping(std::string_view payload) { return impl_->client->Ping(payload); }
Status WebSocketClient::Close() { return impl_->client->Close(); }

WebSocketClient::Clock::time_point WebSocketClient::last_receive_time() const {
  return Clock::time_point(Clock::duration(impl_->client->last_receive_.load()));
}
int64_t WebSocketClient::pings_received() const { return impl_->client->pings_; }
int64_t WebSocketClient::pongs_received() const { return impl_->client->pongs_; }
bool WebSocketClient::is_open() const {
  return impl_->client->dead_.ok() && !impl_->client->closed_;
}
const std::string& WebSocketClient::url() const { return impl_->client->url_; }

}  // namespace rtml::ingest::net
