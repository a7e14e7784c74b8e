// wss:// and https:// against the loopback server with a self-signed certificate
// made by the openssl command for this test: TLS really runs, verification included.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "rtml/ingest/net/http_client.h"
#include "rtml/ingest/net/loopback_server.h"
#include "rtml/ingest/net/websocket_client.h"
#include "testing.h"

namespace rtml::ingest::net {
namespace {
using std::chrono::milliseconds;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = dir_.str() + "/cert.pem";
    key_ = dir_.str() + "/key.pem";
    // Names "localhost" only, so connecting to 127.0.0.1 must fail host verification.
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
        " -subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout " +
        key_ + " -out " + cert_ + " 2>&1";
    const testing::CommandResult made = testing::RunCommand(command);
    ASSERT_EQ(made.exit_code, 0) << made.out;

    LoopbackServerOptions options;
    options.cert_file = cert_;
    options.key_file = key_;
    server_ = std::make_unique<LoopbackServer>(options);
    WebSocketHandler echo;
    echo.on_message = [](WebSocketConnection& connection, std::string_view message) {
      connection.Send("tls echo: " + std::string(message));
    };
    server_->AddWebSocketRoute("/echo", echo);
    server_->AddHttpRoute("/hello", [](const HttpRequest&) {
      return HttpResponse{200, {{"Retry-After", "3"}}, "hello over tls"};
    });
    ASSERT_OK(server_->Start());
    port_ = std::to_string(server_->port());
  }

  WebSocketClient::Options Trusting() const {
    WebSocketClient::Options options;
    options.tls.ca_file = cert_;
    options.connect_timeout = milliseconds(5000);
    return options;
  }

  testing::TempDir dir_;
  std::string cert_;
  std::string key_;
  std::unique_ptr<LoopbackServer> server_;
  std::string port_;
};

TEST_F(TlsTest, WssEchoWithTheTrustedCertificate) {
  EXPECT_EQ(server_->BaseUrl(true).substr(0, 6), "wss://");
  ASSERT_OK_AND_ASSIGN(auto client,
                       WebSocketClient::Connect("wss://localhost:" + port_ + "/echo", Trusting()));
  ASSERT_OK(client->Send("secret"));
  ASSERT_OK_AND_ASSIGN(WebSocketFrame frame, client->Read(milliseconds(5000)));
  EXPECT_EQ(frame.text, "tls echo: secret");
  ASSERT_OK(client->Close());
}

TEST_F(TlsTest, UntrustedCertificateIsRejected) {
  Result<std::unique_ptr<WebSocketClient>> client =
      WebSocketClient::Connect("wss://localhost:" + port_ + "/echo");
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kIOError);
  EXPECT_NE(client.status().message().find("TLS handshake failed"), std::string::npos)
      << client.status().ToString();
  EXPECT_NE(client.status().message().find("certificate verify failed"), std::string::npos)
      << client.status().ToString();
}

TEST_F(TlsTest, CertificateForAnotherNameIsRejected) {
  Result<std::unique_ptr<WebSocketClient>> client =
      WebSocketClient::Connect("wss://127.0.0.1:" + port_ + "/echo", Trusting());
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.status().message().find("TLS handshake failed"), std::string::npos)
      << client.status().ToString();
}

TEST_F(TlsTest, VerificationCanBeTurnedOff) {
  WebSocketClient::Options options;
  options.tls.verify_peer = false;
  ASSERT_OK_AND_ASSIGN(auto client,
                       WebSocketClient::Connect("wss://127.0.0.1:" + port_ + "/echo", options));
  ASSERT_OK(client->Send("anyone"));
  ASSERT_OK_AND_ASSIGN(WebSocketFrame frame, client->Read(milliseconds(5000)));
  EXPECT_EQ(frame.text, "tls echo: anyone");
}

TEST_F(TlsTest, HttpsGet) {
  HttpClientOptions options;
  options.tls.ca_file = cert_;
  ASSERT_OK_AND_ASSIGN(HttpResponse response, HttpGet("https://localhost:" + port_ + "/hello",
                                                      milliseconds(5000), options));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello over tls");
  EXPECT_EQ(response.Header("Retry-After").value_or(""), "3");

  Result<HttpResponse> untrusted =
      HttpGet("https://localhost:" + port_ + "/hello", milliseconds(5000));
  ASSERT_FALSE(untrusted.ok());
  EXPECT_NE(untrusted.status().message().find("certificate verify failed"), std::string::npos)
      << untrusted.status().ToString();
}

TEST_F(TlsTest, MissingCertificateFileIsAnError) {
  LoopbackServerOptions options;
  options.cert_file = dir_.str() + "/missing.pem";
  options.key_file = key_;
  LoopbackServer server(options);
  Status started = server.Start();
  EXPECT_EQ(started.code(), StatusCode::kIOError);
  EXPECT_NE(started.message().find("missing.pem"), std::string::npos) << started.ToString();
}

}  // namespace
}  // namespace rtml::ingest::net
