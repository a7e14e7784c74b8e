#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "rtml/ingest/net/loopback_server.h"
#include "rtml/ingest/net/websocket_client.h"
#include "testing.h"

namespace rtml::ingest::net {
namespace {
using std::chrono::milliseconds;

// An echo server whose clients steer it with commands: "drop", "close", "ping",
// "burst N", "stall", "resume".
class WebSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WebSocketHandler handler;
    handler.on_open = [this](const std::shared_ptr<WebSocketConnection>& connection) {
      std::lock_guard lock(mu_);
      connections_.push_back(connection);
      targets_.push_back(connection->target());
    };
    handler.on_message = [](WebSocketConnection& connection, std::string_view message) {
      if (message == "drop") {
        connection.Drop();
      } else if (message == "close") {
        connection.Close();
      } else if (message == "ping") {
        connection.Ping("are you there");
      } else if (message.starts_with("burst ")) {
        const int n = std::stoi(std::string(message.substr(6)));
        for (int i = 0; i < n; ++i) connection.Send("message " + std::to_string(i));
      } else if (message == "stall") {
        connection.SetSending(false);
        connection.Send("held");
      } else if (message == "resume") {
        connection.SetSending(true);
      } else {
        connection.Send("echo: " + std::string(message));
      }
    };
    handler.on_close = [this](WebSocketConnection&) { ++closed_; };
    server_.AddWebSocketRoute("/echo", handler);
    ASSERT_OK(server_.Start());
    url_ = server_.BaseUrl(/*websocket=*/true) + "/echo?x=1";
  }

  std::unique_ptr<WebSocketClient> Connect() {
    auto client = WebSocketClient::Connect(url_);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(client).value() : nullptr;
  }

  static std::string ReadText(WebSocketClient& client) {
    Result<WebSocketFrame> frame = client.Read(milliseconds(5000));
    EXPECT_TRUE(frame.ok()) << frame.status().ToString();
    return frame.ok() ? std::string(frame->text) : std::string();
  }

  LoopbackServer server_;
  std::string url_;
  std::mutex mu_;
  std::vector<std::shared_ptr<WebSocketConnection>> connections_;
  std::vector<std::string> targets_;
  std::atomic<int> closed_{0};
};

TEST_F(WebSocketTest, EchoesAndSeesTheTarget) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_OK(client->Send("hello"));
  Result<WebSocketFrame> frame = client->Read(milliseconds(5000));
  ASSERT_OK(frame.status());
  EXPECT_EQ(frame->text, "echo: hello");
  EXPECT_FALSE(frame->binary);
  EXPECT_GT(frame->received_ns, 1'600'000'000'000'000'000);
  EXPECT_TRUE(client->is_open());
  {
    std::lock_guard lock(mu_);
    ASSERT_EQ(targets_.size(), 1u);
    EXPECT_EQ(targets_[0], "/echo?x=1");
    EXPECT_EQ(connections_[0]->id(), 1u);
  }
  EXPECT_EQ(server_.websockets_open(), 1);
  ASSERT_OK(client->Close());
  EXPECT_FALSE(client->is_open());
  for (int i = 0; i < 100 && closed_ == 0; ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(closed_, 1);
  EXPECT_EQ(server_.websockets_open(), 0);
}

TEST_F(WebSocketTest, ManyMessagesArriveInOrder) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_OK(client->Send("burst 5000"));
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(ReadText(*client), "message " + std::to_string(i));
  }
}

TEST_F(WebSocketTest, ReadTimesOutAndStaysUsable) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  const auto start = std::chrono::steady_clock::now();
  Result<WebSocketFrame> nothing = client->Read(milliseconds(150));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.status().code(), StatusCode::kTimeout);
  EXPECT_GE(took, milliseconds(140));
  EXPECT_LT(took, milliseconds(1000));
  Result<WebSocketFrame> poll = client->Read(milliseconds(0));
  EXPECT_EQ(poll.status().code(), StatusCode::kTimeout);

  ASSERT_OK(client->Send("after the timeout"));
  EXPECT_EQ(ReadText(*client), "echo: after the timeout");
  // A zero timeout returns what has already arrived.
  ASSERT_OK(client->Send("x"));
  std::this_thread::sleep_for(milliseconds(100));
  Result<WebSocketFrame> ready = client->Read(milliseconds(0));
  ASSERT_OK(ready.status());
  EXPECT_EQ(ready->text, "echo: x");
}

TEST_F(WebSocketTest, DroppedConnectionIsAClearErrorNamingTheUrl) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_OK(client->Send("drop"));
  Result<WebSocketFrame> frame = client->Read(milliseconds(5000));
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.status().code(), StatusCode::kIOError);
  EXPECT_NE(frame.status().message().find(url_), std::string::npos) << frame.status().ToString();
  EXPECT_NE(frame.status().message().find("connection lost"), std::string::npos)
      << frame.status().ToString();
  EXPECT_FALSE(client->is_open());
  // Finished: the same error again.
  EXPECT_EQ(client->Read(milliseconds(10)).status().message(), frame.status().message());
  EXPECT_FALSE(client->Send("x").ok());
  EXPECT_OK(client->Close());
}

TEST_F(WebSocketTest, ServerCloseIsReportedWithItsCode) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_OK(client->Send("close"));
  Result<WebSocketFrame> frame = client->Read(milliseconds(5000));
  ASSERT_FALSE(frame.ok());
  EXPECT_EQ(frame.status().code(), StatusCode::kIOError);
  EXPECT_NE(frame.status().message().find("closed by the server (code 1000"), std::string::npos)
      << frame.status().ToString();
}

TEST_F(WebSocketTest, PingsAreAnsweredBothWays) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  const auto connected_at = client->last_receive_time();
  // The server pings; the client answers while reading and counts it.
  ASSERT_OK(client->Send("ping"));
  ASSERT_OK(client->Send("after"));
  EXPECT_EQ(ReadText(*client), "echo: after");
  EXPECT_EQ(client->pings_received(), 1);
  EXPECT_GT(client->last_receive_time(), connected_at);
  std::shared_ptr<WebSocketConnection> connection;
  {
    std::lock_guard lock(mu_);
    connection = connections_.at(0);
  }
  for (int i = 0; i < 100 && connection->pongs_received() == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(connection->pongs_received(), 1);

  // The client pings; the server's pong arrives during a Read.
  ASSERT_OK(client->Ping("x"));
  EXPECT_EQ(client->Read(milliseconds(200)).status().code(), StatusCode::kTimeout);
  EXPECT_EQ(client->pongs_received(), 1);
}

TEST_F(WebSocketTest, StalledSendingHoldsMessagesUntilResumed) {
  auto client = Connect();
  ASSERT_NE(client, nullptr);
  ASSERT_OK(client->Send("stall"));
  EXPECT_EQ(client->Read(milliseconds(300)).status().code(), StatusCode::kTimeout);
  std::shared_ptr<WebSocketConnection> connection;
  {
    std::lock_guard lock(mu_);
    connection = connections_.at(0);
  }
  EXPECT_EQ(connection->queued(), 1u);
  ASSERT_OK(client->Send("resume"));
  EXPECT_EQ(ReadText(*client), "held");
  for (int i = 0; i < 100 && connection->queued() > 0; ++i) {
    std::this_thread::sleep_for(milliseconds(5));  // the write completes after delivery
  }
  EXPECT_EQ(connection->queued(), 0u);
}

TEST_F(WebSocketTest, ServersPushFromOtherThreadsAndStopEndsClients) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  for (int i = 0; i < 100; ++i) {
    std::lock_guard lock(mu_);
    if (connections_.size() == 2) break;
  }
  std::vector<std::shared_ptr<WebSocketConnection>> connections;
  for (int i = 0; i < 200 && connections.size() < 2; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
    std::lock_guard lock(mu_);
    connections = connections_;
  }
  ASSERT_EQ(connections.size(), 2u);
  std::thread pusher([&] {
    for (int i = 0; i < 100; ++i) {
      for (auto& connection : connections) connection->Send("push " + std::to_string(i));
    }
  });
  pusher.join();
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(ReadText(*a), "push " + std::to_string(i));
    EXPECT_EQ(ReadText(*b), "push " + std::to_string(i));
  }
  server_.Stop();
  EXPECT_EQ(closed_, 2);
  EXPECT_EQ(a->Read(milliseconds(5000)).status().code(), StatusCode::kIOError);
  EXPECT_FALSE(connections[0]->is_open());
  connections[0]->Send("after stop: ignored");
}

TEST_F(WebSocketTest, ConnectErrors) {
  Result<std::unique_ptr<WebSocketClient>> wrong_path =
      WebSocketClient::Connect(server_.BaseUrl(true) + "/nope");
  ASSERT_FALSE(wrong_path.ok());
  EXPECT_NE(wrong_path.status().message().find("declined with HTTP 404"), std::string::npos)
      << wrong_path.status().ToString();

  EXPECT_EQ(WebSocketClient::Connect("http://127.0.0.1/").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WebSocketClient::Connect("ws:/bad").status().code(), StatusCode::kInvalidArgument);

  const uint16_t port = server_.port();
  server_.Stop();
  Result<std::unique_ptr<WebSocketClient>> refused =
      WebSocketClient::Connect("ws://127.0.0.1:" + std::to_string(port) + "/echo");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kIOError);
  EXPECT_NE(refused.status().message().find("connect failed"), std::string::npos);
}

// A socket that listens but never accepts: TCP connects, the upgrade never answers.
TEST(WebSocketConnectTimeoutTest, SilentServerTimesOut) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string url = "ws://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/v2";

  WebSocketClient::Options options;
  options.connect_timeout = milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<WebSocketClient>> client = WebSocketClient::Connect(url, options);
  const auto took = std::chrono::steady_clock::now() - start;
  ::close(fd);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kTimeout) << client.status().ToString();
  EXPECT_NE(client.status().message().find(url), std::string::npos);
  EXPECT_LT(took, milliseconds(1500));
}

}  // namespace
}  // namespace rtml::ingest::net
