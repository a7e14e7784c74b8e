// Internal helpers shared by the Beast/Asio adapter files of rtml_ingest_net. Only .cc
// files of this folder include it: Asio stays out of the public headers.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace rtml::ingest::net::internal {

using Clock = std::chrono::steady_clock;

// Runs handlers of `ioc` on this thread until `done` becomes true (set by a handler)
// or `deadline` passes; false on the deadline. Handlers that are already runnable
// are run even when the deadline is now, so a zero timeout still sees data that has
// arrived. The operation that sets `done` stays pending after a false return.
inline bool RunUntil(boost::asio::io_context& ioc, const bool& done, Clock::time_point deadline) {
  while (!done) {
    if (ioc.stopped()) ioc.restart();
    if (ioc.poll() > 0) continue;
    if (done) break;
    if (Clock::now() >= deadline) return false;
    if (ioc.stopped()) ioc.restart();
    ioc.run_one_until(deadline);
  }
  return true;
}

struct Resolved {
  bool timed_out = false;
  boost::system::error_code error;
  boost::asio::ip::tcp::resolver::results_type endpoints;
};

// Resolves `host`:`port` on `ioc`, giving up at `deadline` (timed_out). A resolve
// that timed out is cancelled and given `drain` to finish, so nothing outlives it.
inline Resolved ResolveUntil(boost::asio::io_context& ioc, const std::string& host, uint16_t port,
                             Clock::time_point deadline, Clock::duration drain) {
  boost::asio::ip::tcp::resolver resolver(ioc);
  Resolved out;
  bool done = false;
  resolver.async_resolve(
      host, std::to_string(port),
      [&](boost::system::error_code e, boost::asio::ip::tcp::resolver::results_type r) {
        out.error = e;
        out.endpoints = std::move(r);
        done = true;
      });
  if (!RunUntil(ioc, done, deadline)) {
    resolver.cancel();
    RunUntil(ioc, done, Clock::now() + drain);
    out.timed_out = true;
  }
  return out;
}

}  // namespace rtml::ingest::net::internal
