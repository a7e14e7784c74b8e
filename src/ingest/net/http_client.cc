// The Beast adapter of HttpGet. Every Beast/Asio call uses an error_code.
#include "rtml/ingest/net/http_client.h"

#include <optional>
#include <type_traits>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "asio_run.h"
#include "rtml/ingest/net/url.h"
#include "tls_context.h"

namespace rtml::ingest::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using internal::Clock;
using internal::RunUntil;

namespace {
constexpr std::chrono::seconds kDrainTime{2};

template <class Stream>
class Get {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  Get(const Url& url, std::string original, std::chrono::milliseconds timeout,
      const HttpClientOptions& options, std::unique_ptr<asio::ssl::context> tls)
      : url_(url),
        original_(std::move(original)),
        timeout_(timeout),
        options_(options),
        tls_(std::move(tls)),
        stream_(MakeStream()) {}

  ~Get() {
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  Result<HttpResponse> Run() {
    const auto deadline = Clock::now() + timeout_;
    const internal::Resolved resolved =
        internal::ResolveUntil(ioc_, url_.host, url_.port, deadline, kDrainTime);
    if (resolved.timed_out) return TimedOut();
    if (resolved.error)
      return Error("cannot resolve " + url_.host + ": " + resolved.error.message());
    const tcp::resolver::results_type& endpoints = resolved.endpoints;
    bool done = false;
    boost::system::error_code ec;

    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.expires_at(deadline);
    done = false;
    lowest.async_connect(endpoints, [&](boost::system::error_code e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    RTML_RETURN_IF_ERROR(Wait(done, ec, "connect failed"));

    if constexpr (kTls) {
      internal::SetServerName(stream_.native_handle(), url_.host);
      if (options_.tls.verify_peer) {
        stream_.set_verify_callback(asio::ssl::host_name_verification(url_.host), ec);
      }
      done = false;
      stream_.async_handshake(asio::ssl::stream_base::client, [&](boost::system::error_code e) {
        ec = e;
        done = true;
      });
      RTML_RETURN_IF_ERROR(Wait(done, ec, "TLS handshake failed"));
    }

    http::request<http::empty_body> request{http::verb::get, url_.target, 11};
    const bool default_port = url_.port == (url_.tls() ? 443 : 80);
    request.set(http::field::host, default_port ? url_.host : url_.HostPort());
    request.set(http::field::user_agent, options_.user_agent);
    request.set(http::field::accept, "*/*");
    request.keep_alive(false);
    done = false;
    http::async_write(stream_, request, [&](boost::system::error_code e, size_t) {
      ec = e;
      done = true;
    });
    RTML_RETURN_IF_ERROR(Wait(done, ec, "sending the request failed"));

    http::response_parser<http::string_body> parser;
    parser.body_limit(options_.max_body_bytes);
    parser.header_limit(64 * 1024);
    beast::flat_buffer buffer;
    done = false;
    http::async_read(stream_, buffer, parser, [&](boost::system::error_code e, size_t) {
      ec = e;
      done = true;
    });
    RTML_RETURN_IF_ERROR(Wait(done, ec, "reading the response failed"));

    http::response<http::string_body> message = parser.release();
    HttpResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    response.body = std::move(message.body());
    return response;
  }

 private:
  Stream MakeStream() {
    if constexpr (kTls) {
      return Stream(ioc_, *tls_);
    } else {
      return Stream(ioc_);
    }
  }

  Status Error(const std::string& what) const {
    return Status::IOError("GET " + original_ + ": " + what);
  }
  Status TimedOut() const {
    return Status::Timeout("GET " + original_ + ": no response within " +
                           std::to_string(timeout_.count()) + " ms");
  }

  // Waits for an operation bounded by the tcp_stream's timer.
  Status Wait(const bool& done, const boost::system::error_code& ec, const std::string& what) {
    if (!RunUntil(ioc_, done, Clock::now() + timeout_ + kDrainTime)) {
      boost::system::error_code ignored;
      beast::get_lowest_layer(stream_).socket().close(ignored);
      RunUntil(ioc_, done, Clock::now() + kDrainTime);
      return TimedOut();
    }
    if (ec == beast::error::timeout) return TimedOut();
    if (ec) return Error(what + ": " + ec.message());
    return Status::Ok();
  }

  Url url_;
  std::string original_;
  std::chrono::milliseconds timeout_;
  HttpClientOptions options_;
  asio::io_context ioc_;
  std::unique_ptr<asio::ssl::context> tls_;
  Stream stream_;
};

}  // namespace

Result<HttpResponse> HttpGet(std::string_view url, std::chrono::milliseconds timeout,
                             const HttpClientOptions& options) {
  RTML_ASSIGN_OR_RETURN(Url parsed, ParseUrl(url));
  if (parsed.websocket()) {
    return Status::InvalidArgument("not an HTTP URL (http:// or https://): " + std::string(url));
  }
  if (parsed.tls()) {
    auto tls = internal::MakeClientTlsContext(options.tls);
    if (!tls.ok()) return tls.status().WithContext(url);
    Get<beast::ssl_stream<beast::tcp_stream>> get(parsed, std::string(url), timeout, options,
                                                  std::move(tls).value());
    return get.Run();
  }
  Get<beast::tcp_stream> get(parsed, std::string(url), timeout, options, nullptr);
  return get.Run();
}

}  // namespace rtml::ingest::net
